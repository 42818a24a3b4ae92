/**
 * Streaming wrapper: carries the shopper's session events as they arrive (bounded), so the
 * runtime can call `push(event)` per tracked event and `rank()` whenever it needs a list.
 * Ranking a pushed sequence gives exactly what `rank(model, events)` gives for it.
 */
import type { NextItemModel } from './model.js';
import type { RecEvent } from './prefix.js';
import { rank, type RankOptions, type Recommendation } from './rank.js';

/** Carried per-session recommendation state. */
export interface RecommendStream {
  /** Adds one event of the current session (events without `itemId` are ignored). */
  push(event: RecEvent): void;
  /** Starts a new session: current events move to the past (bounded too). */
  newSession(): void;
  /** Ranks from the carried events; same options as {@link rank}. */
  rank(options?: RankOptions): Recommendation[];
  /** Current session events held (oldest first), for inspection. */
  readonly session: readonly RecEvent[];
  /** The purchased item ids remembered (oldest first), at most {@link STREAM_PURCHASES}. */
  readonly purchased: ReadonlySet<string>;
}

/** Purchased item ids a stream remembers (most recent purchases kept), beyond its event lists. */
export const STREAM_PURCHASES = 2000;

/**
 * Creates a stream over `model`.
 * @param maxEvents events kept per list (current and past), oldest dropped first; integer
 *   1..10,000, default 200. Item weights decay with recency, so older events barely count; but
 *   the ids of the last {@link STREAM_PURCHASES} purchased items are kept apart, so a purchase
 *   that fell out of the lists is still left out of the ranking.
 * @param purchasedBefore purchased ids to remember from the start (oldest first), e.g. those of a
 *   stream this one replaces when the history is rebuilt, so older purchases stay left out.
 * @throws TypeError when `maxEvents` is out of range.
 */
export function createRecommendStream(model: NextItemModel, maxEvents = 200, purchasedBefore: Iterable<string> = []): RecommendStream {
  if (!Number.isInteger(maxEvents) || maxEvents < 1 || maxEvents > 10_000) {
    throw new TypeError('maxEvents must be an integer in 1..10000');
  }
  const session: RecEvent[] = [];
  const past: RecEvent[] = [];
  const purchased = new Set<string>(); // insertion order = purchase order, oldest first
  const bought = (itemId: string) => {
    purchased.delete(itemId);
    purchased.add(itemId);
    if (purchased.size > STREAM_PURCHASES) purchased.delete(purchased.values().next().value as string);
  };
  for (const id of purchasedBefore) bought(id);
  const bound = (list: RecEvent[]): void => {
    if (list.length > maxEvents) list.splice(0, list.length - maxEvents);
  };
  return {
    session,
    purchased,
    push(event) {
      if (!event || typeof event.itemId !== 'string') return;
      session.push({ itemId: event.itemId, type: event.type });
      bound(session);
      if (event.type === 'purchase') bought(event.itemId);
    },
    newSession() {
      past.push(...session);
      session.length = 0;
      bound(past);
    },
    rank(options) {
      return rank(model, { session, past, purchased }, options);
    },
  };
}
