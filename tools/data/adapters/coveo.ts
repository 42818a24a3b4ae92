/**
 * Coveo SIGIR eCom 2021 browsing sample (and the older `nature2020` sample, same columns):
 * `session_id_hash,event_type,product_action,product_sku_hash,server_timestamp_epoch_ms,hashed_url`.
 * `product_action`: `detail` → product_view, `add` → add_to_cart, `remove` → remove_from_cart,
 * `purchase` → purchase; a `pageview` with no action → page_view; other actions (`click`,
 * `impression`, …) are unmapped. Sessions have no user, so the session hash stands for it.
 */
import { parseTime } from '../csv.js';
import { parseRows } from '../rows.js';
import type { ParseResult } from '../types.js';
import type { EventType } from '../../../src/events.js';

const ACTIONS: Record<string, EventType> = {
  detail: 'product_view',
  add: 'add_to_cart',
  remove: 'remove_from_cart',
  purchase: 'purchase',
};

/** Parses a Coveo browsing CSV's text. Malformed rows are skipped and counted. */
export function parseCoveo(text: string, store = 'coveo'): ParseResult {
  return parseRows(text, {
    minFields: 5,
    map: (f) => {
      if (!f[0] || !/^\d+$/.test(f[4].trim())) return null;
      const action = f[2].trim();
      let type: EventType | undefined = ACTIONS[action];
      if (!type && action === '' && f[1] === 'pageview') type = 'page_view';
      if (!type) return action === '' && f[1] !== 'pageview' ? null : 'unmapped';
      return { store, userId: f[0], sessionId: f[0], ts: parseTime(f[4]), type, itemId: f[3], categoryId: '' };
    },
  });
}
