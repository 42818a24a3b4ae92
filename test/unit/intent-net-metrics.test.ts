// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  auc,
  bestF1Threshold,
  bootstrapIndices,
  groupBootstrapIndices,
  calibrationError,
  pairedAucDiffCi,
  prAuc,
  sampleWeights,
  thresholdMetrics,
  weightedAuc,
} from '../../tools/intent/metrics.js';
import { seededRandom } from '../../tools/intent/rng.js';

const rand = seededRandom(11);
const n = 300;
const y = Array.from({ length: n }, () => (rand() < 0.2 ? 1 : 0));
// Scores with ties (rounded) that carry some signal.
const p = y.map((v) => Math.round((0.3 * v + rand()) * 20) / 20);
const q = y.map(() => Math.round(rand() * 20) / 20);

describe('eval metrics', () => {
  it('AUC: perfect, reversed, constant and a hand-checked case', () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])).toBe(0);
    expect(auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(auc([0, 1, 0, 1], [0.1, 0.3, 0.35, 0.8])).toBe(0.75);
    expect(auc([0, 0], [0.1, 0.2])).toBeNaN();
  });

  it('weighted AUC on resample multiplicities equals AUC on the expanded resample', () => {
    const samples = bootstrapIndices(n, 5, seededRandom(3));
    const weights = sampleWeights(n, samples);
    const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]);
    samples.forEach((ix, s) => {
      const direct = auc(Array.from(ix, (i) => y[i]), Array.from(ix, (i) => p[i]));
      expect(weightedAuc(y, p, order, weights[s])).toBeCloseTo(direct, 12);
    });
  });

  it('the user bootstrap draws whole users: a user\'s sessions are in a resample all together or not at all, as many users as there are', () => {
    const groups = ['a', 'a', 'a', 'b', 'c', 'c', 'd'];
    for (const ix of groupBootstrapIndices(groups, 50, seededRandom(9))) {
      const count = new Map<string, number>();
      for (const i of ix) count.set(groups[i], (count.get(groups[i]) ?? 0) + 1);
      let draws = 0;
      for (const [g, c] of count) {
        const size = groups.filter((x) => x === g).length;
        expect(c % size).toBe(0); // whole users only, each drawn c / size times
        draws += c / size;
      }
      expect(draws).toBe(4);
    }
  });

  it('paired AUC-difference CI covers the observed difference and is ordered', () => {
    const w = sampleWeights(n, bootstrapIndices(n, 200, seededRandom(5)));
    const [lo, hi] = pairedAucDiffCi(y, p, q, w);
    const d = auc(y, p) - auc(y, q);
    expect(lo).toBeLessThanOrEqual(d);
    expect(hi).toBeGreaterThanOrEqual(d);
    expect(lo).toBeGreaterThan(0); // p carries signal, q does not
  });

  it('PR-AUC, calibration and threshold metrics', () => {
    expect(prAuc([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])).toBeCloseTo((1 + 2 / 3) / 2, 10);
    expect(calibrationError([1, 0], [1, 0])).toBe(0);
    expect(calibrationError([0, 0], [0.95, 0.95])).toBeCloseTo(0.95, 10);
    const m = thresholdMetrics([1, 0, 1, 0], [0.9, 0.8, 0.2, 0.1], 0.5);
    expect(m).toMatchObject({ accuracy: 0.5, precision: 0.5, recall: 0.5, f1: 0.5 });
  });

  it('PR-AUC treats tied scores as one threshold: the result does not depend on their order', () => {
    expect(prAuc([1, 0], [0.5, 0.5])).toBeCloseTo(0.5, 12);
    expect(prAuc([0, 1], [0.5, 0.5])).toBeCloseTo(0.5, 12);
    // hand-checked: cuts 0.9 (1 of 1 positive), 0.5 (2 of 4), 0.1 (3 of 6) → (1 + 1/2 + 1/2) / 3
    expect(prAuc([1, 1, 0, 0, 0, 1], [0.9, 0.5, 0.5, 0.5, 0.1, 0.1])).toBeCloseTo(2 / 3, 12);
    expect(prAuc([1, 0, 0, 1, 1, 0], [0.9, 0.5, 0.5, 0.5, 0.1, 0.1])).toBeCloseTo(2 / 3, 12);
    // a shuffle of the tied examples leaves p's PR-AUC as it is
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b] || ((a * 7919) % n) - ((b * 7919) % n));
    const reversedTies = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b] || ((b * 7919) % n) - ((a * 7919) % n));
    expect(prAuc(order.map((i) => y[i]), order.map((i) => p[i]))).toBeCloseTo(prAuc(reversedTies.map((i) => y[i]), reversedTies.map((i) => p[i])), 12);
  });

  it('the F1 threshold tries every distinct score: it finds a cut in the positive tail', () => {
    // 1000 distinct scores, the top 3 positive: the best cut keeps exactly those 3 (F1 = 1)
    const m = 1000;
    const s = Array.from({ length: m }, (_, i) => (i + 1) / m);
    const lab = s.map((_, i) => (i >= m - 3 ? 1 : 0));
    const t = bestF1Threshold(lab, s);
    expect(t).toBe(s[m - 3]);
    expect(thresholdMetrics(lab, s, t).f1).toBe(1);
    // on any data, no distinct score does better than the chosen one (same p ≥ t rule)
    const best = thresholdMetrics(y, p, bestF1Threshold(y, p)).f1;
    for (const c of new Set(p)) expect(thresholdMetrics(y, p, c).f1).toBeLessThanOrEqual(best);
    expect(bestF1Threshold([0, 1, 1, 0], [0.2, 0.8, 0.8, 0.8])).toBe(0.8);
  });

  it('the F1 threshold without a positive flags none of the sessions it was picked on (it flagged every one: the lowest cut)', () => {
    for (const scores of [[0.1, 0.5, 0.9], [0.0208, 0.0208, 0.01], [1, 1, 0.2], [0, 0, 0]]) {
      const labels = scores.map(() => 0);
      const t = bestF1Threshold(labels, scores);
      expect(Number.isFinite(t), `${scores}`).toBe(true); // meta.json and the eval's mean keep it
      expect(t).toBeGreaterThan(Math.max(...scores));
      expect(thresholdMetrics(labels, scores, t)).toMatchObject({ accuracy: 1, precision: 0, recall: 0 });
    }
    // the small-store case: validation users without a buyer, cart heuristic rates 0.75 / 0.021
    const t = bestF1Threshold([0, 0, 0, 0], [0.0208, 0.0208, 0.0208, 0.0208]);
    expect([0.75, 0.0208, 0.0208].map((s) => s >= t)).toEqual([true, false, false]);
    // with a positive, unchanged: the best cut among the scores
    expect(bestF1Threshold([0, 1, 0], [0.1, 0.5, 0.9])).toBe(0.5);
    expect(bestF1Threshold([], [])).toBe(0.5);
  });
});
