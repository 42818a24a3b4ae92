/**
 * Per-user replay for the offline lift harness (Node): groups a store's labelled sessions by
 * user, and for each user with enough sessions personalizes on the past (with the guard, the
 * browser's code path) and scores the later sessions with the global and the user's head.
 */
import type { LabeledSession } from '../data/index.js';
import type { PurchaseFirstSession } from '../data/sessionize.js';
import { toHunchEvents } from '../data/index.js';
import type { JsNet } from '../../src/model/js-net.js';
import { sessionExamples, type SessionExamples } from '../../src/personalize/examples.js';
import { runToEnd } from '../../src/slice.js';
import { guardedPersonalize, type GuardOptions } from '../../src/personalize/guard.js';
import { globalHead } from '../../src/personalize/head.js';
import { meanLogLoss } from '../../src/personalize/loss.js';
import { AUTO_EVERY_SESSIONS, MAX_SESSIONS } from '../../src/personalize/personalizer.js';
import type { PersonalHead } from '../../src/personalize/head.js';

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

/**
 * Sessions with model steps per user, oldest first. With `purchaseFirst`, the sessions that
 * start with a purchase are put in their place too, with no examples (`z: []`, label 1): the
 * browser has no prediction to score in them, but counts them as ended sessions when it
 * schedules runs and takes the newest {@link MAX_SESSIONS}; {@link replayUsers} and the guard
 * skip them, {@link replayUsersScheduled} counts them.
 */
export function usersOf(net: JsNet, sessions: readonly LabeledSession[], purchaseFirst: readonly PurchaseFirstSession[] = []): Map<string, SessionExamples[]> {
  const by = new Map<string, SessionExamples[]>();
  const timed = [
    ...sessions.map((s) => ({ userId: s.userId, startMs: s.startMs, ex: sessionExamples(net, toHunchEvents(s.events), s.label) })),
    ...purchaseFirst.map((s) => ({ ...s, ex: { z: [], label: 1 } as SessionExamples })),
  ].sort((a, b) => a.startMs - b.startMs);
  for (const s of timed) {
    if (!s.ex.z.length && s.ex.label === 0) continue; // a session with no model step (nothing in the browser either)
    const list = by.get(s.userId) ?? [];
    list.push(s.ex);
    by.set(s.userId, list);
  }
  return by;
}

const withSteps = (list: readonly SessionExamples[]) => list.filter((s) => s.z.length > 0);

/** The users a replay covers: those with at least `minUserSessions` (default 4) sessions with model steps. */
function eligible(users: Map<string, SessionExamples[]>, o: ReplayOptions): Array<[string, SessionExamples[]]> {
  const minUser = o.minUserSessions ?? 4;
  return [...users].filter(([, list]) => withSteps(list).length >= minUser);
}

/** Replays every user with enough sessions. */
export function replayUsers(net: JsNet, users: Map<string, SessionExamples[]>, o: ReplayOptions = {}): UserOutcome[] {
  const laterShare = o.laterShare ?? 0.3;
  const g = globalHead(net);
  const out: UserOutcome[] = [];
  for (const [user, all] of eligible(users, o)) {
    const list = withSteps(all);
    const nLater = Math.max(1, Math.round(list.length * laterShare));
    const past = list.slice(0, list.length - nLater);
    const later = list.slice(list.length - nLater);
    const { result, head } = runToEnd(guardedPersonalize(past, g, g, o));
    out.push({ user, global: meanLogLoss(g, later), personalized: meanLogLoss(head, later), adopted: result.adopted, sessions: { past: past.length, later: later.length } });
  }
  return out;
}

/**
 * The browser's schedule instead of one run per user (`personalizer.ts`): the user's sessions in
 * time order; before each session, a run happens when at least {@link AUTO_EVERY_SESSIONS}
 * sessions ended since the last one, on the newest {@link MAX_SESSIONS} ended sessions, with the
 * head in use as the guard's `current` (so later runs can adopt again, keep, or drop a personal
 * head). Every session from the first run on is scored with the head in use when it started and
 * with the global head. `laterShare` is not used. `adopted`: a personal head was in use for at
 * least one scored session. Also counts the runs that dropped a head (`reverted`).
 */
export function replayUsersScheduled(net: JsNet, users: Map<string, SessionExamples[]>, o: ReplayOptions = {}): { outcomes: UserOutcome[]; reverted: number } {
  const g = globalHead(net);
  const out: UserOutcome[] = [];
  let reverted = 0;
  for (const [user, list] of eligible(users, o)) {
    let head: PersonalHead = g;
    let lastRun = 0;
    let used = false;
    const perSession = { global: [] as number[], personalized: [] as number[] };
    for (let i = AUTO_EVERY_SESSIONS; i < list.length; i++) {
      if (i - lastRun >= AUTO_EVERY_SESSIONS) {
        const r = runToEnd(guardedPersonalize(list.slice(Math.max(0, i - MAX_SESSIONS), i), g, head, o));
        head = r.head;
        lastRun = i;
        if (r.result.reverted) reverted++;
      }
      if (!list[i].z.length) continue; // a session that starts with a purchase: counted above, nothing to score
      used ||= head !== g;
      perSession.global.push(meanLogLoss(g, [list[i]]));
      perSession.personalized.push(meanLogLoss(head, [list[i]]));
    }
    const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    out.push({ user, global: avg(perSession.global), personalized: avg(perSession.personalized), adopted: used, sessions: { past: AUTO_EVERY_SESSIONS, later: perSession.global.length } });
  }
  return { outcomes: out, reverted };
}
