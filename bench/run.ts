/**
 * `npm run bench [-- --json FILE] [-- --only NAME]`: runs every benchmark module in real
 * Chromium (Debian's, headless, SwiftShader WebGL) against the built files and prints a
 * markdown table of value vs a baseline measured in the same run, or a fixed budget/threshold
 * where the row says so (`baselineFixed`). With `--json FILE` it also writes
 * `{ "<benchmark>": { value, baseline, ratio, unit, baselineIs, baselineFixed?, extra? } }`
 * (`bench/table.ts`), keyed by row names that stay the same from run to run.
 */
import { writeFileSync } from 'node:fs';
import { launchBrowser, serve } from '../test/browser/harness';
import { failCli } from '../tools/next-item/args';
import { parseBenchFlags, type BenchGroup } from './flags';
import { formatTable, rowsToJson } from './table';
import type { BenchContext, BenchRow } from './types';

const MODULES: Record<BenchGroup, () => Promise<{ run(ctx: BenchContext): Promise<BenchRow[]> }>> = {
  ingest: () => import('./ingest'),
  intent: () => import('./intent'),
  recommend: () => import('./recommend'),
  personalize: () => import('./personalize'),
};

let flags: ReturnType<typeof parseBenchFlags>;
try {
  flags = parseBenchFlags(process.argv.slice(2));
} catch (e) {
  failCli('bench', e);
}
const { json, only } = flags;

const browser = await launchBrowser(['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist', '--js-flags=--expose-gc', '--enable-precise-memory-info']);
const server = await serve();
const rows: BenchRow[] = [];
try {
  const ctx: BenchContext = {
    url: server.url,
    async open(path) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error(`[page error] ${e}`));
      await page.goto(server.url + path);
      return page;
    },
  };
  for (const [name, load] of Object.entries(MODULES)) {
    if (only && name !== only) continue;
    process.stderr.write(`bench: ${name}…\n`);
    rows.push(...(await (await load()).run(ctx)));
  }
} finally {
  await browser.close();
  await server.close();
}

console.log(`hunch bench — ${new Date().toISOString().slice(0, 10)}, Chromium headless (SwiftShader), ${process.platform}/${process.arch}\n`);
console.log(formatTable(rows));
if (json) {
  writeFileSync(json, JSON.stringify(rowsToJson(rows), null, 2) + '\n');
  console.log(`\nwrote ${json}`);
}
