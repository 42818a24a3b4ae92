/**
 * Session-level log-loss of a head: each session's mean log-loss over its prefix steps, averaged
 * over sessions (each session weighs 1). The guard and the offline harness both score with it.
 */
import type { SessionExamples } from './examples.js';
import { headLogitOf, type PersonalHead } from './head.js';

/** Probabilities are clipped to [EPS, 1 − EPS] before the log. */
export const EPS = 1e-7;

/** Mean log-loss (nats) of one session's steps; NaN when it has none. */
export function sessionLogLoss(head: PersonalHead, s: SessionExamples): number {
  if (!s.z.length) return NaN;
  let sum = 0;
  for (const z of s.z) {
    const p = Math.min(1 - EPS, Math.max(EPS, 1 / (1 + Math.exp(-headLogitOf(head, z)))));
    sum -= s.label ? Math.log(p) : Math.log(1 - p);
  }
  return sum / s.z.length;
}

/** Mean of {@link sessionLogLoss} over sessions with steps; NaN when none has any. */
export function meanLogLoss(head: PersonalHead, sessions: readonly SessionExamples[]): number {
  const v = sessions.map((s) => sessionLogLoss(head, s)).filter(Number.isFinite);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}
