/** Converts normalized events to the browser's stored-event shape, so features see the same input. */
import type { HunchEvent } from '../../src/events.js';
import type { NormalizedEvent } from './types.js';

/**
 * Maps a session's normalized events to {@link HunchEvent}s (ids `<sessionId>-<i>`; empty item
 * and category ids become absent, as in the browser).
 */
export function toHunchEvents(events: readonly NormalizedEvent[]): HunchEvent[] {
  return events.map((e, i) => {
    const h: HunchEvent = { id: `${e.sessionId}-${i}`, type: e.type, ts: e.ts, sessionId: e.sessionId };
    if (e.itemId) h.itemId = e.itemId;
    if (e.categoryId) h.categoryId = e.categoryId;
    if (e.price !== undefined) h.price = e.price;
    return h;
  });
}
