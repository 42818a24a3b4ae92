/**
 * Sessionization and labels, the same rule as the browser: a new session starts after a
 * 30-minute gap between a user's consecutive events (and when the source's own session id changes).
 */
import type { LabeledSession, NormalizedEvent, SessionStats } from './types.js';

/** Gap that ends a session, ms (30 minutes, as in the browser). */
export const SESSION_GAP_MS = 30 * 60 * 1000;

/**
 * A session left out because its first event is a purchase (no prefix to label). The browser
 * still counts it as an ended session when scheduling personalization runs, so the harness's
 * browser-schedule replay needs to know when it happened.
 */
export interface PurchaseFirstSession {
  userId: string;
  /** Time of its first event, ms since the epoch. */
  startMs: number;
}

/** Options for {@link sessionize}. */
export interface SessionizeOptions {
  /** Gap that starts a new session, ms (default {@link SESSION_GAP_MS}). */
  gapMs?: number;
  /**
   * End of the source file's time window, ms. Sessions whose last event is within `gapMs` of
   * it may have continued after the window: their outcome is unknown, so they are left out.
   * `-Infinity` (default) when sessions are complete in the source.
   */
  windowEndMs?: number;
  /** Text inserted before the per-user counter in session ids, to keep ids unique across files (default `''`). */
  tag?: string;
}

/**
 * Groups events by store, user and native session id, orders each group by time (equal times
 * keep their input order) and splits it where consecutive events are `gapMs` or more apart (as
 * the browser: a session continues only while the gap is under the timeout).
 * No event is dropped; sessions come in group order, each in time order. Used by
 * {@link sessionize} (intent labels) and by the next-item CLI (whole sessions' items).
 * @param gapMs gap that starts a new session, ms (default {@link SESSION_GAP_MS})
 */
export function splitSessions(events: readonly NormalizedEvent[], gapMs = SESSION_GAP_MS): NormalizedEvent[][] {
  const byUser = new Map<string, NormalizedEvent[]>();
  for (const e of events) {
    const key = `${e.store}\u0000${e.userId}\u0000${e.sessionId}`;
    let list = byUser.get(key);
    if (!list) byUser.set(key, (list = []));
    list.push(e);
  }
  const out: NormalizedEvent[][] = [];
  for (const list of byUser.values()) {
    const sorted = list.map((e, i) => ({ e, i })).sort((a, b) => a.e.ts - b.e.ts || a.i - b.i).map((x) => x.e);
    let start = 0;
    for (let i = 1; i <= sorted.length; i++) {
      if (i < sorted.length && sorted[i].ts - sorted[i - 1].ts < gapMs) continue;
      out.push(sorted.slice(start, i));
      start = i;
    }
  }
  return out;
}

/**
 * Splits events into sessions ({@link splitSessions}) and labels each: the prefix (events
 * before the first purchase) and whether a purchase happened. Sessions cut off by the window
 * end, and sessions whose first event is a purchase (empty prefix), are left out and counted.
 * @returns sessions ordered by start time, with `sessionId` set to `<store>:<user>:<tag><n>`.
 */
export function sessionize(
  events: readonly NormalizedEvent[],
  opts: SessionizeOptions = {},
): { sessions: LabeledSession[]; stats: SessionStats; purchaseFirst: PurchaseFirstSession[] } {
  const gap = opts.gapMs ?? SESSION_GAP_MS;
  const windowEnd = opts.windowEndMs ?? -Infinity;
  const stats: SessionStats = { sessions: 0, cutOff: 0, cutOffWithPurchase: 0, emptyPrefix: 0, kept: 0, positives: 0 };
  const sessions: LabeledSession[] = [];
  const purchaseFirst: PurchaseFirstSession[] = [];
  const counters = new Map<string, number>();
  for (const part of splitSessions(events, gap)) {
    stats.sessions++;
    if (Number.isFinite(windowEnd) && part[part.length - 1].ts > windowEnd - gap) {
      stats.cutOff++;
      if (part.some((e) => e.type === 'purchase')) stats.cutOffWithPurchase++;
      continue;
    }
    const buy = part.findIndex((e) => e.type === 'purchase');
    if (buy === 0) {
      stats.emptyPrefix++;
      purchaseFirst.push({ userId: part[0].userId, startMs: part[0].ts });
      continue;
    }
    const first = part[0];
    const userKey = `${first.store}:${first.userId}`;
    const n = counters.get(userKey) ?? 0;
    counters.set(userKey, n + 1);
    const sessionId = `${userKey}:${opts.tag ?? ''}${n}`;
    const prefix = (buy < 0 ? part : part.slice(0, buy)).map((e) => ({ ...e, sessionId }));
    const label = buy < 0 ? 0 : 1;
    sessions.push({ store: first.store, userId: first.userId, sessionId, events: prefix, label, startMs: first.ts });
    stats.kept++;
    stats.positives += label;
  }
  sessions.sort((a, b) => a.startMs - b.startMs || (a.sessionId < b.sessionId ? -1 : 1));
  return { sessions, stats, purchaseFirst };
}
