// @vitest-environment node
// The builds leave out idb's async-iterator traps (tools/idb-without-iterators.mjs): this
// checks that nothing in src/ needs them, and that the cut fails loudly on a changed idb file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idbWithoutIterators } from '../../tools/idb-without-iterators.mjs';

const SRC = new URL('../../src/', import.meta.url).pathname;
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
const IDB_INDEX = new URL('../../node_modules/idb/build/index.js', import.meta.url).pathname;

describe('idb without async iterators', () => {
  it('no source iterates an idb cursor, index or store with for await, .iterate() or Symbol.asyncIterator', () => {
    const offenders = sources(SRC).filter((f) => /for\s+await\b|\.iterate\s*\(|Symbol\.asyncIterator/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it("cuts exactly the iterator section of the installed idb, and fails the build when idb's file changes shape", () => {
    const plugin = idbWithoutIterators();
    const errors: string[] = [];
    const ctx = { error: (m: string) => errors.push(m) };
    const code = readFileSync(IDB_INDEX, 'utf8');
    const out = plugin.transform.call(ctx, code, IDB_INDEX) as { code: string };
    expect(errors).toEqual([]);
    expect(out.code).not.toMatch(/asyncIterator|function\* iterate/);
    expect(out.code).toMatch(/export \{ deleteDB, openDB, unwrap, wrap \};/);
    expect(out.code).toContain("const readMethods = ['get', 'getKey', 'getAll', 'getAllKeys', 'count'];"); // the store shortcuts stay
    expect(plugin.transform.call(ctx, 'const x = 1;', '/x/other.js')).toBeNull();
    plugin.transform.call(ctx, code.replace('async function* iterate', 'function iterate'), IDB_INDEX);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/changed shape/);
  });
});
