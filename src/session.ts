/**
 * Sessionization, pure: a session ends after `timeout` ms without events (default 30 minutes),
 * like the offline data adapters. The pointer to the current session is shared across tabs by
 * `session-pointer.ts`; session summaries are merged here for both store implementations.
 */
import type { HunchEvent, StoredEventType } from './events.js';

/** The current session as shared between tabs. Times in ms since the epoch. */
export interface SessionPointer {
  id: string;
  start: number;
  last: number;
}

/** Summary of one session, kept in the `sessions` store. */
export interface SessionRecord {
  /** Session id (the `sessionId` of its events). */
  id: string;
  /** Time of the first event, ms since the epoch. */
  start: number;
  /** Time of the last event, ms since the epoch. */
  end: number;
  /** Number of stored events. */
  count: number;
  /** Events per type. */
  counts: Partial<Record<StoredEventType, number>>;
  /** Distinct item ids seen (bounded to the first 200). */
  items: string[];
  /** True once a `purchase` event was recorded in the session. */
  purchased: boolean;
}

/**
 * Returns the session an event at `now` belongs to: the same one when the last event was less
 * than `timeoutMs` ago (and not in the future by more than that), otherwise a new one.
 */
export function advanceSession(
  ptr: SessionPointer | undefined,
  now: number,
  timeoutMs: number,
  newId: () => string,
): { ptr: SessionPointer; started: boolean } {
  if (ptr && now - ptr.last < timeoutMs && ptr.last - now < timeoutMs) {
    return { ptr: { id: ptr.id, start: ptr.start, last: Math.max(ptr.last, now) }, started: false };
  }
  return { ptr: { id: newId(), start: now, last: now }, started: true };
}

/**
 * Reconciles this tab's pointer with the one shared by other tabs (which may be stale: storage
 * between tabs syncs asynchronously). Of the pointers still live at `now`, the one that started
 * first wins (ties: smaller id), so tabs that started sessions at the same moment converge on one.
 * When neither is live, the one with the later activity (`last`) is the last session: a tab that
 * never writes the shared pointer (consent `'pending'`) may find an older session there.
 */
export function chooseSession(mine: SessionPointer | undefined, shared: SessionPointer | undefined, now: number, timeoutMs: number): SessionPointer | undefined {
  const live = (p: SessionPointer | undefined) => isLive(p, now, timeoutMs);
  const a = live(mine) ? mine : undefined;
  const b = live(shared) ? shared : undefined;
  if (!a || !b) return a ?? b ?? (!mine || (shared && shared.last > mine.last) ? shared : mine);
  if (a.id === b.id) return spanOf(a, b);
  const first = a.start < b.start || (a.start === b.start && a.id < b.id) ? a : b;
  return { id: first.id, start: first.start, last: Math.max(a.last, b.last) };
}

/** One session as two tabs saw it (same id): its earliest start and latest activity. */
export function spanOf(a: SessionPointer, b: SessionPointer): SessionPointer {
  return { id: a.id, start: Math.min(a.start, b.start), last: Math.max(a.last, b.last) };
}

/** True when the session's last activity is less than `timeoutMs` from `now` (either way, for clock skew between tabs). */
export function isLive(p: SessionPointer | undefined, now: number, timeoutMs: number): p is SessionPointer {
  return p !== undefined && now - p.last < timeoutMs && p.last - now < timeoutMs;
}

/** Merges a batch of events of one session into its summary (pure; input is not mutated). */
export function mergeSession(rec: SessionRecord | undefined, events: readonly HunchEvent[]): SessionRecord {
  const out: SessionRecord = rec
    ? { ...rec, counts: { ...rec.counts }, items: [...rec.items] }
    : { id: events[0].sessionId, start: Infinity, end: -Infinity, count: 0, counts: {}, items: [], purchased: false };
  for (const e of events) {
    out.start = Math.min(out.start, e.ts);
    out.end = Math.max(out.end, e.ts);
    out.count++;
    out.counts[e.type] = (out.counts[e.type] ?? 0) + 1;
    if (e.itemId && out.items.length < 200 && !out.items.includes(e.itemId)) out.items.push(e.itemId);
    if (e.type === 'purchase') out.purchased = true;
  }
  return out;
}

/** Groups events by session id, keeping order. */
export function groupBySession(events: readonly HunchEvent[]): Map<string, HunchEvent[]> {
  const m = new Map<string, HunchEvent[]>();
  for (const e of events) {
    let list = m.get(e.sessionId);
    if (!list) m.set(e.sessionId, (list = []));
    list.push(e);
  }
  return m;
}

