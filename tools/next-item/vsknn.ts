/**
 * The V-SKNN baseline (Ludewig & Jannach 2018, `VMContextKNN` of session-rec): neighbours are
 * the `sample` most recent training sessions sharing an item with the prefix; similarity is
 * the sum of the prefix's linear position weights (i / L) over shared items, divided by L;
 * the top `k` neighbours vote with their similarity × (1 + idfWeight × idf) × 1 / (steps back
 * to the most recent shared prefix item). Uses the same indexes as hunch's model.
 */
import type { NextItemModel } from '../../src/recommend/model';
import type { Ranker } from './evaluate';

/** V-SKNN hyperparameters. */
export interface VsknnParams {
  /** Neighbours voting (integer ≥ 1). */
  k: number;
  /** Most recent candidate sessions considered (integer ≥ 1). */
  sample: number;
  /** IDF weight on item votes (≥ 0; 0 disables). */
  idfWeight: number;
  /** Whether items already in the prefix may be recommended. */
  remind: boolean;
}

/** Defaults: session-rec's usual Diginetica setting. */
export const DEFAULT_VSKNN: VsknnParams = { k: 100, sample: 1000, idfWeight: 1, remind: true };

/** Returns a V-SKNN ranker over `model`'s sessions. */
export function vsknnRanker(model: NextItemModel, params: VsknnParams): Ranker {
  const { postStart, postings, sessionStart, sessionItems, nItems, nSessions } = model;
  const idf = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) idf[i] = Math.log(nSessions / Math.max(1, postStart[i + 1] - postStart[i]));
  const mark = new Uint8Array(nSessions);
  const score = new Float64Array(nItems);
  return (prefixIds, k) => {
    const seq: number[] = [];
    for (const id of prefixIds) {
      const i = model.indexOf.get(id);
      if (i !== undefined) seq.push(i);
    }
    const L = seq.length;
    const posWeight = new Map<number, number>();
    const lastPos = new Map<number, number>();
    seq.forEach((it, n) => {
      posWeight.set(it, (n + 1) / L);
      lastPos.set(it, n);
    });
    const cand: number[] = [];
    for (const it of posWeight.keys()) {
      for (let q = postStart[it]; q < postStart[it + 1]; q++) {
        const s = postings[q];
        if (!mark[s]) {
          mark[s] = 1;
          cand.push(s);
        }
      }
    }
    for (const s of cand) mark[s] = 0;
    cand.sort((a, b) => b - a);
    if (cand.length > params.sample) cand.length = params.sample;
    const sims: { s: number; sim: number }[] = [];
    for (const s of cand) {
      let sum = 0;
      const counted = new Set<number>();
      for (let q = sessionStart[s]; q < sessionStart[s + 1]; q++) {
        const it = sessionItems[q];
        const w = posWeight.get(it);
        if (w !== undefined && !counted.has(it)) {
          counted.add(it);
          sum += w;
        }
      }
      sims.push({ s, sim: sum / L });
    }
    sims.sort((a, b) => b.sim - a.sim || b.s - a.s);
    const touched: number[] = [];
    for (let n = 0; n < Math.min(params.k, sims.length); n++) {
      const { s, sim } = sims[n];
      let recent = -1;
      for (let q = sessionStart[s]; q < sessionStart[s + 1]; q++) {
        const lp = lastPos.get(sessionItems[q]);
        if (lp !== undefined && lp > recent) recent = lp;
      }
      const decay = 1 / (L - recent);
      const seen = new Set<number>();
      for (let q = sessionStart[s]; q < sessionStart[s + 1]; q++) {
        const it = sessionItems[q];
        if (seen.has(it)) continue;
        seen.add(it);
        if (!params.remind && posWeight.has(it)) continue;
        if (score[it] === 0) touched.push(it);
        score[it] += sim * (1 + params.idfWeight * idf[it]) * decay;
      }
    }
    touched.sort((a, b) => score[b] - score[a] || a - b);
    const out = touched.slice(0, k).map((i) => model.itemIds[i]);
    for (const i of touched) score[i] = 0;
    return out;
  };
}
