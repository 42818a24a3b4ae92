/**
 * The generic CSV a store can export from its own logs to train and evaluate with the same CLIs.
 *
 * Format (first line is this header; column order may differ, extra columns are ignored):
 * ```
 * timestamp,user_id,session_id,event_type,item_id,category_id,price
 * 2024-05-01T10:00:00Z,u1,,product_view,sku-1,shoes,59.90
 * 1714557660000,u1,,add_to_cart,sku-1,shoes,59.90
 * ```
 * - `timestamp`: ISO 8601 (no zone = UTC; zones `Z`, `±hh:mm`, `±hhmm`, `±hh` as PostgreSQL writes
 *   them) or epoch milliseconds (epoch seconds also accepted).
 * - `user_id`: required. `session_id`: optional; when empty, sessions are the user's events
 *   split on 30-minute gaps (sessions given are split on gaps too, like the browser does).
 * - `event_type`: one of hunch's types (`page_view, product_view, search, add_to_cart,
 *   remove_from_cart, begin_checkout, purchase`); also `view`, `cart`, `order` as aliases.
 * - `item_id`, `category_id`: optional strings. `price`: optional number ≥ 0 with a `.` decimal
 *   point (`12.50`); a price that is not one (`12,50`, `$12.50`) is dropped, the row kept and
 *   counted (`priceUnreadable`), so a purchase never goes missing for its price.
 * - Fields may be double-quoted (RFC 4180: a quoted field holds commas, line breaks and `""` for a
 *   quote); a `"` inside an unquoted field is data (`TV 55"`). Lines end with `\r\n`, `\n` or `\r`.
 * Rows with a bad time, unknown type or missing user are skipped and counted malformed.
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
 * yields no events, counts every row malformed and names them in `missingColumns` (with the
 * header's `columns` as read).
 * @param store store name written on each event (default `generic`)
 */
export function parseGeneric(text: string, store = 'generic'): ParseResult {
  const all = lines(text);
  const header = (all.length ? splitCsvLine(all[0]) ?? [] : []).map((h) => h.trim().toLowerCase());
  const col = (name: string): number => header.indexOf(name);
  const missing = REQUIRED.filter((n) => col(n) < 0);
  if (missing.length) {
    const stats = emptyStats();
    stats.rows = stats.malformed = Math.max(0, all.length - 1);
    return { events: [], stats, windowEndMs: -Infinity, missingColumns: missing, columns: header };
  }
  const [iTs, iUser, iSess, iType, iItem, iCat, iPrice] = [
    'timestamp', 'user_id', 'session_id', 'event_type', 'item_id', 'category_id', 'price',
  ].map(col);
  const get = (f: string[], i: number): string => (i >= 0 ? (f[i] ?? '').trim() : '');
  let priceUnreadable = 0;
  const r = parseRows(text, {
    minFields: Math.max(iTs, iUser, iType) + 1,
    map: (f) => {
      const raw = get(f, iType).toLowerCase();
      const type = isEventType(raw) ? raw : ALIASES[raw];
      const userId = get(f, iUser);
      const ts = parseTime(get(f, iTs));
      if (!type || !userId || !Number.isFinite(ts)) return null;
      let price = parsePrice(get(f, iPrice));
      if (Number.isNaN(price)) {
        price = undefined;
        priceUnreadable++;
      }
      return { store, userId, sessionId: get(f, iSess), ts, type, itemId: get(f, iItem), categoryId: get(f, iCat), price };
    },
  });
  if (priceUnreadable) r.stats.priceUnreadable = priceUnreadable; // absent when none (the other adapters' shape)
  return r;
}
