import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the shared data (`HUNCH_DATA`, default `<repo>/../shared/data`). Tests skip what they cannot find. */
export function dataRoot(): string {
  return process.env.HUNCH_DATA ?? resolve(fileURLToPath(new URL('..', import.meta.url)), '../shared/data');
}
