// @vitest-environment node
/**
 * The npm package as a store installs it (needs `npm run build`; `npm test` runs it first): what
 * `npm pack` puts in it, that the built files import nothing from node_modules (so the package
 * has no runtime dependencies), and that its type declarations compile in a project that has
 * nothing else installed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const scratch: string[] = [];
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Module specifiers a built file imports (static, re-export and dynamic). */
function specifiers(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/(?<![\w$.'"-])(?:import|export)\s*(?:[\w*{}\s,$]+\s*from\s*)?["']([^"']+)["']|(?<![\w$.'"-])import\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1] ?? m[2]);
  return out;
}

describe('the npm package', () => {
  it('npm pack ships the builds, their types and the intent model, and nothing of the sources, tools or tests', () => {
    const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8' }));
    const files: string[] = report.files.map((f: { path: string }) => f.path);
    for (const need of ['package.json', 'README.md', 'LICENSE', 'dist/hunch.js', 'dist/hunch.iife.js', 'dist/hunch-intent.js', 'dist/hunch-worker.js', 'dist/hunch-runtime.js', 'dist/types/index.d.ts', 'models/intent/model.json', 'models/intent/weights.bin']) {
      expect(files, need).toContain(need);
    }
    expect(files.filter((f) => /^(src|tools|test|bench|examples|models\/next-item)\//.test(f))).toEqual([]);
    // every entry the manifest names is in the tarball
    const named = [pkg.main, pkg.module, pkg.types, pkg.exports['.'].types, pkg.exports['.'].import, pkg.exports['./hunch.iife.js']].map((p: string) => p.replace(/^\.\//, ''));
    for (const p of named) expect(files, p).toContain(p);
  });

  it('names no short CDN entry (unpkg, jsdelivr, browser) that serves the script tag at the package root', () => {
    // served as unpkg.com/hunch or cdn.jsdelivr.net/npm/hunch@x, the script's folder is the CDN's
    // package list, so the lazy half it loads next to itself, '…/hunch-intent.js', would be
    // another npm package (anyone may publish that name) running on the store's page
    expect([pkg.unpkg, pkg.jsdelivr, pkg.browser]).toEqual([undefined, undefined, undefined]);
    // main is the ESM build: a classic <script> given it stops at the parse, before any code runs
    expect(readFileSync(join(repo, pkg.main), 'utf8')).toMatch(/^export\b|\bexport \{/m);
  });

  it('has no runtime dependencies: no built file imports a bare module specifier', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    const js = readdirSync(join(repo, 'dist')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(4);
    const bare: string[] = [];
    for (const f of js) {
      const found = specifiers(readFileSync(join(repo, 'dist', f), 'utf8'));
      for (const s of found) if (!/^(\.{1,2}\/|\/|https?:|data:|blob:)/.test(s)) bare.push(`${f}: ${s}`);
    }
    expect(bare).toEqual([]);
    // the scan sees imports at all: the ESM entry re-exports its core chunk
    expect(specifiers(readFileSync(join(repo, 'dist/hunch.js'), 'utf8')).length).toBeGreaterThan(0);
  });

  it("no built file compiles WebAssembly, which a strict CSP without 'wasm-unsafe-eval' reports (tools/long-without-wasm.mjs)", () => {
    const js = readdirSync(join(repo, 'dist')).filter((f) => f.endsWith('.js'));
    expect(js).toContain('hunch-runtime.js');
    expect(js.filter((f) => readFileSync(join(repo, 'dist', f), 'utf8').includes('WebAssembly'))).toEqual([]); // was ['hunch-runtime.js', 'hunch-worker.js']
  });

  it("no built file writes new URL('<literal>', import.meta.url), which webpack before 5.109 tries to bundle (and fails on './')", () => {
    const js = readdirSync(join(repo, 'dist')).filter((f) => f.endsWith('.js'));
    const hits = js.filter((f) => /new URL\(\s*['"`][^'"`]*['"`]\s*,\s*import\.meta\.url\s*\)/.test(readFileSync(join(repo, 'dist', f), 'utf8')));
    expect(hits).toEqual([]); // was ['hunch-esm-index.js']
    expect(readFileSync(join(repo, 'dist/hunch-esm-index.js'), 'utf8')).toContain('Object(import.meta).url'); // the entry still finds its files
  });

  it('its types compile in a project with nothing else installed (strict, no skipLibCheck)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hunch-consumer-'));
    scratch.push(dir);
    const home = join(dir, 'node_modules', 'hunch');
    cpSync(join(repo, 'dist', 'types'), join(home, 'dist', 'types'), { recursive: true });
    writeFileSync(join(home, 'package.json'), JSON.stringify({ name: 'hunch', type: 'module', types: pkg.types, exports: { '.': { types: pkg.exports['.'].types, import: pkg.exports['.'].import } } }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const consumer = join(dir, 'shop.ts');
    writeFileSync(
      consumer,
      `import { createHunch, TRIGGER_PRESETS, type Intent, type Recommendation, type PersonalizeResult, type DeviceMetrics, type RecommendOptions } from 'hunch';
const hunch = await createHunch({ dbName: 'shop', triggers: ['abandonment'] });
hunch.track('add_to_cart', { itemId: 'A', price: 30 });
const i: Intent = await hunch.intent();
const opts: RecommendOptions = { k: 5 };
const r: Recommendation[] = await hunch.recommend(opts);
const p: PersonalizeResult = await hunch.personalize();
const m: DeviceMetrics = await hunch.metrics();
hunch.on('trigger', ({ rule }) => rule.toUpperCase());
export const seen = [i.purchase, r.length, p.adopted, m.sessions, Object.keys(TRIGGER_PRESETS)];
// @ts-expect-error an unknown event type is a type error
hunch.track('wishlist');
`,
    );
    // Node's resolution (needs explicit extensions in the declarations) and a bundler's
    const settings = [
      { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
      { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
    ];
    for (const resolution of settings) {
      const program = ts.createProgram([consumer], { strict: true, skipLibCheck: false, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [], ...resolution });
      const diags = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(diags, ts.ModuleResolutionKind[resolution.moduleResolution]).toEqual([]);
      // the declarations came from the copied package, not from the repository's sources
      expect(program.getSourceFiles().some((f) => f.fileName.startsWith(join(home, 'dist', 'types')))).toBe(true);
    }
  });
});
