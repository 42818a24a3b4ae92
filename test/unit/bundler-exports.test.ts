// @vitest-environment node
// The package's exports map, as Node (and bundlers following it) resolve it: README tells users to
// copy dist/hunch-*.js, so those paths must resolve (ERR_PACKAGE_PATH_NOT_EXPORTED before).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
const root = mkdtempSync(join(tmpdir(), 'hunch-exports-'));
const installed = join(root, 'node_modules', 'hunch');
const FILES = ['dist/hunch.js', 'dist/hunch.iife.js', 'dist/hunch-worker.js', 'dist/hunch-runtime.js', 'dist/hunch-intent.js', 'models/intent/model.json'];
// an installed copy of the package: this package.json, stand-in files
for (const f of FILES) {
  mkdirSync(dirname(join(installed, f)), { recursive: true });
  writeFileSync(join(installed, f), '');
}
writeFileSync(join(installed, 'package.json'), pkg);
const resolve = createRequire(join(root, 'app.js')).resolve;
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('package.json exports', () => {
  it.each(['dist/hunch-worker.js', 'dist/hunch-runtime.js', 'dist/hunch-intent.js', 'dist/hunch.iife.js'])('hunch/%s resolves to the file', (f) => {
    expect(resolve(`hunch/${f}`)).toBe(join(installed, f));
  });

  it('the entries that were there stay', () => {
    expect(resolve('hunch')).toBe(join(installed, 'dist/hunch.js'));
    expect(resolve('hunch/hunch.iife.js')).toBe(join(installed, 'dist/hunch.iife.js'));
    expect(resolve('hunch/models/intent/model.json')).toBe(join(installed, 'models/intent/model.json'));
    expect(resolve('hunch/package.json')).toBe(join(installed, 'package.json'));
  });
});
