/**
 * Event types and the record shape hunch stores. This is the one place that lists them:
 * capture, the store, feature encoding and the Node data adapters all import from here.
 */

/** Event types accepted by `hunch.track()`. */
export const EVENT_TYPES = [
  'page_view',
  'product_view',
  'search',
  'add_to_cart',
  'remove_from_cart',
  'begin_checkout',
  'purchase',
] as const;

/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Internal event type written by auto-capture when a page is left: `dwellMs` holds the visible
 * time on that page. It is not accepted by `track()`.
 */
export type InternalEventType = 'dwell';

/** Any type a stored event can have. */
export type StoredEventType = EventType | InternalEventType;

/**
 * Optional properties of an event, as stored. All strings are scrubbed of PII before storage.
 * `track()` takes {@link TrackProps} (numeric ids allowed).
 */
export interface EventProps {
  /** Store's item id (SKU). ≤ 256 chars. */
  itemId?: string;
  /** Store's category id or path. ≤ 256 chars. */
  categoryId?: string;
  /** Unit price in the store's currency; finite, 0..1e9. */
  price?: number;
  /** Item count; integer 1..10,000 (default 1 for cart events when omitted). */
  quantity?: number;
  /** Search query text. ≤ 256 chars. */
  query?: string;
  /** Page URL, ≤ 2,048 chars; query-string values are removed before storage. */
  url?: string;
}

/**
 * What `hunch.track()` accepts: {@link EventProps}, except that `itemId` and `categoryId` may
 * also be finite numbers, stored as `String(n)` (`12345` → `'12345'`), so {@link HunchEvent} and
 * `recommend()` always hold strings.
 */
export interface TrackProps extends Omit<EventProps, 'itemId' | 'categoryId'> {
  /** Store's item id (SKU): a string (≤ 256 chars) or a finite number, stored as a string. */
  itemId?: string | number;
  /** Store's category id or path: a string (≤ 256 chars) or a finite number, stored as a string. */
  categoryId?: string | number;
}

/**
 * An event as stored in IndexedDB and returned by `export()` (plain copies). The one `on('event')`
 * delivers is frozen, as the store and the intent model share it: typed `Readonly` there.
 */
export interface HunchEvent extends EventProps {
  /** Unique id: `<tabId>-<counter>`; unique across tabs, so concurrent tabs never collide. */
  id: string;
  /** What happened: a {@link EventType}, or `'dwell'` written by auto-capture. */
  type: StoredEventType;
  /** Time of the event, ms since the Unix epoch. */
  ts: number;
  /** Session the event belongs to (see `sessionTimeoutMinutes`). */
  sessionId: string;
  /** Only on `dwell` events: visible time on the page, in ms. */
  dwellMs?: number;
}

/** Returns true when `t` is one of the public {@link EVENT_TYPES}. */
export function isEventType(t: unknown): t is EventType {
  return typeof t === 'string' && (EVENT_TYPES as readonly string[]).includes(t);
}
