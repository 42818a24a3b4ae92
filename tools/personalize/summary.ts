/**
 * Summary of a dataset's per-user outcomes: means, the paired difference (oriented so that
 * positive = personalization helped) with a 95% bootstrap CI over users, and the shares of users
 * helped, harmed and adopted.
 */
import { bootstrapIndices, ci95 } from '../intent/metrics.js';
import { seededRandom } from '../intent/rng.js';
import type { UserOutcome } from './replay.js';

/** One dataset's line of the report (the JSON shape). */
export interface DatasetSummary {
  metric: string;
  global: number;
  personalized: number;
  diff: number;
  ci95: [number, number];
  adopted: number;
  helped: number;
  harmed: number;
  users: number;
  /**
   * Users a study would need for a 95% CI that excludes zero if the mean difference and the
   * per-user spread stayed as measured: ⌈(1.96 · sd / diff)²⌉ (normal approximation); null when
   * the measured difference is not positive (no sample size would show a lift).
   */
  usersForSignificance: number | null;
}

/** A per-user metric and its direction. */
export interface MetricSpec {
  name: string;
  higherIsBetter: boolean;
}

/** Intent: mean per-session log-loss over the later sessions' prefix steps. */
export const LOG_LOSS: MetricSpec = { name: 'session log-loss (nats, lower is better); diff = global − personalized', higherIsBetter: false };
/** Recommendations: reciprocal rank of the next item within the top 20, else 0. */
export const MRR20: MetricSpec = { name: 'MRR@20 of the next item (0..1, higher is better); diff = personalized − global', higherIsBetter: true };

/** A user counts as helped / harmed when the log-loss moved by more than this, nats (float noise). */
export const TIE = 1e-9;

const mean = (v: readonly number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

/**
 * Summarizes outcomes.
 * @param spec the metric (default {@link LOG_LOSS})
 * @param reps bootstrap resamples (default 2000)
 * @param seed bootstrap seed (default 1)
 */
export function summarize(outcomes: readonly UserOutcome[], spec: MetricSpec = LOG_LOSS, reps = 2000, seed = 1): DatasetSummary {
  const d = outcomes.map((u) => (spec.higherIsBetter ? u.personalized - u.global : u.global - u.personalized));
  const idx = bootstrapIndices(d.length, reps, seededRandom(seed));
  const n = Math.max(1, d.length);
  return {
    metric: spec.name,
    global: mean(outcomes.map((u) => u.global)),
    personalized: mean(outcomes.map((u) => u.personalized)),
    diff: mean(d),
    ci95: d.length ? ci95(idx.map((ix) => mean(Array.from(ix, (i) => d[i])))) : [NaN, NaN],
    adopted: outcomes.filter((u) => u.adopted).length / n,
    helped: d.filter((v) => v > TIE).length / n,
    harmed: d.filter((v) => v < -TIE).length / n,
    users: d.length,
    usersForSignificance: usersForSignificance(d),
  };
}

function usersForSignificance(d: readonly number[]): number | null {
  const m = mean(d);
  if (d.length < 2 || !(m > 0)) return null;
  const sd = Math.sqrt(d.reduce((a, v) => a + (v - m) ** 2, 0) / (d.length - 1));
  return Math.ceil(((1.96 * sd) / m) ** 2);
}
