/**
 * recommend(): warm latency per call vs the first call, the longest main-thread task during the
 * first call (loading the model is sliced), and the heap the loaded item model holds.
 */
import { readFileSync } from 'node:fs';
import { createModel, decodeArtifact, type ArtifactManifest } from '../src/recommend/index';
import { longTaskRow, type BenchContext, type BenchRow } from './types';

/** What the page measures (`bench/pages/recommend.html`). */
export type RecommendRun = { first: number; median: number; p95: number; heapMB: number; fileMB: number; longTasks: number; maxGap: number };
type B = { bench: { run(ids: string[], calls: number): Promise<RecommendRun> } };


/** The group's rows; their names carry no measured figure (p95 and the long-task count go in `extra`/`note`). */
export function recommendRows(r: RecommendRun): BenchRow[] {
  return [
    { name: 'recommend(): warm call, k=20 (median of 200)', value: r.median, baseline: r.first, ratio: r.first / r.median, unit: 'ms', baselineName: 'first call: load + decode + index + replay', extra: { p95Ms: r.p95 }, note: `p95 ${r.p95.toFixed(1)} ms` },
    longTaskRow('recommend(): longest main-thread task during the first call', r.maxGap, r.longTasks),
    { name: 'recommend(): JS heap held by the Diginetica item model', value: r.heapMB, baseline: r.fileMB, ratio: r.heapMB / r.fileMB, unit: 'MB', baselineName: 'artifact size on the wire (uncompressed)' },
  ];
}

export async function run(ctx: BenchContext): Promise<BenchRow[]> {
  // real item ids: the first items of the model's own sessions
  const dir = new URL('../models/next-item/diginetica/', import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as ArtifactManifest;
  const bin = readFileSync(new URL(manifest.binary, dir));
  const art = decodeArtifact(manifest, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const model = createModel(art);
  const ids = Array.from({ length: 50 }, (_, s) => model.itemIds[art.sessionItems[art.sessionStart[s * 97]]]);
  const page = await ctx.open('/bench/pages/recommend.html');
  await page.waitForFunction(() => 'bench' in window);
  try {
    return recommendRows(await page.evaluate((ids) => (window as unknown as B).bench.run(ids, 200), ids));
  } finally {
    await page.context().close();
  }
}
