/** The loop every line-based adapter shares: split, map, count malformed and unmapped rows. */
import { lines, splitCsvLine } from './csv.js';
import { emptyStats, type NormalizedEvent, type ParseResult } from './types.js';

/** What a row mapper returns: an event, `'unmapped'` (valid but dropped by design) or `null` (malformed). */
export type RowOutcome = NormalizedEvent | 'unmapped' | null;

/** Options for {@link parseRows}. */
export interface RowParseOptions {
  /** Field separator (default `,`). */
  sep?: string;
  /** Whether the first line is a header to skip (default true). */
  header?: boolean;
  /** Minimum number of fields a row must have; fewer → malformed. */
  minFields: number;
  /** Maps one row's fields to an event, `'unmapped'` or `null`. */
  map: (fields: string[]) => RowOutcome;
}

/**
 * Parses line-based text with a per-row mapper. Never throws on bad rows: rows that fail to
 * split, have too few fields, or make the mapper return `null` or throw are counted malformed.
 * Events with a non-finite time are counted malformed too. The first malformed row is returned
 * as `firstMalformed` (absent when none).
 */
export function parseRows(text: string, opts: RowParseOptions): ParseResult {
  const stats = emptyStats();
  const events: NormalizedEvent[] = [];
  let windowEndMs = -Infinity;
  let firstMalformed: ParseResult['firstMalformed'];
  const malformed = (i: number): void => {
    stats.malformed++;
    firstMalformed ??= { row: stats.rows, text: all[i].slice(0, 200) };
  };
  const all = lines(text, opts.sep ?? ',');
  for (let i = opts.header === false ? 0 : 1; i < all.length; i++) {
    stats.rows++;
    const fields = splitCsvLine(all[i], opts.sep ?? ',');
    if (!fields || fields.length < opts.minFields) {
      malformed(i);
      continue;
    }
    let out: RowOutcome;
    try {
      out = opts.map(fields);
    } catch {
      out = null;
    }
    if (out === 'unmapped') stats.unmapped++;
    else if (out === null || !Number.isFinite(out.ts)) malformed(i);
    else {
      events.push(out);
      if (out.ts > windowEndMs) windowEndMs = out.ts;
    }
  }
  return firstMalformed ? { events, stats, windowEndMs, firstMalformed } : { events, stats, windowEndMs };
}
