/** See idb-without-iterators.mjs. */
export function idbWithoutIterators(): {
  name: string;
  transform(this: { error(message: string): void }, code: string, id: string): { code: string; map: null } | null;
};
