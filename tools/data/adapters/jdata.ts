/**
 * JD.com JData 2017 action files. Header: `user_id,sku_id,time,model_id,type,cate,brand`; time
 * `2016-02-01 02:59:18` (Beijing time, read as UTC: only differences matter).
 * Type mapping: 1 browse → product_view; 2 add_to_cart → add_to_cart; 3 remove → remove_from_cart;
 * 4 order → purchase; 5 follow (wishlist, done on a product page) → product_view;
 * 6 click (in-page element clicks, logged alongside browses) → unmapped: hunch's capture has no
 * equivalent, and keeping them would make JD sessions look unlike any browser session.
 */
import { parseTime } from '../csv.js';
import { parseRows } from '../rows.js';
import type { ParseResult } from '../types.js';
import type { EventType } from '../../../src/events.js';

const TYPES: Record<string, EventType | 'unmapped'> = {
  '1': 'product_view',
  '2': 'add_to_cart',
  '3': 'remove_from_cart',
  '4': 'purchase',
  '5': 'product_view',
  '6': 'unmapped',
};

/** Parses one JData action CSV's text. Malformed rows are skipped and counted. */
export function parseJdata(text: string, store = 'jdata'): ParseResult {
  return parseRows(text, {
    minFields: 6,
    map: (f) => {
      const type = TYPES[f[4].trim()];
      const user = f[0].trim().replace(/\.0$/, '');
      if (!type || !user || !f[1]) return null;
      if (type === 'unmapped') return 'unmapped';
      return { store, userId: user, sessionId: '', ts: parseTime(f[2]), type, itemId: f[1], categoryId: f[5] };
    },
  });
}
