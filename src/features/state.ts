/**
 * The streaming state carried between events: small, plain JSON (persisted in IndexedDB next to
 * the model's hidden state). Item and category memories are bounded, oldest dropped first.
 */

/** How many distinct items/categories/prices the state remembers (oldest dropped first). */
export const STATE_MEMORY = 32;

/** Carried feature state for one session. All fields are plain JSON. */
export interface FeatureState {
  /** Model steps so far (dwell events are not steps). */
  n: number;
  /** Time of the first step, ms since the epoch; null before it. */
  firstTs: number | null;
  /** Time of the last step, ms since the epoch; null before it. */
  lastTs: number | null;
  /** Visible ms of the last page left (from the latest dwell event); 0 when none. */
  lastDwellMs: number;
  /** Item and category of the last step ('' when none). */
  lastItem: string;
  lastCategory: string;
  /** Recent distinct items with their event counts: [itemId, count], most recent last. */
  items: Array<[string, number]>;
  /** Events that carried an item id. */
  itemEvents: number;
  /**
   * Distinct items seen. An item counts as new when it is not among the last 32 remembered in
   * `items`, so in a session of more than 32 distinct items a revisit of an early one counts again.
   */
  distinctItems: number;
  /** Recent distinct categories, most recent last. */
  categories: string[];
  /** Distinct categories seen (new when not among the last 32 remembered in `categories`). */
  distinctCategories: number;
  /** Browse steps (page_view, product_view, search). */
  views: number;
  /** add_to_cart / remove_from_cart event counts. */
  adds: number;
  removes: number;
  /** Units in the cart from this session's events (never below 0). */
  cartUnits: number;
  /** Item ids currently in the cart (bounded by memory). */
  cartItems: string[];
  /** Step count at the last add_to_cart; -1 when none. */
  lastAddStep: number;
  /** Whether begin_checkout happened. */
  checkout: boolean;
  /** Recent prices (bounded by memory), for relative price and rank. */
  prices: number[];
}

/** A fresh state for a new session. */
export function initialFeatureState(): FeatureState {
  return {
    n: 0,
    firstTs: null,
    lastTs: null,
    lastDwellMs: 0,
    lastItem: '',
    lastCategory: '',
    items: [],
    itemEvents: 0,
    distinctItems: 0,
    categories: [],
    distinctCategories: 0,
    views: 0,
    adds: 0,
    removes: 0,
    cartUnits: 0,
    cartItems: [],
    lastAddStep: -1,
    checkout: false,
    prices: [],
  };
}
