/**
 * What the CLIs tell a store about its own CSV (Node): the row and session counts on one line
 * each, and why a file gave nothing to learn from (a wrong header, every row malformed), so the
 * error names the cause instead of "no buying session".
 */
import type { ParseResult, ParseStats, SessionStats } from './types.js';

/** `1081 rows, 1 malformed skipped` (+ `, 5 unmapped`, `, prices unreadable: 3, kept without price` when not 0). */
export function parseSummary(p: ParseStats): string {
  return (
    `${p.rows} rows, ${p.malformed} malformed skipped` +
    (p.unmapped ? `, ${p.unmapped} unmapped` : '') +
    (p.priceUnreadable ? `, prices unreadable: ${p.priceUnreadable}, kept without price` : '')
  );
}

/** `120 sessions: 1 cut off by the end of the file (0 of them buying), 0 starting with a purchase; 119 kept, 30 buying`. */
export function sessionSummary(s: SessionStats): string {
  return `${s.sessions} sessions: ${s.cutOff} cut off by the end of the file (${s.cutOffWithPurchase} of them buying), ${s.emptyPrefix} starting with a purchase; ${s.kept} kept, ${s.positives} buying`;
}

/** The counts of one store as the intent CLIs print them on stderr (one line, ending in a line break). */
export function storeSummary(d: { store: string; parse: ParseStats; sessionStats: SessionStats }): string {
  return `${d.store}: ${parseSummary(d.parse)}; ${sessionSummary(d.sessionStats)}\n`;
}

/** The generic CSV's columns, for the messages. */
const COLUMNS = 'timestamp,user_id,session_id,event_type,item_id,category_id,price';

/** What was read of a file: its counts, and what went wrong with it (see {@link ParseResult}). */
export type FileRead = { parse: ParseStats } & Pick<ParseResult, 'firstMalformed' | 'missingColumns' | 'columns'>;

/**
 * Why a store's generic CSV gave no event at all, in words for the CLI, or `undefined` when some
 * row was read: the header lacks a required column (naming them, and the separator when the
 * header reads as one column holding `;`, a tab or `|`), the file has no data row, or every row
 * is malformed (showing the first one and what a row needs).
 * @param file the path as given, for the message
 * @param r what was read of that file (`loadGenericCsv`'s or `readStoreSessions`' result)
 */
export function csvProblem(file: string, r: FileRead): string | undefined {
  const stats = r.parse;
  if (r.columns?.length === 0) return `${file}: empty (no header, no rows)`;
  if (r.missingColumns?.length) {
    const cols = r.columns ?? [];
    const sep = cols.length === 1 ? [';', '\t', '|'].find((c) => cols[0].includes(c)) : undefined;
    return (
      `${file}: the header lacks ${r.missingColumns.join(', ')}, so all ${stats.rows} rows are unreadable (it reads as ${cols.length} column${cols.length === 1 ? '' : 's'}: ${cols.map((c) => JSON.stringify(c)).join(', ')})` +
      (sep ? `; the file looks separated by ${JSON.stringify(sep)}, the generic CSV by commas` : '') +
      `; the first line must be a header like ${COLUMNS}`
    );
  }
  if (stats.rows === 0) return `${file}: no data rows (an empty file, or a header only)`;
  if (stats.malformed + stats.unmapped < stats.rows) return undefined;
  const first = r.firstMalformed ? ` (row ${r.firstMalformed.row}: ${JSON.stringify(r.firstMalformed.text)})` : '';
  return (
    `${file}: all ${stats.rows} rows are malformed${first}; a row needs a timestamp in ISO 8601 (2024-05-01T10:00:00Z, 2024-05-01 10:00:00+02) or epoch digits, ` +
    'a user_id and an event_type of hunch (product_view, add_to_cart, purchase, … or view, cart, order)'
  );
}
