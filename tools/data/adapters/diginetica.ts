/**
 * DIGINETICA (CIKM Cup 2016), `;`-separated.
 * Views: `session_id;user_id;item_id;timeframe;eventdate` → product_view (the only type: this
 * source has no carts). Purchases: `sessionId;userId;timeframe;eventdate;ordernumber;itemId` →
 * purchase, kept only for sessions present in the views file (others are counted `unmapped`).
 * Optional categories: `itemId;categoryId`. Time = `eventdate` (UTC midnight) + `timeframe` (ms
 * since the session's start). `user_id` `NA` (anonymous) → the session id stands for the user.
 * Sessions are complete in the source, so none is cut off (`windowEndMs` = -Infinity), and the
 * source's session ids are authoritative: a purchase's `timeframe` is often hours after the
 * views, so the 30-minute split must not be applied (load with `gapMs: Infinity`).
 */
import { lines, parseTime, splitCsvLine } from '../csv.js';
import { parseRows } from '../rows.js';
import type { NormalizedEvent, ParseResult } from '../types.js';

/** File contents for {@link parseDiginetica}. */
export interface DigineticaFiles {
  views: string;
  purchases: string;
  /** `itemId;categoryId` map (optional). */
  categories?: string;
}

function user(u: string, session: string): string {
  const t = u.trim();
  return t === '' || t === 'NA' ? `s${session}` : t;
}

function time(date: string, offset: string): number {
  if (!/^\d+$/.test(offset.trim())) return NaN;
  return parseTime(date) + Number(offset);
}

/** Parses the DIGINETICA view, purchase and category files. Malformed rows are skipped and counted. */
export function parseDiginetica(files: DigineticaFiles, store = 'diginetica'): ParseResult {
  const cats = new Map<string, string>();
  if (files.categories) {
    for (const l of lines(files.categories, ';').slice(1)) {
      const f = splitCsvLine(l, ';');
      if (f && f.length >= 2) cats.set(f[0], f[1]);
    }
  }
  const views = parseRows(files.views, {
    sep: ';',
    minFields: 5,
    map: (f): NormalizedEvent | null =>
      !f[0] || !f[2]
        ? null
        : { store, userId: user(f[1], f[0]), sessionId: f[0], ts: time(f[4], f[3]), type: 'product_view', itemId: f[2], categoryId: cats.get(f[2]) ?? '' },
  });
  // Purchases often name the user where the views say NA: the views' user owns the session.
  const sessions = new Map(views.events.map((e) => [e.sessionId, e.userId]));
  const purchases = parseRows(files.purchases, {
    sep: ';',
    minFields: 6,
    map: (f) => {
      if (!f[0] || !f[5]) return null;
      const owner = sessions.get(f[0]);
      if (owner === undefined) return 'unmapped';
      return { store, userId: owner, sessionId: f[0], ts: time(f[3], f[2]), type: 'purchase', itemId: f[5], categoryId: cats.get(f[5]) ?? '' };
    },
  });
  const s = views.stats;
  const p = purchases.stats;
  return {
    events: views.events.concat(purchases.events),
    stats: { rows: s.rows + p.rows, malformed: s.malformed + p.malformed, unmapped: s.unmapped + p.unmapped },
    windowEndMs: -Infinity,
  };
}
