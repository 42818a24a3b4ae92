/**
 * Personalization benchmark: one `personalize()` run on 200 stored events (40 ended sessions) in
 * Chromium, with the model loaded: wall time, and the longest main-thread task during the run
 * (must stay under the 50 ms long-task threshold; long tasks are also counted by a
 * PerformanceObserver). Median time of 3 runs, longest task over all 3. Then the same with an
 * item model that has factors (the Diginetica artifact, 43,097 items, with 32-dim factors added
 * here: random vectors, which cost the same as trained ones), so the run also fits the taste.
 * Last, in Node on the same fixture: the taste guard with a taste already in use (it then also
 * ranks the held-out items with no taste, to see whether to drop it) against the guard with none.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { performance } from 'node:perf_hooks';
import { guardTaste } from '../src/personalize/taste';
import { decodeArtifact, encodeArtifact, type ArtifactManifest } from '../src/recommend/artifact';
import { createModel } from '../src/recommend/model';
import { runToEnd } from '../src/slice';
import { artifactSessions } from '../tools/next-item/build';
import { MODELS_DIR, readArtifact } from '../tools/next-item/io';
import { seededRandom } from '../tools/intent/rng';
import { median } from './median';
import { longTaskRow, type BenchContext, type BenchRow } from './types';

type Run = { ms: number; longTasks: number[]; maxGap: number; result: { adopted: boolean; examples: number; recommend?: { adopted: boolean; examples: number } }; events: number; backend: string };
type B = { bench: { personalizeRun(): Promise<Run>; personalizeTasteRun(url: string, sessions: string[][]): Promise<Run> } };

/** Target for one run on 200 events, ms (a budget, not a measured baseline). */
export const RUN_BUDGET_MS = 1000;

/** The Diginetica artifact with 32-dim factors, and 40 of its sessions (≥ 5 items) as a shopper's history. */
function tasteFixture(): { manifest: string; binary: Uint8Array; sessions: string[][] } {
  const { artifact } = readArtifact(join(MODELS_DIR, 'diginetica'));
  const dims = 32;
  const rand = seededRandom(5);
  const vectors = Float32Array.from({ length: artifact.itemIds.length * dims }, () => rand() - 0.5);
  const all = artifactSessions(artifact);
  const { manifest, binary } = encodeArtifact({
    itemIds: artifact.itemIds,
    sessions: all,
    params: artifact.params,
    factors: { dims, reg: 1, alpha: 10, beta: 0.4, vectors },
  });
  const sessions = all
    .filter((s) => s.length >= 5)
    .slice(-40)
    .map((s) => Array.from(s, (i) => artifact.itemIds[i]));
  return { manifest: JSON.stringify(manifest), binary, sessions };
}

/** Three runs: median time, longest task over all, long tasks summed. */
export type RunsSummary = { ms: number; longest: number; longTasks: number };

async function runs(label: string, ctx: BenchContext, go: (page: Page) => Promise<Run>): Promise<RunsSummary> {
  const out: Run[] = [];
  for (let i = 0; i < 3; i++) {
    const page = await ctx.open('/bench/pages/personalize.html');
    await page.waitForFunction(() => 'bench' in window);
    const r = await go(page);
    if (r.events < 200) throw new Error(`personalize bench: only ${r.events} events stored`);
    out.push(r);
    const taste = r.result.recommend ? `, taste adopted ${r.result.recommend.adopted} (${r.result.recommend.examples} items)` : '';
    process.stderr.write(`  ${label} ${i + 1}: ${r.ms.toFixed(1)} ms, longest task ${r.maxGap.toFixed(1)} ms, long tasks ${r.longTasks.length}, adopted ${r.result.adopted}, ${r.result.examples} examples${taste}, backend ${r.backend}\n`);
    await page.context().close();
  }
  return {
    ms: median(out.map((r) => r.ms)),
    longest: Math.max(...out.map((r) => r.maxGap)),
    longTasks: out.reduce((a, r) => a + r.longTasks.length, 0),
  };
}

/**
 * The taste guard in Node on the bench shopper, with no taste in use and with one: 9 rounds that
 * alternate the two (so a busy machine slows both alike), median of each, ms.
 */
function guardCost(fx: ReturnType<typeof tasteFixture>): { none: number; inUse: number } {
  const model = createModel(decodeArtifact(JSON.parse(fx.manifest) as ArtifactManifest, fx.binary));
  const history = fx.sessions.flatMap((items) => items.map((itemId, i) => ({ itemId, type: i === items.length - 1 ? 'purchase' : 'product_view' })));
  const first = runToEnd(guardTaste(model, history, null)); // also builds the Gram matrix once
  const taste = first.taste ?? Array.from({ length: model.factors!.dims }, (_, d) => (d % 2 ? 0.1 : -0.1));
  const time = (current: readonly number[] | null) => {
    const t0 = performance.now();
    runToEnd(guardTaste(model, history, current));
    return performance.now() - t0;
  };
  const none: number[] = [];
  const inUse: number[] = [];
  for (let i = 0; i < 9; i++) {
    none.push(time(null));
    inUse.push(time(taste));
  }
  return { none: median(none), inUse: median(inUse) };
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const plain = await runs('personalize run', ctx, (page) => page.evaluate(() => (window as unknown as B).bench.personalizeRun()));
  const fx = tasteFixture();
  const taste = await runs('personalize run with taste', ctx, async (page) => {
    await page.route('**/bench-taste/manifest.json', (r) => r.fulfill({ contentType: 'application/json', body: fx.manifest }));
    await page.route('**/bench-taste/model.bin', (r) => r.fulfill({ contentType: 'application/octet-stream', body: Buffer.from(fx.binary) }));
    return page.evaluate(({ sessions }) => (window as unknown as B).bench.personalizeTasteRun('/bench-taste/manifest.json', sessions), { sessions: fx.sessions });
  });
  const guard = guardCost(fx);
  process.stderr.write(`  taste guard in Node: ${guard.none.toFixed(1)} ms with no taste in use, ${guard.inUse.toFixed(1)} ms with one\n`);
  return personalizeRows(plain, taste, guard);
}

/** The group's rows; their names carry no measured figure (long-task counts go in `extra`/`note`). */
export function personalizeRows(plain: RunsSummary, taste: RunsSummary, guard: { none: number; inUse: number }): BenchRow[] {
  const row = (name: string, value: number, baseline: number, baselineName: string, more: Partial<BenchRow> = {}): BenchRow => ({ name, value, baseline, ratio: baseline / value, unit: 'ms', baselineName, ...more });
  const budget = { baselineFixed: true } as const;
  return [
    row('personalize: one run on 200 events (median of 3)', plain.ms, RUN_BUDGET_MS, 'fixed: budget 1 s', budget),
    longTaskRow('personalize: longest main-thread task during a run (3 runs)', plain.longest, plain.longTasks),
    row('personalize + taste (43,097-item model, 32-dim factors): one run (median of 3)', taste.ms, RUN_BUDGET_MS, 'fixed: budget 1 s', budget),
    longTaskRow('personalize + taste: longest main-thread task during a run (3 runs)', taste.longest, taste.longTasks),
    row('taste guard with a taste in use, Node (also ranks with no taste; median of 9, alternating)', guard.inUse, guard.none, 'the guard with none in use'),
  ];
}
