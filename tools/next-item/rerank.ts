/**
 * Training the learned re-ranker: for validation prefixes (carved from train), collect the
 * features of the top blended candidates through `rank()`'s feature sink, then fit linear
 * weights by listwise softmax cross-entropy (the target among the candidates) with Adam and a
 * small L2 penalty. Cases whose target is not among the candidates are skipped.
 */
import type { LinearReranker } from '../../src/recommend/artifact';
import { LINEAR_FEATURE_NAMES, N_FEATURES, N_LINEAR_FEATURES } from '../../src/recommend/features';
import type { NextItemModel } from '../../src/recommend/model';
import { DEFAULT_RERANK_DEPTH, rank } from '../../src/recommend/rank';
import type { PrefixCase } from './data';
import { Progress } from './progress';

/** Collected training lists: features of each case's candidates and the target's row. */
export interface RerankData {
  /** Row-major features, `N_FEATURES` per candidate, cases one after another. */
  features: Float32Array;
  /** Case `c` spans candidate rows `start[c] .. start[c + 1])`. */
  start: Uint32Array;
  /** Row of the target inside its case (0-based). */
  target: Uint32Array;
  /** Cases whose target was not among the candidates (skipped). */
  missed: number;
}

/** Runs the blend (no re-ranker) on each case and keeps its top-candidate features. */
export function collectRerankData(model: NextItemModel, cases: readonly PrefixCase[], label?: string): RerankData {
  if (model.reranker) throw new TypeError('model: collect features with the re-ranker disabled');
  const chunks: Float64Array[] = [];
  const start: number[] = [0];
  const target: number[] = [];
  let missed = 0;
  let rows = 0;
  const bar = label ? new Progress(label, cases.length) : undefined;
  cases.forEach((c, n) => {
    const t = model.indexOf.get(c.target);
    rank(
      model,
      c.prefix.map((itemId) => ({ itemId, type: 'product_view' })),
      { k: 1 },
      (items, feats) => {
        const at = t === undefined ? -1 : items.indexOf(t);
        if (at < 0) {
          missed++;
          return;
        }
        chunks.push(feats);
        rows += items.length;
        start.push(rows);
        target.push(at);
      },
    );
    if (bar && (n & 1023) === 0) bar.tick(n);
  });
  bar?.tick(cases.length);
  const features = new Float32Array(rows * N_FEATURES);
  let off = 0;
  for (const ch of chunks) {
    features.set(ch, off);
    off += ch.length;
  }
  return { features, start: Uint32Array.from(start), target: Uint32Array.from(target), missed };
}

/** Options of {@link fitReranker}. */
export interface FitOptions {
  epochs?: number;
  /** Adam step size (default 0.02). */
  lr?: number;
  /** L2 penalty per weight (default 1e-4). */
  l2?: number;
  /** Cases per step (default 256). */
  batch?: number;
  /** Initial weights (default: 1 on `baseRank`, i.e. start from the blend's order). */
  init?: number[];
}

/**
 * Fits linear weights over the vote/history features (the first `N_LINEAR_FEATURES` of each
 * row) by listwise softmax cross-entropy; deterministic (fixed case order).
 */
export function fitReranker(data: RerankData, opts: FitOptions = {}): LinearReranker {
  const { epochs = 8, lr = 0.02, l2 = 1e-4, batch = 256 } = opts;
  const F = N_LINEAR_FEATURES;
  const S = N_FEATURES;
  const w = Float64Array.from(opts.init ?? LINEAR_FEATURE_NAMES.map((f) => (f === 'baseRank' ? 1 : 0)));
  const m = new Float64Array(F);
  const v = new Float64Array(F);
  const grad = new Float64Array(F);
  const nCases = data.target.length;
  let step = 0;
  let maxDepth = 0;
  for (let c = 0; c < nCases; c++) maxDepth = Math.max(maxDepth, data.start[c + 1] - data.start[c]);
  const z = new Float64Array(maxDepth);
  for (let e = 0; e < epochs; e++) {
    for (let b0 = 0; b0 < nCases; b0 += batch) {
      grad.fill(0);
      const b1 = Math.min(nCases, b0 + batch);
      for (let c = b0; c < b1; c++) {
        const r0 = data.start[c];
        const n = data.start[c + 1] - r0;
        let max = -Infinity;
        for (let r = 0; r < n; r++) {
          let s = 0;
          const o = (r0 + r) * S;
          for (let f = 0; f < F; f++) s += w[f] * data.features[o + f];
          z[r] = s;
          if (s > max) max = s;
        }
        let sum = 0;
        for (let r = 0; r < n; r++) sum += (z[r] = Math.exp(z[r] - max));
        for (let r = 0; r < n; r++) {
          const g = z[r] / sum - (r === data.target[c] ? 1 : 0);
          const o = (r0 + r) * S;
          for (let f = 0; f < F; f++) grad[f] += g * data.features[o + f];
        }
      }
      step++;
      const scale = 1 / (b1 - b0);
      for (let f = 0; f < F; f++) {
        const g = grad[f] * scale + l2 * w[f];
        m[f] = 0.9 * m[f] + 0.1 * g;
        v[f] = 0.999 * v[f] + 0.001 * g * g;
        const mh = m[f] / (1 - 0.9 ** step);
        const vh = v[f] / (1 - 0.999 ** step);
        w[f] -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
      }
    }
  }
  return { depth: DEFAULT_RERANK_DEPTH, weights: Array.from(w, (x) => Math.round(x * 1e6) / 1e6) };
}
