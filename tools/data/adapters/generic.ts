/**
 * The generic CSV a store can export from its own logs to train and evaluate with the same CLIs.
 *
 * Format (first line is this header; column order may differ, extra columns are ignored):
 * ```
 * timestamp,user_id,session_id,event_type,item_id,category_id,price
 * 2024-05-01T10:00:00Z,u1,,product_view,sku-1,shoes,59.90
 * 1714557660000,u1,,add_to_cart,sku-1,shoes,59.90
 * ```
 * - `timestamp`: ISO 8601 (no zone = UTC) or epoch milliseconds (epoch seconds also accepted).
 * - `user_id`: required. `session_id`: optional; when empty, sessions are the user's events
 *   split on 30-minute gaps (sessions given are split on gaps too, like the browser does).
 * - `event_type`: one of hunch's types (`page_view, product_view, search, add_to_cart,
 *   remove_from_cart, begin_checkout, purchase`); also `view`, `cart`, `order` as aliases.
 * - `item_id`, `category_id`: optional strings. `price`: optional number ≥ 0.
 * - Fields may be double-quoted (RFC 4180: a quoted field holds commas, line breaks and `""` for a
 *   quote); a `"` inside an unquoted field is data (`TV 55"`). Lines end with `\r\n`, `\n` or `\r`.
 * Rows with a bad time, unknown type, missing user or bad price are skipped and counted.
 * The time window ends at the latest timestamp in the file (sessions near it are cut off).
 */
import { isEventType, type EventType } from '../../../src/events.js';
import { lines, parsePrice, parseTime, splitCsvLine } from '../csv.js';
import { parseRows } from '../rows.js';
import { emptyStats, type ParseResult } from '../types.js';

const ALIASES: Record<string, EventType> = { view: 'product_view', cart: 'add_to_cart', order: 'purchase' };
const REQUIRED = ['timestamp', 'user_id', 'event_type'] as const;

/**
 * Parses the generic CSV. A file whose header lacks `timestamp`, `user_id` or `event_type`
 * yields no events and counts every row malformed.
 * @param store store name written on each event (default `generic`)
 */
export function parseGeneric(text: string, store = 'generic'): ParseResult {
  const all = lines(text);
  const header = (all.length ? splitCsvLine(all[0]) ?? [] : []).map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  if (REQUIRED.some((n) => col(n) < 0)) {
    const stats = emptyStats();
    stats.rows = stats.malformed = Math.max(0, all.length - 1);
    return { events: [], stats, windowEndMs: -Infinity };
  }
  const [iTs, iUser, iSess, iType, iItem, iCat, iPrice] = [
    'timestamp', 'user_id', 'session_id', 'event_type', 'item_id', 'category_id', 'price',
  ].map(col);
  const get = (f: string[], i: number): string => (i >= 0 ? (f[i] ?? '').trim() : '');
  return parseRows(text, {
    minFields: Math.max(iTs, iUser, iType) + 1,
    map: (f) => {
      const raw = get(f, iType).toLowerCase();
      const type = isEventType(raw) ? raw : ALIASES[raw];
      const price = parsePrice(get(f, iPrice));
      const userId = get(f, iUser);
      if (!type || !userId || Number.isNaN(price)) return null;
      return { store, userId, sessionId: get(f, iSess), ts: parseTime(get(f, iTs)), type, itemId: get(f, iItem), categoryId: get(f, iCat), price };
    },
  });
}
