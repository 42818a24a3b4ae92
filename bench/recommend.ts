/**
 * recommend(): warm latency per call vs the first call, the longest main-thread task during the
 * first call (loading the model is sliced), and the heap the loaded item model holds.
 */
import { readFileSync } from 'node:fs';
import { createModel, decodeArtifact, type ArtifactManifest } from '../src/recommend/index';
import type { BenchContext, BenchRow } from './types';

type B = { bench: { run(ids: string[], calls: number): Promise<{ first: number; median: number; p95: number; heapMB: number; fileMB: number; longTasks: number; maxGap: number }> } };

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
  const r = await page.evaluate((ids) => (window as unknown as B).bench.run(ids, 200), ids);
  return [
    { name: 'recommend(): warm call, k=20 (median; p95 ' + r.p95.toFixed(1) + ' ms)', value: r.median, baseline: r.first, ratio: r.first / r.median, unit: 'ms', baselineName: 'first call: load + decode + index + replay' },
    { name: `recommend(): longest main-thread task during the first call (long tasks > 50 ms: ${r.longTasks})`, value: r.maxGap, baseline: 50, ratio: 50 / r.maxGap, unit: 'ms', baselineName: 'long-task threshold' },
    { name: 'recommend(): JS heap held by the Diginetica item model', value: r.heapMB, baseline: r.fileMB, ratio: r.heapMB / r.fileMB, unit: 'MB', baselineName: 'artifact size on the wire (uncompressed)' },
  ];
}
