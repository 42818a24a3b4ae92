/** Labelled sessions → encoded examples for the intent model and its baselines. */
import { encodeSession } from '../../src/features/index.js';
import { toHunchEvents, type LabeledSession } from '../data/index.js';

/** One session, encoded. */
export interface Example {
  store: string;
  userId: string;
  sessionId: string;
  startMs: number;
  label: 0 | 1;
  /** One feature vector per model step (the prefix). */
  xs: Float32Array[];
  /** The prefix's events (for baselines that read raw events). */
  session: LabeledSession;
}

/** Encodes sessions with the shared feature module; sessions with no model step are dropped. */
export function toExamples(sessions: readonly LabeledSession[]): Example[] {
  const out: Example[] = [];
  for (const s of sessions) {
    const xs = encodeSession(toHunchEvents(s.events));
    if (xs.length === 0) continue;
    out.push({ store: s.store, userId: s.userId, sessionId: s.sessionId, startMs: s.startMs, label: s.label, xs, session: s });
  }
  return out;
}

/** Keeps the first `k` steps of each example with at least `k` steps (for AUC by events seen). */
export function truncateExamples(examples: readonly Example[], k: number): Example[] {
  return examples.filter((e) => e.xs.length >= k).map((e) => ({ ...e, xs: e.xs.slice(0, k) }));
}
