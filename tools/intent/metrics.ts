/**
 * Binary-classification metrics (plain JS, deterministic): ROC-AUC, PR-AUC, log-loss,
 * calibration error, threshold metrics, and bootstrap confidence intervals.
 */

/** ROC-AUC by the rank-sum formula, ties counted half. NaN when a class is missing. */
export function auc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[idx[j + 1]] === p[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]] === 1) {
      pos++;
      rankSum += rank;
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Indices of `p` by descending score. */
const descending = (p: ArrayLike<number>): number[] => Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[b] - p[a]);

/**
 * Calls `visit(t, tp, fp)` once per distinct score `t`, from the highest down, with the counts of
 * positives and negatives scored ≥ t (tied scores are one step, whatever their order).
 */
function sweepCuts(y: ArrayLike<number>, p: ArrayLike<number>, visit: (t: number, tp: number, fp: number) => void): void {
  const idx = descending(p);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < idx.length; ) {
    const t = p[idx[i]];
    for (; i < idx.length && p[idx[i]] === t; i++) {
      if (y[idx[i]] === 1) tp++;
      else fp++;
    }
    visit(t, tp, fp);
  }
}

/**
 * PR-AUC as average precision: Σ over distinct scores (descending) of the recall gained there
 * times the precision at that cut, so tied scores count as one threshold (as scikit-learn's
 * `average_precision_score`) and the result does not depend on their order. NaN without positives.
 */
export function prAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) total++;
  if (total === 0) return NaN;
  let ap = 0;
  let prevTp = 0;
  sweepCuts(y, p, (_, tp, fp) => {
    ap += (tp - prevTp) * (tp / (tp + fp));
    prevTp = tp;
  });
  return ap / total;
}

/** Mean log-loss, probabilities clipped to [1e-7, 1 − 1e-7]. */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / Math.max(1, y.length);
}

/** Expected calibration error over `bins` equal-width probability bins (default 10). */
export function calibrationError(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): number {
  const cnt = new Array<number>(bins).fill(0);
  const sp = new Array<number>(bins).fill(0);
  const sy = new Array<number>(bins).fill(0);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.floor(p[i] * bins));
    cnt[b]++;
    sp[b] += p[i];
    sy[b] += y[i];
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (cnt[b]) e += Math.abs(sp[b] - sy[b]);
  return e / Math.max(1, y.length);
}

/** Precision, recall and F1 from the confusion counts (0 where undefined). */
function prf(tp: number, fp: number, fn: number): { precision: number; recall: number; f1: number } {
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Accuracy, precision, recall and F1 at a threshold (predict 1 when p ≥ threshold). */
export function thresholdMetrics(y: ArrayLike<number>, p: ArrayLike<number>, threshold: number) {
  let tp = 0, fp = 0, tn = 0, fn = 0;
  for (let i = 0; i < y.length; i++) {
    const hit = p[i] >= threshold;
    if (hit && y[i] === 1) tp++;
    else if (hit) fp++;
    else if (y[i] === 1) fn++;
    else tn++;
  }
  return { threshold, accuracy: (tp + tn) / Math.max(1, y.length), ...prf(tp, fp, fn) };
}

/** The smallest cut above `x` (so `p ≥ cut` is false for `p = x`); `x` itself when it is +Infinity or NaN. */
function justAbove(x: number): number {
  return x + Math.max(Math.abs(x) * Number.EPSILON, Number.MIN_VALUE);
}

/**
 * The threshold that maximizes F1 on (y, p) (predict 1 when p ≥ threshold, as
 * {@link thresholdMetrics}): every distinct score is tried as the cut, in O(n log n); among equal
 * F1s the lowest cut wins. 0.5 when `p` is empty. Pick it on training data, apply it to test data.
 *
 * Without a positive in `y` every cut has F1 0, and the lowest cut would flag every session
 * (on a small store's validation users with no buyer, the eval then reported precision 0.08 for a
 * ranker with ROC-AUC 1). There the cut is just above the highest score instead: the one that
 * flags none of these sessions, i.e. the most accurate of the equal-F1 cuts (and, as above, the
 * lowest of those); a later session scoring above all of them is still flagged.
 */
export function bestF1Threshold(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) positives++;
  let best = { t: 0.5, f1: -1 };
  let top = -Infinity;
  sweepCuts(y, p, (t, tp, fp) => {
    if (t > top) top = t;
    const { f1 } = prf(tp, fp, positives - tp);
    if (f1 >= best.f1) best = { t, f1 };
  });
  return best.f1 === 0 ? justAbove(top) : best.t;
}

/** Seeded bootstrap resample indices (`reps` × n), shared by all models so comparisons are paired. */
export function bootstrapIndices(n: number, reps: number, rand: () => number): Uint32Array[] {
  return Array.from({ length: reps }, () => Uint32Array.from({ length: n }, () => Math.floor(rand() * n)));
}

/**
 * Seeded bootstrap resamples of groups (`reps` of them): each draws as many groups as there are,
 * with replacement, and takes every example of each drawn group (indices into `groups`, one entry
 * per example). Resampling users rather than sessions keeps a user's correlated sessions together,
 * as the grouped cross-validation does, so the intervals are not too narrow. Shared by all models,
 * so comparisons stay paired.
 */
export function groupBootstrapIndices(groups: readonly string[], reps: number, rand: () => number): Uint32Array[] {
  const members = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const m = members.get(g);
    if (m) m.push(i);
    else members.set(g, [i]);
  });
  const list = [...members.values()];
  return Array.from({ length: reps }, () => {
    const out: number[] = [];
    for (let j = 0; j < list.length; j++) for (const i of list[Math.floor(rand() * list.length)]) out.push(i);
    return Uint32Array.from(out);
  });
}

/** 2.5% and 97.5% quantiles of finite values. */
export function ci95(values: number[]): [number, number] {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return [NaN, NaN];
  const q = (x: number) => v[Math.min(v.length - 1, Math.max(0, Math.round(x * (v.length - 1))))];
  return [q(0.025), q(0.975)];
}

/**
 * ROC-AUC of a resample given as per-example multiplicities, in O(n) from a precomputed
 * ascending order of the scores (ties counted half). Equals {@link auc} on the expanded sample.
 */
export function weightedAuc(y: ArrayLike<number>, p: ArrayLike<number>, order: ArrayLike<number>, w: ArrayLike<number>): number {
  let negBelow = 0;
  let sum = 0;
  let pos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    let tiePos = 0;
    let tieNeg = 0;
    while (j < order.length && p[order[j]] === p[order[i]]) {
      const k = order[j];
      if (y[k] === 1) tiePos += w[k];
      else tieNeg += w[k];
      j++;
    }
    sum += tiePos * (negBelow + tieNeg / 2);
    pos += tiePos;
    negBelow += tieNeg;
    i = j;
  }
  return pos === 0 || negBelow === 0 ? NaN : sum / (pos * negBelow);
}

/** Multiplicity of each example in each resample (from {@link bootstrapIndices} or {@link groupBootstrapIndices}). */
export function sampleWeights(n: number, samples: Uint32Array[]): Uint32Array[] {
  return samples.map((ix) => {
    const w = new Uint32Array(n);
    for (const i of ix) w[i]++;
    return w;
  });
}

const ascending = (p: ArrayLike<number>): Uint32Array => Uint32Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b]);

/** Bootstrap 95% CI of ROC-AUC over resamples given as multiplicities ({@link sampleWeights}). */
export function bootstrapAucCi(y: ArrayLike<number>, p: ArrayLike<number>, weights: Uint32Array[]): [number, number] {
  const order = ascending(p);
  return ci95(weights.map((w) => weightedAuc(y, p, order, w)));
}

/** Paired bootstrap 95% CI of AUC(pa) − AUC(pb) on the same resamples. */
export function pairedAucDiffCi(y: ArrayLike<number>, pa: ArrayLike<number>, pb: ArrayLike<number>, weights: Uint32Array[]): [number, number] {
  const oa = ascending(pa);
  const ob = ascending(pb);
  return ci95(weights.map((w) => weightedAuc(y, pa, oa, w) - weightedAuc(y, pb, ob, w)));
}
