/**
 * Taobao UserBehavior (Tianchi). No header: `user_id,item_id,category_id,behavior,unix_ts`
 * (seconds). Behaviors: `pv` → product_view, `cart` → add_to_cart, `fav` (favourite, done on a
 * product page) → product_view, `buy` → purchase.
 */
import { parseTime } from '../csv.js';
import { parseRows } from '../rows.js';
import type { ParseResult } from '../types.js';
import type { EventType } from '../../../src/events.js';

const TYPES: Record<string, EventType> = { pv: 'product_view', cart: 'add_to_cart', fav: 'product_view', buy: 'purchase' };

/** Parses a Taobao UserBehavior CSV's text. Malformed rows are skipped and counted. */
export function parseTaobao(text: string, store = 'taobao'): ParseResult {
  return parseRows(text, {
    header: false,
    minFields: 5,
    map: (f) => {
      const type = TYPES[f[3].trim()];
      if (!type || !f[0] || !/^\d+$/.test(f[4].trim())) return null;
      return { store, userId: f[0], sessionId: '', ts: parseTime(f[4]), type, itemId: f[1], categoryId: f[2] };
    },
  });
}
