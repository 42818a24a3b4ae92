/**
 * Per-user replay for the offline lift harness (Node): groups a store's labelled sessions by
 * user, and for each user with enough sessions personalizes on the past (with the guard, the
 * browser's code path) and scores the later sessions with the global and the user's head.
 */
import type { LabeledSession } from '../data/index.js';
import { toHunchEvents } from '../data/index.js';
import type { JsNet } from '../../src/model/js-net.js';
import { sessionExamples, type SessionExamples } from '../../src/personalize/examples.js';
import { runToEnd } from '../../src/slice.js';
import { guardedPersonalize, type GuardOptions } from '../../src/personalize/guard.js';
import { globalHead } from '../../src/personalize/head.js';
import { meanLogLoss } from '../../src/personalize/loss.js';

/** One user's outcome. */
export interface UserOutcome {
  user: string;
  /** Mean session log-loss on the later sessions, global head (nats). */
  global: number;
  /** The same with the head the guard left in use. */
  personalized: number;
  adopted: boolean;
  sessions: { past: number; later: number };
}

/** How to split each user's history. */
export interface ReplayOptions extends GuardOptions {
  /** Users need at least this many sessions with model steps. Default 4. */
  minUserSessions?: number;
  /** Share of each user's sessions (the most recent) scored. Default 0.3 (at least 1). */
  laterShare?: number;
}

/** Sessions with model steps per user, oldest first. */
export function usersOf(net: JsNet, sessions: readonly LabeledSession[]): Map<string, SessionExamples[]> {
  const by = new Map<string, SessionExamples[]>();
  const sorted = [...sessions].sort((a, b) => a.startMs - b.startMs);
  for (const s of sorted) {
    const ex = sessionExamples(net, toHunchEvents(s.events), s.label);
    if (!ex.z.length) continue;
    const list = by.get(s.userId) ?? [];
    list.push(ex);
    by.set(s.userId, list);
  }
  return by;
}

/** Replays every user with enough sessions. */
export function replayUsers(net: JsNet, users: Map<string, SessionExamples[]>, o: ReplayOptions = {}): UserOutcome[] {
  const minUser = o.minUserSessions ?? 4;
  const laterShare = o.laterShare ?? 0.3;
  const g = globalHead(net);
  const out: UserOutcome[] = [];
  for (const [user, list] of users) {
    if (list.length < minUser) continue;
    const nLater = Math.max(1, Math.round(list.length * laterShare));
    const past = list.slice(0, list.length - nLater);
    const later = list.slice(list.length - nLater);
    const { result, head } = runToEnd(guardedPersonalize(past, g, g, o));
    out.push({ user, global: meanLogLoss(g, later), personalized: meanLogLoss(head, later), adopted: result.adopted, sessions: { past: past.length, later: later.length } });
  }
  return out;
}
