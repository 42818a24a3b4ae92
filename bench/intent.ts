/**
 * Intent benchmarks, all on WebGL in the same browser:
 * - stream: one streaming step of hunch's model vs tfjs-layers GRU(64) `predict` over a 50-event window;
 * - warm: from starting the runtime to its first answer, vs the GRU loaded from saved weights;
 * - long tasks (> 50 ms) on the main thread during load + 200 events with predictions, model in
 *   a worker vs on the main thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeGruBaseline } from './gru-weights';
import { median } from './median';
import type { BenchContext, BenchRow } from './types';

type B = { bench: { hunchStep(n: number): Promise<{ ms: number; backend: string }>; gruPredict(n: number): Promise<{ ms: number; backend: string }>; gruFirst(): Promise<number> } };
type R = { result?: { firstAnswer: number; runtime?: number; backend: string; thread: string; longTasks: number[] } };

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const cache = fileURLToPath(new URL('./.cache/gru64', import.meta.url));
  if (!existsSync(`${cache}/model.json`)) await writeGruBaseline(cache);

  const page = await ctx.open('/bench/pages/intent.html');
  await page.waitForFunction(() => 'bench' in window);
  const gruFirst = await page.evaluate(() => (window as unknown as B).bench.gruFirst());
  const step = await page.evaluate(() => (window as unknown as B).bench.hunchStep(200));
  const gru = await page.evaluate(() => (window as unknown as B).bench.gruPredict(20));
  if (step.backend !== 'webgl' || gru.backend !== 'webgl') throw new Error(`intent bench needs WebGL (got ${step.backend} / ${gru.backend})`);

  await page.context().close();

  // each cold start in its own browser context, closed when read (its worker and WebGL go with it)
  const first = async (worker: boolean) => {
    const p = await ctx.open(`/bench/pages/first.html?worker=${worker}`);
    try {
      await p.waitForFunction(() => (window as unknown as R).result !== undefined, undefined, { timeout: 180_000 });
      const r = (await p.evaluate(() => (window as unknown as R).result))!;
      // the rows compare WebGL with WebGL: a run that fell back (CPU) measures something else
      const want = worker ? 'worker' : 'main';
      if (r.backend !== 'webgl' || r.thread !== want) throw new Error(`intent bench: the model-${worker ? 'in-a-worker' : 'on-the-main-thread'} run ended on ${r.backend} in thread '${r.thread}', not webgl in '${want}'`);
      if (worker && typeof r.runtime !== 'number') throw new Error('intent bench: the worker run never reported the WebGL runtime taking over');
      return r;
    } finally {
      await p.context().close();
    }
  };
  // three cold starts each (fresh browser context), medians; long tasks summed over the runs
  const runs = async (worker: boolean) => {
    const rs = [];
    for (let i = 0; i < 3; i++) rs.push(await first(worker));
    return { firstAnswer: median(rs.map((r) => r.firstAnswer)), runtime: median(rs.map((r) => r.runtime ?? NaN)), longTasks: rs.flatMap((r) => r.longTasks) };
  };
  const inWorker = await runs(true);
  const onMain = await runs(false);
  return [
    { name: 'intent stream: per-event update (WebGL)', value: step.ms, baseline: gru.ms, ratio: gru.ms / step.ms, unit: 'ms', baselineName: 'tfjs-layers GRU(64) predict, 50-event window' },
    { name: 'intent warm-up: runtime start to first answer', value: inWorker.firstAnswer, baseline: gruFirst, ratio: gruFirst / inWorker.firstAnswer, unit: 'ms', baselineName: 'GRU(64) from saved weights: WebGL init + load + first predict' },
    { name: 'intent warm-up: WebGL worker takes over', value: inWorker.runtime, baseline: gruFirst, ratio: gruFirst / inWorker.runtime, unit: 'ms', baselineName: 'same GRU(64) first predict' },
    { name: 'long tasks > 50 ms: load + 200 events with predictions (3 runs)', value: inWorker.longTasks.length, baseline: onMain.longTasks.length, ratio: onMain.longTasks.length / Math.max(1, inWorker.longTasks.length), unit: 'tasks', baselineName: 'same, model on the main thread' },
  ];
}
