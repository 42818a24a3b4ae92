// @vitest-environment node
// The builds leave out idb's async-iterator traps (tools/idb-without-iterators.mjs): this
// checks that nothing in src/ needs them, and that the cut fails loudly on a changed idb file.
// The size report (the build's last step) works wherever the checkout sits.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { idbWithoutIterators } from '../../tools/idb-without-iterators.mjs';
import { longWithoutWasm } from '../../tools/long-without-wasm.mjs';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
const IDB_INDEX = fileURLToPath(new URL('../../node_modules/idb/build/index.js', import.meta.url));
const LONG = fileURLToPath(new URL('../../node_modules/long/src/long.js', import.meta.url));

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

describe("long without WebAssembly (a strict CSP has no 'wasm-unsafe-eval')", () => {
  it("takes long's plain-JS path in the installed file, and fails the build when that file changes shape", () => {
    const plugin = longWithoutWasm();
    const errors: string[] = [];
    const ctx = { error: (m: string) => errors.push(m) };
    const code = readFileSync(LONG, 'utf8');
    const out = plugin.transform.call(ctx, code, LONG) as { code: string };
    expect(errors).toEqual([]);
    expect(out.code).not.toContain('WebAssembly');
    expect(out.code).toMatch(/var wasm = null;/); // long's own fallback when WebAssembly is missing
    expect(out.code.length).toBeGreaterThan(code.length - 2000); // only the compile went
    expect(plugin.transform.call(ctx, 'const x = 1;', '/x/other.js')).toBeNull();
    plugin.transform.call(ctx, code.replace('try {', 'if (true) {'), LONG);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/changed shape/);
  });

});

describe('size report', () => {
  it('reads dist/ from a checkout whose path has a space or a non-ASCII letter, and fails over the budget', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'hunch-')), 'my shop é');
    try {
      mkdirSync(join(root, 'tools'), { recursive: true });
      mkdirSync(join(root, 'dist'));
      copyFileSync(fileURLToPath(new URL('../../tools/size-report.mjs', import.meta.url)), join(root, 'tools', 'size-report.mjs'));
      writeFileSync(join(root, 'dist', 'hunch.iife.js'), 'var hunch = 1;');
      const run = () => promisify(execFile)(process.execPath, [join(root, 'tools', 'size-report.mjs')]);
      // was ENOENT on '/…/my%20shop%20%C3%A9/dist/'
      expect((await run()).stdout).toContain('| dist/hunch.iife.js |');
      writeFileSync(join(root, 'dist', 'hunch.iife.js'), Array.from({ length: 40_000 }, (_, i) => (i * 2654435761) % 1e9).join(','));
      await expect(run()).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('over the') });
    } finally {
      rmSync(join(root, '..'), { recursive: true, force: true });
    }
  });
});
