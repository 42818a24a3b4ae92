/**
 * On-device monitoring math, pure: reliability (calibration) bins with the expected calibration
 * error, ROC-AUC and Brier score of predicted probabilities against observed outcomes.
 */

/** One reliability bin: predictions in [lo, hi) (the last bin includes 1). */
export interface ReliabilityBin {
  /** Lower edge, a probability 0..1. */
  lo: number;
  /** Upper edge, a probability 0..1. */
  hi: number;
  /** Predictions in the bin. */
  count: number;
  /** Mean predicted probability (NaN when empty). */
  meanPredicted: number;
  /** Observed share of positives (NaN when empty). */
  observed: number;
}

/** Scores of one model's predictions. */
export interface ScoreSummary {
  /** Predictions scored. */
  n: number;
  /** Positives among them. */
  positives: number;
  /** ROC-AUC, 0..1 (0.5: no better than chance; higher is better), or null when only one class was observed. */
  auc: number | null;
  /** Mean squared error of the probability, 0..1 (lower is better); NaN when `n` is 0. */
  brier: number;
  /**
   * Expected calibration error over the bins, 0..1 (lower is better): Σ (count/n)·|meanPredicted −
   * observed|; NaN when `n` is 0.
   */
  ece: number;
  /** Equal-width reliability bins over 0..1 (10 unless asked otherwise). */
  bins: ReliabilityBin[];
}

/** ROC-AUC with ties counted half; null when a class is missing. */
export function rocAuc(y: readonly number[], p: readonly number[]): number | null {
  const idx = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && p[idx[j]] === p[idx[i]]) j++;
    const rank = (i + j + 1) / 2; // mean 1-based rank of the tie group
    for (let k = i; k < j; k++) if (y[idx[k]]) rankSum += rank;
    i = j;
  }
  for (const v of y) v ? pos++ : neg++;
  if (!pos || !neg) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Summarizes predictions against outcomes.
 * @param y outcomes, 0 or 1
 * @param p predicted probabilities, 0..1
 * @param bins equal-width reliability bins (default 10)
 * @throws TypeError when the lengths differ or `bins` is not a positive integer
 */
export function scorePredictions(y: readonly number[], p: readonly number[], bins = 10): ScoreSummary {
  if (y.length !== p.length) throw new TypeError('p: must have as many predictions as outcomes');
  if (!Number.isInteger(bins) || bins < 1) throw new TypeError('bins: must be a positive integer');
  const n = y.length;
  const acc = Array.from({ length: bins }, () => ({ count: 0, sumP: 0, sumY: 0 }));
  let brier = 0;
  for (let i = 0; i < n; i++) {
    const b = acc[Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)))];
    b.count++;
    b.sumP += p[i];
    b.sumY += y[i];
    brier += (p[i] - y[i]) ** 2;
  }
  const out = acc.map((b, i) => ({ lo: i / bins, hi: (i + 1) / bins, count: b.count, meanPredicted: b.count ? b.sumP / b.count : NaN, observed: b.count ? b.sumY / b.count : NaN }));
  const ece = n ? out.reduce((a, b) => a + (b.count ? (b.count / n) * Math.abs(b.meanPredicted - b.observed) : 0), 0) : NaN;
  return { n, positives: y.reduce((a, v) => a + v, 0), auc: rocAuc(y, p), brier: n ? brier / n : NaN, ece, bins: out };
}
