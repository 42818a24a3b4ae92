/**
 * Event → feature vector, streaming: `encodeEvent(state, event)` returns the next state and the
 * model input for that event without re-reading the session. Pure: no tfjs, DOM or Node APIs.
 */
import { isEventType, type HunchEvent } from '../events.js';
import { FEATURE_DIM, featureIndex } from './spec.js';
import { initialFeatureState, STATE_MEMORY, type FeatureState } from './state.js';

/** The fields of an event the encoder reads (a {@link HunchEvent} fits). */
export type EncodableEvent = Pick<HunchEvent, 'type' | 'ts' | 'itemId' | 'categoryId' | 'price' | 'quantity' | 'dwellMs'>;

/** Result of {@link encodeEvent}. */
export interface Encoded {
  /** The state after this event (a new object; the input state is not changed). */
  state: FeatureState;
  /** Model input, length {@link FEATURE_DIM}; all zeros when `step` is false. */
  x: Float32Array;
  /**
   * Whether the event is a model step. `dwell` events are not: they only update the state
   * (their time shows up as `last_dwell` on the next step), so the runtime must not run the
   * model on them.
   */
  step: boolean;
}

const I = {
  browse: featureIndex('type_browse'),
  productView: featureIndex('type_product_view'),
  search: featureIndex('type_search'),
  add: featureIndex('type_add_to_cart'),
  remove: featureIndex('type_remove_from_cart'),
  checkout: featureIndex('type_begin_checkout'),
  purchase: featureIndex('type_purchase'),
  first: featureIndex('first_event'),
  gap: featureIndex('gap'),
  lastDwell: featureIndex('last_dwell'),
  position: featureIndex('position'),
  duration: featureIndex('duration'),
  meanGap: featureIndex('mean_gap'),
  itemSeen: featureIndex('item_seen'),
  itemViews: featureIndex('item_views'),
  sameItem: featureIndex('same_item'),
  sameCategory: featureIndex('same_category'),
  distinctItems: featureIndex('distinct_items'),
  repeatRatio: featureIndex('repeat_ratio'),
  distinctCategories: featureIndex('distinct_categories'),
  views: featureIndex('views'),
  adds: featureIndex('cart_adds'),
  removes: featureIndex('cart_removes'),
  cartSize: featureIndex('cart_size'),
  hasCart: featureIndex('has_cart'),
  itemInCart: featureIndex('item_in_cart'),
  cartRecency: featureIndex('cart_recency'),
  cartShare: featureIndex('cart_share'),
  checkoutSeen: featureIndex('checkout_seen'),
  relPrice: featureIndex('rel_price'),
  priceRank: featureIndex('price_rank'),
};

/** log1p(v) / log1p(cap), clipped to [0, 1.5]. */
function logScale(v: number, cap: number): number {
  return Math.min(1.5, Math.log1p(Math.max(0, v)) / Math.log1p(cap));
}

/** Appends `v` to a bounded recency list (moving it to the end if present). */
function remember<T>(list: T[], v: T): T[] {
  const out = list.filter((x) => x !== v);
  out.push(v);
  return out.length > STATE_MEMORY ? out.slice(out.length - STATE_MEMORY) : out;
}

/**
 * Checks that `event` can be encoded (what {@link encodeEvent} checks first; nothing else there throws).
 * @throws TypeError naming the field when the event is invalid
 */
export function validateEncodable(event: EncodableEvent): void {
  if (event === null || typeof event !== 'object') throw new TypeError('event: must be an object');
  if (event.type !== 'dwell' && !isEventType(event.type)) throw new TypeError(`event.type: unknown type "${String(event.type)}"`);
  if (typeof event.ts !== 'number' || !Number.isFinite(event.ts)) throw new TypeError('event.ts: must be a finite number (ms since the epoch)');
  if (event.price !== undefined && (typeof event.price !== 'number' || !Number.isFinite(event.price) || event.price < 0)) {
    throw new TypeError('event.price: must be a finite number ≥ 0');
  }
}

/**
 * Encodes one more event of a session. Pure: the input state is not mutated.
 * Events should arrive in time order; an earlier `ts` than the previous step counts as gap 0.
 * @param state the state after the session's previous events ({@link initialFeatureState} for a new session)
 * @param event the event (`dwell` events update the state only; see {@link Encoded.step})
 * @throws TypeError naming the field when the event is invalid
 */
export function encodeEvent(state: FeatureState, event: EncodableEvent): Encoded {
  validateEncodable(event);
  const x = new Float32Array(FEATURE_DIM);
  if (event.type === 'dwell') {
    const ms = typeof event.dwellMs === 'number' && Number.isFinite(event.dwellMs) ? Math.max(0, event.dwellMs) : 0;
    return { state: { ...state, lastDwellMs: ms }, x, step: false };
  }
  const s: FeatureState = { ...state };
  const type = event.type;
  const item = event.itemId ?? '';
  const category = event.categoryId ?? '';
  s.n = state.n + 1;
  const browse = type === 'page_view' || type === 'product_view' || type === 'search';

  x[I.browse] = browse ? 1 : 0;
  x[I.productView] = type === 'product_view' ? 1 : 0;
  x[I.search] = type === 'search' ? 1 : 0;
  x[I.add] = type === 'add_to_cart' ? 1 : 0;
  x[I.remove] = type === 'remove_from_cart' ? 1 : 0;
  x[I.checkout] = type === 'begin_checkout' ? 1 : 0;
  x[I.purchase] = type === 'purchase' ? 1 : 0;

  // Time
  s.firstTs = state.firstTs ?? event.ts;
  const gapS = state.lastTs === null ? 0 : Math.max(0, event.ts - state.lastTs) / 1000;
  s.lastTs = state.lastTs === null ? event.ts : Math.max(state.lastTs, event.ts);
  const durS = Math.max(0, s.lastTs - s.firstTs) / 1000;
  x[I.first] = state.n === 0 ? 1 : 0;
  x[I.gap] = logScale(gapS, 1800);
  x[I.lastDwell] = logScale(state.lastDwellMs / 1000, 600);
  x[I.position] = logScale(s.n, 50);
  x[I.duration] = logScale(durS, 3600);
  x[I.meanGap] = s.n > 1 ? logScale(durS / (s.n - 1), 1800) : 0;

  // Items and categories
  if (item) {
    const prev = state.items.find((e) => e[0] === item);
    const count = (prev ? prev[1] : 0) + 1;
    s.items = state.items.filter((e) => e[0] !== item).concat([[item, count]]);
    if (s.items.length > STATE_MEMORY) s.items = s.items.slice(s.items.length - STATE_MEMORY);
    s.itemEvents = state.itemEvents + 1;
    s.distinctItems = state.distinctItems + (prev ? 0 : 1);
    x[I.itemSeen] = prev ? 1 : 0;
    x[I.itemViews] = logScale(count, 10);
    x[I.sameItem] = item === state.lastItem ? 1 : 0;
  }
  if (category) {
    if (!state.categories.includes(category)) s.distinctCategories = state.distinctCategories + 1;
    s.categories = remember(state.categories, category);
    x[I.sameCategory] = category === state.lastCategory ? 1 : 0;
  }
  s.lastItem = item;
  s.lastCategory = category;
  x[I.distinctItems] = logScale(s.distinctItems, 50);
  x[I.repeatRatio] = s.itemEvents > 0 ? 1 - s.distinctItems / s.itemEvents : 0;
  x[I.distinctCategories] = logScale(s.distinctCategories, 20);

  // Cart
  const qty = typeof event.quantity === 'number' && event.quantity > 0 ? event.quantity : 1;
  if (browse) s.views = state.views + 1;
  if (type === 'add_to_cart') {
    s.adds = state.adds + 1;
    s.cartUnits = state.cartUnits + qty;
    s.lastAddStep = s.n;
    if (item) s.cartItems = remember(state.cartItems, item);
  } else if (type === 'remove_from_cart') {
    s.removes = state.removes + 1;
    s.cartUnits = Math.max(0, state.cartUnits - qty);
    if (item) s.cartItems = state.cartItems.filter((c) => c !== item);
  }
  if (type === 'begin_checkout') s.checkout = true;
  x[I.views] = logScale(s.views, 50);
  x[I.adds] = logScale(s.adds, 10);
  x[I.removes] = logScale(s.removes, 10);
  x[I.cartSize] = logScale(s.cartUnits, 10);
  x[I.hasCart] = s.cartUnits > 0 ? 1 : 0;
  x[I.itemInCart] = item && s.cartItems.includes(item) ? 1 : 0;
  x[I.cartRecency] = s.lastAddStep >= 0 ? 1 / (1 + s.n - s.lastAddStep) : 0;
  x[I.cartShare] = s.adds / s.n;
  x[I.checkoutSeen] = s.checkout ? 1 : 0;

  // Price, relative to the session's earlier prices
  x[I.priceRank] = 0.5;
  const price = event.price;
  if (typeof price === 'number' && price > 0) {
    if (state.prices.length > 0) {
      const logMean = state.prices.reduce((a, p) => a + Math.log(p), 0) / state.prices.length;
      x[I.relPrice] = Math.max(-1, Math.min(1, (Math.log(price) - logMean) / 3));
      x[I.priceRank] = state.prices.filter((p) => p < price).length / state.prices.length;
    }
    s.prices = state.prices.concat([price]);
    if (s.prices.length > STATE_MEMORY) s.prices = s.prices.slice(s.prices.length - STATE_MEMORY);
  }
  return { state: s, x, step: true };
}

/**
 * Encodes a whole session by folding {@link encodeEvent} over its events (so it equals streaming
 * exactly). Non-step events (`dwell`) update the state but produce no vector.
 * @returns one vector per model step, in order
 */
export function encodeSession(events: readonly EncodableEvent[]): Float32Array[] {
  let state = initialFeatureState();
  const out: Float32Array[] = [];
  for (const e of events) {
    const r = encodeEvent(state, e);
    state = r.state;
    if (r.step) out.push(r.x);
  }
  return out;
}
