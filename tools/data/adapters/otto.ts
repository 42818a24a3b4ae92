/**
 * OTTO RecSys dataset, JSON lines: `{"session":n,"events":[{"aid","ts"(ms),"type"}]}`.
 * Types: `clicks` → product_view, `carts` → add_to_cart, `orders` → purchase. An OTTO "session"
 * spans weeks, so it is used as the user id and split on 30-minute gaps.
 */
import { textLines } from '../csv.js';
import { emptyStats, type NormalizedEvent, type ParseResult } from '../types.js';
import type { EventType } from '../../../src/events.js';

const TYPES: Record<string, EventType> = { clicks: 'product_view', carts: 'add_to_cart', orders: 'purchase' };

/** Parses OTTO JSON-lines text. Each bad line or bad event inside a line counts as one malformed row. */
export function parseOtto(text: string, store = 'otto'): ParseResult {
  const stats = emptyStats();
  const events: NormalizedEvent[] = [];
  let windowEndMs = -Infinity;
  // JSON lines, not CSV: a line break ends a record whatever quotes the line holds
  for (const line of textLines(text)) {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      stats.rows++;
      stats.malformed++;
      continue;
    }
    const o = obj as { session?: unknown; events?: unknown };
    if ((typeof o.session !== 'number' && typeof o.session !== 'string') || !Array.isArray(o.events)) {
      stats.rows++;
      stats.malformed++;
      continue;
    }
    for (const ev of o.events as Array<{ aid?: unknown; ts?: unknown; type?: unknown }>) {
      stats.rows++;
      const type = typeof ev?.type === 'string' ? TYPES[ev.type] : undefined;
      if (!type || typeof ev.ts !== 'number' || !Number.isFinite(ev.ts) || ev.aid === undefined) {
        stats.malformed++;
        continue;
      }
      events.push({ store, userId: String(o.session), sessionId: '', ts: ev.ts, type, itemId: String(ev.aid), categoryId: '' });
      if (ev.ts > windowEndMs) windowEndMs = ev.ts;
    }
  }
  return { events, stats, windowEndMs };
}
