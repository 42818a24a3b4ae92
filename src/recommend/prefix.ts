/**
 * Turns a shopper's history (current session events, plus items from past sessions) into the
 * weighted prefix the scorers read: recent, repeated and carted items weigh more; purchased
 * items are remembered so ranking can leave them out.
 */
import type { NextItemModel } from './model.js';

/** One history event. Only events with an `itemId` known to the model count. */
export interface RecEvent {
  /** Store item id. */
  itemId?: string;
  /**
   * Event type as tracked by hunch (default `product_view`): `add_to_cart` marks the item carted
   * (weight × cartWeight), `remove_from_cart` unmarks it, `purchase` marks it purchased.
   */
  type?: string;
}

/** History: the current session's events, oldest first, and optionally past sessions' events. */
export interface RecHistory {
  session: readonly RecEvent[];
  /** Events of earlier sessions, oldest first (weight × pastWeight). */
  past?: readonly RecEvent[];
  /**
   * Ids of items purchased earlier than `past` reaches (an iterable of strings; a stream keeps a
   * longer memory of purchases than of events): they count as purchased, nothing else.
   */
  purchased?: Iterable<string>;
}

/** The weighted prefix the scorers read. */
export interface WeightedPrefix {
  /** Distinct known item indices, least recent first. */
  items: number[];
  /** Weight of each entry of `items` (> 0). */
  weights: number[];
  /** Occurrences of each entry of `items` in the history. */
  counts: number[];
  /** Item events after the last occurrence of each entry of `items` (0 = the most recent). */
  sinceLast: number[];
  /** Current-session item indices in click order (known items only). */
  sequence: number[];
  /** Item indices purchased anywhere in the history. */
  purchased: Set<number>;
}

/**
 * Builds the weighted prefix. Weight of item i: exp(-(L - 1 - lastPos) / lambdaPos) ×
 * (1 + repeatCount × (occurrences - 1)) × (cartWeight if carted) × (pastWeight if only in past
 * sessions), where positions count item events over past then current events.
 * @throws TypeError when `history` is not an array or `{ session }`, or its `past` is not an
 *   array or its `purchased` not iterable.
 */
export function buildPrefix(model: NextItemModel, history: readonly RecEvent[] | RecHistory): WeightedPrefix {
  let session: readonly RecEvent[];
  let past: readonly RecEvent[];
  if (Array.isArray(history)) {
    session = history;
    past = [];
  } else if (history && Array.isArray((history as RecHistory).session)) {
    session = (history as RecHistory).session;
    past = (history as RecHistory).past ?? [];
    if (!Array.isArray(past)) throw new TypeError('history.past must be an array of events');
  } else {
    throw new TypeError('history must be an array of events or { session, past? }');
  }
  const p = model.params;
  const lastPos = new Map<number, number>();
  const count = new Map<number, number>();
  const carted = new Set<number>();
  const inSession = new Set<number>();
  const purchased = new Set<number>();
  const sequence: number[] = [];
  let pos = 0;
  const visit = (events: readonly RecEvent[], current: boolean): void => {
    for (const e of events) {
      if (!e || typeof e.itemId !== 'string') continue;
      const idx = model.indexOf.get(e.itemId);
      if (idx === undefined) continue;
      const type = e.type ?? 'product_view';
      if (type === 'purchase') purchased.add(idx);
      if (type === 'add_to_cart') carted.add(idx);
      else if (type === 'remove_from_cart') {
        carted.delete(idx);
        continue;
      }
      lastPos.set(idx, pos++);
      count.set(idx, (count.get(idx) ?? 0) + 1);
      if (current) {
        inSession.add(idx);
        sequence.push(idx);
      }
    }
  };
  const earlier = Array.isArray(history) ? undefined : (history as RecHistory).purchased;
  if (earlier !== undefined) {
    if (earlier === null || typeof earlier === 'string' || typeof (earlier as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new TypeError('history.purchased must be an iterable of item ids');
    }
    for (const id of earlier) {
      const idx = model.indexOf.get(id);
      if (idx !== undefined) purchased.add(idx);
    }
  }
  visit(past, false);
  visit(session, true);
  const entries = [...lastPos.entries()].sort((a, b) => a[1] - b[1]);
  const items: number[] = [];
  const weights: number[] = [];
  const counts: number[] = [];
  const sinceLast: number[] = [];
  for (const [idx, lp] of entries) {
    let w = Math.exp(-(pos - 1 - lp) / p.lambdaPos) * (1 + p.repeatCount * ((count.get(idx) ?? 1) - 1));
    if (carted.has(idx)) w *= p.cartWeight;
    if (!inSession.has(idx)) w *= p.pastWeight;
    if (w > 0) {
      items.push(idx);
      weights.push(w);
      counts.push(count.get(idx) ?? 1);
      sinceLast.push(pos - 1 - lp);
    }
  }
  return { items, weights, counts, sinceLast, sequence, purchased };
}
