/**
 * The feature spec: names, order and meaning of every model input. One list, used by the
 * encoder, the training tools and the model metadata. Bump {@link FEATURE_VERSION} whenever a
 * feature's meaning, scale or order changes: a model trained on another version must not load.
 *
 * All features are store-agnostic (no item or category ids enter the model, only whether ids
 * repeat) and scaled to roughly [0, 1] (relative price to [-1, 1]). Log scales use
 * `log1p(v) / log1p(cap)`, clipped at 1.5. Time features use differences of `ts` only, so they
 * do not depend on the machine's time zone.
 */

/** Version of the feature encoding. Stored in model metadata; the runtime refuses a mismatch. */
export const FEATURE_VERSION = 1;

/** Feature names in input order, each with its meaning. */
export const FEATURE_DOCS = [
  ['type_browse', '1 when the event is page_view, product_view or search (any browsing step).'],
  ['type_product_view', '1 when the event is a product_view (a browse with an item).'],
  ['type_search', '1 when the event is a search.'],
  ['type_add_to_cart', '1 when the event is add_to_cart.'],
  ['type_remove_from_cart', '1 when the event is remove_from_cart.'],
  ['type_begin_checkout', '1 when the event is begin_checkout.'],
  ['type_purchase', '1 when the event is a purchase (only after the prefix ends).'],
  ['first_event', '1 on the session\'s first step.'],
  ['gap', 'Time since the previous step: log1p(seconds) / log1p(1800); 0 on the first step.'],
  ['last_dwell', 'Visible time of the last page left (from dwell events): log1p(seconds) / log1p(600); 0 when none.'],
  ['position', 'Steps so far including this one: log1p(n) / log1p(50).'],
  ['duration', 'Seconds since the session\'s first step: log1p(s) / log1p(3600).'],
  ['mean_gap', 'Mean time between steps so far: log1p(duration / (n - 1)) / log1p(1800); 0 on the first step.'],
  ['item_seen', '1 when this event\'s item was already seen in the session (repeat view).'],
  ['item_views', 'Events on this item so far including this one: log1p(k) / log1p(10); 0 without an item.'],
  ['same_item', '1 when this event\'s item equals the previous step\'s item.'],
  ['same_category', '1 when this event\'s category equals the previous step\'s category (both known).'],
  ['distinct_items', 'Distinct items so far (an item is new when not among the last 32 remembered): log1p(d) / log1p(50).'],
  ['repeat_ratio', 'Share of item events that revisit an item: 1 - distinct / item events; 0 without items.'],
  ['distinct_categories', 'Distinct categories so far (new when not among the last 32 remembered): log1p(c) / log1p(20).'],
  ['views', 'Browse steps so far: log1p(v) / log1p(50).'],
  ['cart_adds', 'add_to_cart events so far: log1p(a) / log1p(10).'],
  ['cart_removes', 'remove_from_cart events so far: log1p(r) / log1p(10).'],
  ['cart_size', 'Items in the cart by this session\'s events (adds − removes, quantities counted, ≥ 0): log1p / log1p(10).'],
  ['has_cart', '1 when cart_size > 0.'],
  ['item_in_cart', '1 when this event\'s item was added to the cart in this session (and not removed).'],
  ['cart_recency', '1 / (1 + steps since the last add_to_cart); 0 when none.'],
  ['cart_share', 'add_to_cart events / steps so far.'],
  ['checkout_seen', '1 once begin_checkout happened in the session.'],
  ['rel_price', 'log(price / geometric mean of the session\'s prices so far) / 3, clipped to [-1, 1]; 0 without a price.'],
  ['price_rank', 'Share of the session\'s earlier prices below this price (0..1); 0.5 without a price or history.'],
] as const;

/** Feature names in input order. */
export const FEATURE_NAMES: readonly string[] = FEATURE_DOCS.map((d) => d[0]);

/** Number of model inputs per step. */
export const FEATURE_DIM = FEATURE_NAMES.length;

/** Index of a named feature (throws on an unknown name, so typos fail loudly). */
export function featureIndex(name: string): number {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new TypeError(`feature: unknown name "${name}"`);
  return i;
}
