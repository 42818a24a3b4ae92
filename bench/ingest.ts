/**
 * Storage benchmarks: batched ingest vs one transaction per event; a write into, and a reload
 * into, a long session vs a new one; track() and its batched write vs a synchronous localStorage
 * write per event; the longest task while a burst of 1,000 events is written; an SPA render with
 * auto-capture's observer vs none. The page's
 * instances run with the intent model off (storage only).
 */
import { median } from './median';
import { longTaskRow, type BenchContext, type BenchRow } from './types';

type Page = { bench: { ingest(n: number, perEvent: boolean): Promise<number>; trackCost(n: number): Promise<{ us: number; trackOnlyUs: number; naiveUs: number }>; flushInto(existing: number): Promise<number>; reloadInto(existing: number): Promise<number>; burst(n: number): Promise<{ maxGap: number; longTasks: number }>; render(n: number, withHunch: boolean): Promise<number> } };

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  const page = await ctx.open('/bench/pages/ingest.html');
  await page.waitForFunction(() => 'bench' in window);
  const batched: number[] = [];
  const single: number[] = [];
  for (let r = 0; r < 3; r++) {
    batched.push(await page.evaluate(() => (window as unknown as Page).bench.ingest(5000, false)));
    single.push(await page.evaluate(() => (window as unknown as Page).bench.ingest(500, true)));
  }
  const b = median(batched);
  const s = median(single);
  const costs = [];
  for (let r = 0; r < 3; r++) costs.push(await page.evaluate(() => (window as unknown as Page).bench.trackCost(20000)));
  const cost = { us: median(costs.map((c) => c.us)), trackOnlyUs: median(costs.map((c) => c.trackOnlyUs)), naiveUs: median(costs.map((c) => c.naiveUs)) };
  const long = await page.evaluate(() => (window as unknown as Page).bench.flushInto(5000));
  const short = await page.evaluate(() => (window as unknown as Page).bench.flushInto(0));
  const reloadLong = await page.evaluate(() => (window as unknown as Page).bench.reloadInto(5000));
  const reloadShort = await page.evaluate(() => (window as unknown as Page).bench.reloadInto(0));
  const bursts = [];
  for (let r = 0; r < 3; r++) bursts.push(await page.evaluate(() => (window as unknown as Page).bench.burst(1000)));
  const burstGap = Math.max(...bursts.map((x) => x.maxGap));
  const burstLong = bursts.reduce((a, x) => a + x.longTasks, 0);
  const rendered: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < 7; r++) {
    rendered.push(await page.evaluate(() => (window as unknown as Page).bench.render(10000, true)));
    bare.push(await page.evaluate(() => (window as unknown as Page).bench.render(10000, false)));
  }
  const [rw, rb] = [median(rendered), median(bare)];
  await page.context().close();
  return [
    { name: 'SPA render of 10,000 nodes appended one by one, with its microtasks (median of 7, alternating)', value: rw, baseline: rb, ratio: rw / rb, unit: 'ms', baselineName: 'the same render with no hunch on the page' },
    longTaskRow('1,000 track() calls in one task: longest main-thread task until all are written (3 runs)', burstGap, burstLong),
    { name: 'ingest: batched writes (events/s)', value: b, baseline: s, ratio: b / s, unit: 'events/s', baselineName: 'one transaction per event' },
    { name: 'one event + flush() into a 5,000-event session (median of 20)', value: long, baseline: short, ratio: long / short, unit: 'ms', baselineName: 'into a new session' },
    { name: 'reload into a 5,000-event session: start to first intent() (median of 5)', value: reloadLong, baseline: reloadShort, ratio: reloadLong / reloadShort, unit: 'ms', baselineName: 'into a 1-event session' },
    {
      name: 'track() + its batched write, until flush() resolves: time per event (20,000 events, median of 3)',
      value: cost.us,
      baseline: cost.naiveUs,
      ratio: cost.naiveUs / cost.us,
      unit: 'µs',
      baselineName: 'sync localStorage write per event',
      extra: { trackOnlyUs: cost.trackOnlyUs },
      note: `track() calls alone, write excluded: ${cost.trackOnlyUs.toFixed(2)} µs`,
    },
  ];
}
