/**
 * The shopper's history as the recommendation service carries it: a {@link RecommendStream} built
 * from the newest stored events plus the events this page saw, kept up to date with live events,
 * and rebuilt when storage holds events the stream never saw: storage that became readable later
 * (consent granted after the page started) and events other tabs stored. Checking is one read of
 * the newest {@link CHECK_EVENTS} stored events per call.
 *
 * The first build from a store also remembers the purchases stored before the events it reads
 * (from the newest {@link PURCHASE_SESSIONS} sessions with a purchase), so an older purchase
 * stays left out of the ranking after a reload as it did on the page that saw it.
 *
 * A stream is built aside and put in use only once its history is in, so a live event that
 * arrives while storage is read is placed after the history (by time), never before it; a
 * `reset()` (forget) meanwhile discards what was read, and events stored up to a reset never
 * come back into a stream.
 */
import type { HunchEvent } from '../events.js';
import { createSerialQueue } from '../serial.js';
import type { Store } from '../store/types.js';
import type { NextItemModel } from './model.js';
import { createRecommendStream, type RecommendStream } from './stream.js';

/**
 * Newest stored events checked per call for one the stream never saw. Another tab's events are
 * found as long as fewer than this many newer ones were stored since (this page's own included).
 */
export const CHECK_EVENTS = 50;

/**
 * Sessions with a purchase (the newest) whose events the first build from a store reads for the
 * purchases older than the newest events it replays; one read per session, and only when the
 * replayed events may not be all that is stored.
 */
export const PURCHASE_SESSIONS = 100;

/** What {@link createCarriedHistory} needs. */
export interface CarriedHistoryDeps {
  /** Storage with the history, or undefined while it may not be read (consent). */
  store(): Promise<Store> | undefined;
  /** Writes buffered events before the history is read. */
  flush(): Promise<void>;
  /** Runs before a rebuild reads the events (e.g. restoring the stored taste). */
  beforeRead?(store: Store): Promise<void>;
  /** A session boundary was crossed (a live event of a new session, or a rebuild over ended sessions). */
  sessionEnded?(): void;
  /** Clock, ms since the epoch (the events' clock). */
  now(): number;
  /** Newest stored events read per rebuild, and this page's events kept for one. */
  limit: number;
}

/** The carried history. */
export interface CarriedHistory {
  /** A tracked event of this page. */
  onEvent(e: HunchEvent): void;
  /** The stream over `model`, brought up to date with storage first (calls run one at a time). */
  current(model: NextItemModel): Promise<RecommendStream>;
  /** Forgets everything carried; events stored until now are never read back. */
  reset(): void;
}

/** Creates the carried history (nothing is read until {@link CarriedHistory.current}). */
export function createCarriedHistory(d: CarriedHistoryDeps): CarriedHistory {
  /** This page's events, oldest first (bounded): a rebuild adds those storage does not hold. */
  let recent: HunchEvent[] = [];
  let stream: RecommendStream | undefined;
  /** What the stream was built from: a store, or null when storage could not be read. */
  let from: Store | null = null;
  let sessionId: string | undefined;
  /** Ids of events in the stream (the newest, bounded): a recent stored event not among them means a rebuild. */
  const seen = new Set<string>();
  let building = false;
  let generation = 0;
  let forgotAt = -Infinity;
  const queue = createSerialQueue();

  const remember = (id: string) => {
    seen.delete(id);
    seen.add(id);
    if (seen.size > 2 * d.limit) seen.delete(seen.values().next().value as string);
  };

  /** Pushes `e` into `s` after the session `last`; true when it starts a new session. */
  const step = (s: RecommendStream, e: HunchEvent, last: string | undefined): boolean => {
    const crossed = last !== undefined && e.sessionId !== last;
    if (crossed) s.newSession();
    s.push({ itemId: e.itemId, type: e.type });
    return crossed;
  };

  /** Builds a stream from `events` (oldest first), remembering the purchased ids `older` (oldest first) too, and puts it in use. */
  const adopt = (model: NextItemModel, events: readonly HunchEvent[], source: Store | null, older: readonly string[] = []): RecommendStream => {
    // the purchases the replaced stream remembered stay left out (a rebuild reads only the newest events)
    const s = createRecommendStream(model, undefined, [...older, ...(stream?.purchased ?? [])]);
    let last: string | undefined;
    let crossed = false;
    seen.clear();
    for (const e of events) {
      remember(e.id);
      crossed = step(s, e, last) || crossed;
      last = e.sessionId;
    }
    stream = s;
    sessionId = last;
    from = source;
    if (crossed) d.sessionEnded?.();
    return s;
  };

  /** The stored events after the last reset, with this page's events storage does not hold, by time. */
  const merge = (stored: readonly HunchEvent[]): HunchEvent[] => {
    const kept = stored.filter((e) => e.ts > forgotAt);
    const ids = new Set(kept.map((e) => e.id));
    const extra = recent.filter((e) => !ids.has(e.id));
    return extra.length === 0 ? kept : [...kept, ...extra].sort((a, b) => a.ts - b.ts); // stable: stored first on ties
  };

  /**
   * True when the newest {@link CHECK_EVENTS} stored events hold one the stream never saw (another
   * tab's, also one stored before this page's own newer events). A read that fails (e.g. the
   * database deleted by another tab's forget() just now) keeps what is carried: false.
   */
  const behind = async (store: Store): Promise<boolean> => {
    const newest = await store.getEvents({ limit: CHECK_EVENTS }).catch((): HunchEvent[] => []);
    return newest.some((e) => e.ts > forgotAt && !seen.has(e.id));
  };

  /**
   * Item ids of the purchases stored up to `until` (ms) and after the last reset, oldest first,
   * from the newest {@link PURCHASE_SESSIONS} sessions with a purchase. Best effort: a read that
   * fails gives none.
   */
  const olderPurchases = async (store: Store, until: number): Promise<string[]> => {
    try {
      const sessions = (await store.getSessions()).filter((s) => s.purchased && s.start <= until && s.end > forgotAt).slice(-PURCHASE_SESSIONS);
      const lists = await Promise.all(sessions.map((s) => store.getEvents({ sessionId: s.id })));
      return lists
        .flat()
        .filter((e) => e.type === 'purchase' && e.itemId !== undefined && e.ts <= until && e.ts > forgotAt)
        .sort((a, b) => a.ts - b.ts)
        .map((e) => e.itemId!);
    } catch {
      return [];
    }
  };

  const refresh = async (model: NextItemModel): Promise<RecommendStream> => {
    const gen = generation;
    const storeP = d.store();
    if (!storeP) return stream && from === null ? stream : adopt(model, recent, null);
    const store = await storeP;
    // built from this store: up to date unless it holds an event the stream never saw (another tab's)
    if (stream && from === store && !(await behind(store)) && gen === generation) return stream;
    if (gen !== generation) return adopt(model, recent, null); // forgotten meanwhile: that store is gone
    building = true;
    try {
      await d.flush();
      await d.beforeRead?.(store);
      const stored = await store.getEvents({ limit: d.limit });
      // the first build from this store, from newest events that may not be all it holds: the older purchases too
      const older = from !== store && stored.length >= d.limit ? await olderPurchases(store, stored[0].ts) : [];
      // forgotten while reading: what was read stays out (the next call reads again)
      return gen === generation ? adopt(model, merge(stored), store, older) : adopt(model, recent, null);
    } finally {
      building = false;
    }
  };

  return {
    onEvent(e) {
      recent.push(e);
      if (recent.length > d.limit) recent.shift();
      if (!stream || building || seen.has(e.id)) return; // a rebuild in progress takes it from `recent`
      remember(e.id);
      const crossed = step(stream, e, sessionId);
      sessionId = e.sessionId;
      if (crossed) d.sessionEnded?.();
    },
    current: (model) => queue(() => refresh(model)),
    reset() {
      generation++;
      forgotAt = d.now();
      recent = [];
      stream = undefined;
      from = null;
      sessionId = undefined;
      seen.clear();
    },
  };
}
