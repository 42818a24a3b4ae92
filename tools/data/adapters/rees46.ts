/**
 * REES46 "eCommerce behavior data from multi category store" (Kaggle).
 * Header: `event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session`;
 * time `2019-10-01 00:00:00 UTC`. Types: `view` → product_view, `cart` → add_to_cart,
 * `remove_from_cart` → remove_from_cart, `purchase` → purchase. The native `user_session` is kept
 * as the session key (then split on 30-minute gaps).
 */
import { parsePrice, parseTime } from '../csv.js';
import { parseRows } from '../rows.js';
import type { ParseResult } from '../types.js';
import type { EventType } from '../../../src/events.js';

const TYPES: Record<string, EventType> = {
  view: 'product_view',
  cart: 'add_to_cart',
  remove_from_cart: 'remove_from_cart',
  purchase: 'purchase',
};

/** Parses a REES46 CSV file's text. Malformed rows are skipped and counted. */
export function parseRees46(text: string, store = 'rees46'): ParseResult {
  return parseRows(text, {
    minFields: 9,
    map: (f) => {
      const type = TYPES[f[1]];
      const price = parsePrice(f[6]);
      if (!type || !f[7] || Number.isNaN(price)) return null;
      return { store, userId: f[7], sessionId: f[8], ts: parseTime(f[0]), type, itemId: f[2], categoryId: f[3], price };
    },
  });
}
