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

/** PR-AUC as average precision (step-wise, by descending score). NaN without positives. */
export function prAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const idx = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => p[b] - p[a]);
  const total = idx.reduce((a, i) => a + y[i], 0);
  if (total === 0) return NaN;
  let tp = 0;
  let ap = 0;
  idx.forEach((i, k) => {
    if (y[i] === 1) {
      tp++;
      ap += tp / (k + 1);
    }
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
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return {
    threshold,
    accuracy: (tp + tn) / Math.max(1, y.length),
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

/** The threshold that maximizes F1 on (y, p): pick it on training data, apply it to test data. */
export function bestF1Threshold(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const cands = [...new Set(Array.from(p))].sort((a, b) => a - b);
  let best = { t: 0.5, f1: -1 };
  const step = Math.max(1, Math.floor(cands.length / 200));
  for (let i = 0; i < cands.length; i += step) {
    const f1 = thresholdMetrics(y, p, cands[i]).f1;
    if (f1 > best.f1) best = { t: cands[i], f1 };
  }
  return best.t;
}

/** Seeded bootstrap resample indices (`reps` × n), shared by CIs so comparisons are paired. */
export function bootstrapIndices(n: number, reps: number, rand: () => number): Uint32Array[] {
  return Array.from({ length: reps }, () => Uint32Array.from({ length: n }, () => Math.floor(rand() * n)));
}

/** 2.5% and 97.5% quantiles of finite values. */
export function ci95(values: number[]): [number, number] {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return [NaN, NaN];
  const q = (x: number) => v[Math.min(v.length - 1, Math.max(0, Math.round(x * (v.length - 1))))];
  return [q(0.025), q(0.975)];
}

/** Bootstrap 95% CI of a statistic over resamples. */
export function bootstrapCi(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  stat: (y: number[], p: number[]) => number,
  samples: Uint32Array[],
): [number, number] {
  return ci95(samples.map((ix) => stat(Array.from(ix, (i) => y[i]), Array.from(ix, (i) => p[i]))));
}

/** Paired bootstrap 95% CI of AUC(pa) − AUC(pb) on the same resamples. */
export function pairedAucDiffCi(y: ArrayLike<number>, pa: ArrayLike<number>, pb: ArrayLike<number>, samples: Uint32Array[]): [number, number] {
  return ci95(
    samples.map((ix) => {
      const yy = Array.from(ix, (i) => y[i]);
      return auc(yy, Array.from(ix, (i) => pa[i])) - auc(yy, Array.from(ix, (i) => pb[i]));
    }),
  );
}
