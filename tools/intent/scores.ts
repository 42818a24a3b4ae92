/** Scoring a set of predictions: every metric the eval reports, with bootstrap CIs. */
import {
  auc,
  bootstrapAucCi,
  sampleWeights,
  calibrationError,
  logLoss,
  pairedAucDiffCi,
  prAuc,
} from './metrics.js';

/** Predictions of one model on one scope, with the threshold each example is judged by. */
export interface Scored {
  p: Float64Array;
  /** Threshold per example (chosen without the example's test fold). */
  threshold: Float64Array;
  /** AUC after the first k events, for k in {@link EVENTS_SEEN}: labels and predictions. */
  byEvents?: Record<number, { y: number[]; p: Float64Array }>;
}

/** Prefix lengths for "AUC by events seen" (Requena et al. 2020). */
export const EVENTS_SEEN = [1, 2, 3, 5, 10] as const;

/** Everything reported for one model on one scope. */
export interface ModelReport {
  n: number;
  positives: number;
  auc: number | null;
  auc_ci95: [number, number] | null;
  pr_auc: number | null;
  log_loss: number;
  calibration_error: number;
  threshold_mean: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  auc_by_events: Record<string, number | null>;
  /** AUC(hunch) − AUC(this model) with a paired bootstrap 95% CI (absent for hunch itself). */
  hunch_minus_this?: { diff: number | null; ci95: [number, number] | null };
}

const num = (v: number): number | null => (Number.isFinite(v) ? v : null);
const pair = (c: [number, number]): [number, number] | null => (Number.isFinite(c[0]) && Number.isFinite(c[1]) ? c : null);

/** Scores every model on the same labels and bootstrap samples; `hunch` is the reference for the differences. */
export function scoreScope(y: number[], models: Record<string, Scored>, samples: Uint32Array[], ref = 'hunch'): Record<string, ModelReport> {
  const out: Record<string, ModelReport> = {};
  const weights = sampleWeights(y.length, samples);
  for (const [name, s] of Object.entries(models)) {
    let tp = 0, fp = 0, tn = 0, fn = 0;
    y.forEach((yi, i) => {
      const hit = s.p[i] >= s.threshold[i];
      if (hit && yi === 1) tp++;
      else if (hit) fp++;
      else if (yi === 1) fn++;
      else tn++;
    });
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const a = auc(y, s.p);
    const r: ModelReport = {
      n: y.length,
      positives: tp + fn,
      auc: num(a),
      auc_ci95: Number.isFinite(a) ? pair(bootstrapAucCi(y, s.p, weights)) : null,
      pr_auc: num(prAuc(y, s.p)),
      log_loss: logLoss(y, s.p),
      calibration_error: calibrationError(y, s.p),
      threshold_mean: s.threshold.reduce((u, v) => u + v, 0) / Math.max(1, s.threshold.length),
      accuracy: (tp + tn) / Math.max(1, y.length),
      precision,
      recall,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
      auc_by_events: {},
    };
    for (const k of EVENTS_SEEN) {
      const b = s.byEvents?.[k];
      r.auc_by_events[k] = b ? num(auc(b.y, b.p)) : null;
    }
    if (name !== ref && models[ref] && Number.isFinite(a)) {
      const d = auc(y, models[ref].p) - a;
      r.hunch_minus_this = { diff: num(d), ci95: pair(pairedAucDiffCi(y, models[ref].p, s.p, weights)) };
    }
    out[name] = r;
  }
  return out;
}
