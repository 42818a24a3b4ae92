/**
 * Session kNN score (STAN-style): neighbour sessions are found through the prefix items'
 * postings (newest `sample` per item), scored by the weighted overlap with the prefix,
 * normalized by neighbour length^lengthPow and damped by neighbour age;
 * votes are scaled by item idf^idfPow; the top `neighbours`
 * vote for their items, each vote decaying with its click distance from the anchor (the most
 * recent prefix item the neighbour contains), with votes before the anchor scaled by `backward`
 * and the anchor click's own vote by `selfVote`.
 */
import type { NextItemModel } from './model.js';
import type { WeightedPrefix } from './prefix.js';
import { touch, type Touched } from './touched.js';

/**
 * Adds kNN votes into `model.scratch.knn` (and the best-voting anchor per item into
 * `scratch.anchor` as index + 1) and returns the largest vote (0 when none).
 */
export function scoreKnn(model: NextItemModel, prefix: WeightedPrefix, touched: Touched): number {
  const p = model.params;
  const { sessionScore, touchedSessions, knn, anchor, anchorScore, prefixRank } = model.scratch;
  const { postStart, postings, sessionStart, sessionItems, sessionDistinct, recency, voteFactor } = model;
  const { items, weights } = prefix;
  if (items.length === 0) return 0;

  let nSess = 0;
  for (let k = 0; k < items.length; k++) {
    const i = items[k];
    prefixRank[i] = k + 1;
    const end = Math.min(postStart[i + 1], postStart[i] + p.sample);
    for (let q = postStart[i]; q < end; q++) {
      const s = postings[q];
      if (sessionScore[s] === 0) touchedSessions[nSess++] = s;
      sessionScore[s] += weights[k];
    }
  }

  // Min-heap of the best `neighbours` sessions by similarity.
  const cap = Math.min(p.neighbours, nSess);
  const heapSim = new Float64Array(cap);
  const heapSess = new Uint32Array(cap);
  let size = 0;
  const pow = p.lengthPow;
  for (let t = 0; t < nSess; t++) {
    const s = touchedSessions[t];
    const sim = (sessionScore[s] * recency[s]) / (pow === 0 ? 1 : Math.pow(sessionDistinct[s], pow));
    sessionScore[s] = 0;
    if (size < cap) {
      let c = size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (heapSim[parent] < sim || (heapSim[parent] === sim && heapSess[parent] > s)) break;
        heapSim[c] = heapSim[parent];
        heapSess[c] = heapSess[parent];
        c = parent;
      }
      heapSim[c] = sim;
      heapSess[c] = s;
    } else if (sim > heapSim[0] || (sim === heapSim[0] && s > heapSess[0])) {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        let m = l;
        const r = l + 1;
        if (r < size && (heapSim[r] < heapSim[l] || (heapSim[r] === heapSim[l] && heapSess[r] < heapSess[l]))) m = r;
        if (heapSim[m] > sim || (heapSim[m] === sim && heapSess[m] > s)) break;
        heapSim[c] = heapSim[m];
        heapSess[c] = heapSess[m];
        c = m;
      }
      heapSim[c] = sim;
      heapSess[c] = s;
    }
  }

  let max = 0;
  const lambda = p.lambdaDist;
  for (let h = 0; h < size; h++) {
    const s = heapSess[h];
    const sim = heapSim[h];
    const a0 = sessionStart[s];
    const a1 = sessionStart[s + 1];
    let anchorPos = a0;
    let best = 0;
    for (let q = a0; q < a1; q++) {
      const r = prefixRank[sessionItems[q]];
      if (r >= best && r > 0) {
        best = r;
        anchorPos = q;
      }
    }
    const anchorItem = sessionItems[anchorPos];
    for (let q = a0; q < a1; q++) {
      const j = sessionItems[q];
      const d = q - anchorPos;
      let v = sim * voteFactor[j] * Math.exp(-Math.abs(d) / lambda);
      if (d < 0) v *= p.backward;
      else if (d === 0) v *= p.selfVote;
      touch(model, touched, j);
      const total = (knn[j] += v);
      if (total > max) max = total;
      if (v > anchorScore[j]) {
        anchorScore[j] = v;
        anchor[j] = anchorItem + 1;
      }
    }
  }
  for (let k = 0; k < items.length; k++) prefixRank[items[k]] = 0;
  return max;
}
