/**
 * A store's own sessions for `train:next-item`: either a sessions file in the format of the
 * shared splits (one session a line, item ids separated by whitespace, oldest session first), or
 * the generic event CSV the intent CLIs read (`tools/data/adapters/generic.ts`).
 *
 * From the CSV, a session is what the browser's ranker sees of a visit: the item ids of its
 * events in time order, every type except `remove_from_cart` (`src/recommend/prefix.ts` skips
 * removes too), split like the browser (30-minute gaps, and the CSV's own `session_id` when it
 * has one). Sessions are ordered by their first event, so `splitValidation` holds out the newest.
 * Sessions with fewer than 2 items are left out (they hold no transition, as in the shared
 * splits' preprocessing). A row whose item id holds a line break (a quoted field may) is counted
 * malformed: the artifact stores ids one a line and refuses such an id.
 */
import { readFileSync } from 'node:fs';
import { parseGeneric } from '../data/adapters/generic.js';
import { splitSessions } from '../data/sessionize.js';
import type { FileRead } from '../data/summary.js';
import type { NormalizedEvent, ParseStats } from '../data/types.js';
import { parseSessions } from './data.js';

/** Sessions read from a store's file, with what was left out. */
export interface StoreSessions {
  /** Item-id sessions, oldest first. */
  sessions: string[][];
  /** Sessions left out because they had fewer than 2 items. */
  short: number;
  /** The CSV's row counts (absent for a sessions file). */
  parse?: ParseStats;
  /** What went wrong with the CSV (absent for a sessions file): see `csvProblem`. */
  read?: FileRead;
}

/** Item-id sessions of normalized events (see the module comment for the rules). */
export function itemSessions(events: readonly NormalizedEvent[]): { sessions: string[][]; short: number } {
  const parts = splitSessions(events)
    .map((part) => ({ start: part[0].ts, items: part.filter((e) => e.itemId && e.type !== 'remove_from_cart').map((e) => e.itemId) }))
    .sort((a, b) => a.start - b.start);
  const sessions = parts.filter((p) => p.items.length >= 2).map((p) => p.items);
  return { sessions, short: parts.length - sessions.length };
}

/**
 * Reads a store's sessions from a generic CSV or a sessions file.
 * @param path file path
 * @param format `csv` (generic event CSV) or `sessions` (one session of item ids a line)
 */
export function readStoreSessions(path: string, format: 'csv' | 'sessions'): StoreSessions {
  const text = readFileSync(path, 'utf8');
  if (format === 'csv') {
    const { events, stats, windowEndMs: _, ...problems } = parseGeneric(text);
    const kept = events.filter((e) => !e.itemId.includes('\n'));
    const parse = { ...stats, malformed: stats.malformed + events.length - kept.length };
    return { ...itemSessions(kept), parse, read: { parse, ...problems } };
  }
  const all = parseSessions(text);
  const sessions = all.filter((s) => s.length >= 2);
  return { sessions, short: all.length - sessions.length };
}
