/** See long-without-wasm.mjs. */
export function longWithoutWasm(): {
  name: string;
  transform(this: { error(message: string): void }, code: string, id: string): { code: string; map: null } | null;
};
