/**
 * Minimal CSV helpers for the dataset adapters: no dependency, RFC 4180 records (quoted fields
 * may hold the separator, `""` escapes and line breaks), read leniently.
 */

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** One record found by {@link scanRecord}. */
interface Scanned {
  /** The fields, or `null` when a quoted field is never closed. */
  fields: string[] | null;
  /** Index just past the record's last character (its line break excluded). */
  end: number;
  /** Index where the next record starts (past the line break). */
  next: number;
}

/** Index just past the line break at `i` (`\r\n` counts as one). */
const pastBreak = (text: string, i: number): number => (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? i + 2 : i + 1);

/** Index of the first line break (`\n` or `\r`) at or after `from` and before `to`, or `to` (default: `text.length`). */
function nextBreak(text: string, from: number, to = text.length): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return i;
  }
  return to;
}

/**
 * Line breaks a quoted field may hold. Past them its quote is taken as a stray one (never
 * closed): otherwise a field opened by mistake ran on to the next `"` anywhere in the file (a
 * `TV 55"` 1,000 rows later), swallowing every row in between into one field, uncounted.
 * Event logs' fields are ids, types, times and prices; a product name or address with a few
 * line breaks still reads as one field.
 */
export const MAX_QUOTED_BREAKS = 8;

/** Index of the line break that is one more than {@link MAX_QUOTED_BREAKS} after `from`, or `text.length`. */
function breakLimit(text: string, from: number): number {
  let i = from;
  for (let n = 0; n <= MAX_QUOTED_BREAKS && i < text.length; n++) i = pastBreak(text, nextBreak(text, i));
  return i;
}

/**
 * Scans one record of `text` from `start`. Fields are separated by `sep`. A field whose first
 * character is `"` is quoted: it runs to the next `"` that is not doubled (`""` reads as one
 * quote) and may hold `sep` and line breaks; anything after its closing quote, up to the
 * separator, is kept as written (`"ab"c` → `abc`). A `"` anywhere else is an ordinary character
 * (`TV 55"`, `ab"c"d` are read as written). With `breaks`, a line break outside quotes (`\r\n`,
 * `\n` or a lone `\r`) ends the record; without it, the record runs to the end of `text`.
 * A quoted field never closed, or not within {@link MAX_QUOTED_BREAKS} line breaks, makes the
 * record malformed (`fields` null), and it then ends at the line break after that quote, so one
 * stray quote loses one line, not the rest of the file.
 */
function scanRecord(text: string, start: number, sep: string, breaks: boolean): Scanned {
  const sepCode = sep.charCodeAt(0);
  const fields: string[] = [];
  let i = start;
  for (;;) {
    let field = '';
    if (text.charCodeAt(i) === QUOTE) {
      const open = i;
      // where the quote is taken as a stray one: worked out only once the field runs past its own
      // line (most fields close on it, and looking 9 line breaks ahead for each cost 4-28x)
      let limit = Infinity;
      let oneLine = breaks;
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (oneLine && q >= 0 && nextBreak(text, from, q) < q) {
          oneLine = false;
          limit = breakLimit(text, open);
        }
        if (q < 0 || q >= limit) {
          const end = breaks ? nextBreak(text, open) : text.length;
          return { fields: null, end, next: end < text.length ? pastBreak(text, end) : end };
        }
        field += text.slice(from, q);
        if (text.charCodeAt(q + 1) !== QUOTE) {
          i = q + 1;
          break;
        }
        field += '"';
        from = q + 2;
      }
    }
    const from = i;
    let c = NaN;
    for (; i < text.length; i++) {
      c = text.charCodeAt(i);
      if (c === sepCode || (breaks && (c === LF || c === CR))) break;
    }
    fields.push(from === i ? field : field + text.slice(from, i));
    if (i >= text.length) return { fields, end: i, next: i };
    if (c !== sepCode) return { fields, end: i, next: pastBreak(text, i) };
    i++;
  }
}

/**
 * Splits one CSV record into fields (see {@link lines} for the quoting rules: a field quoted from
 * its first character may hold the separator, line breaks and `""` escapes; a `"` elsewhere is an
 * ordinary character). A record with a quoted field never closed returns `null` (the caller
 * counts it malformed).
 * @param line one record, as {@link lines} returns it, without its line break
 * @param sep field separator, one character (default `,`)
 */
export function splitCsvLine(line: string, sep = ','): string[] | null {
  if (!line.includes('"')) return line.split(sep);
  return scanRecord(line, 0, sep, false).fields;
}

/** Whether a record is more than whitespace. */
const nonBlank = (l: string): boolean => l.trim() !== '';

/**
 * Splits CSV text into its records (RFC 4180, read leniently), for {@link splitCsvLine}: a line
 * break (`\r\n`, `\n`, or a lone `\r` as old Mac and Excel exports write) ends a record unless it
 * is inside a quoted field, i.e. one whose first character is `"` (a `"` anywhere else is an
 * ordinary character, so `TV 55"` is data and does not open a quote). A quoted field never closed
 * ends at its own line (that line is one malformed record; the lines after it are read as usual).
 * A leading byte-order mark and blank records are dropped.
 *
 * JSON lines read the same as with a plain line split (JSON strings hold no raw line breaks), so
 * the OTTO adapter uses it too, unless a line holds a string starting with an escaped quote right
 * after a comma (`,"\"…`); {@link textLines} is the plain split.
 * @param text whole file content
 * @param sep field separator, one character (default `,`): a quote opens a field only right
 *   after it, at the start of a record, or at the start of the text
 */
export function lines(text: string, sep = ','): string[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.includes('"')) return textLines(text);
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const r = scanRecord(text, i, sep, true);
    const rec = text.slice(i, r.end);
    if (nonBlank(rec)) out.push(rec);
    i = r.next;
  }
  return out;
}

/**
 * Splits text into its non-blank lines at `\r\n`, `\n` or a lone `\r`, ignoring quotes (for
 * line formats that are not CSV, such as JSON lines).
 * @param text whole file content
 */
export function textLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter(nonBlank);
}

/** Times outside [1990, 2100) are not clickstream times (e.g. epoch microseconds read as ms). */
const TIME_RANGE = [Date.UTC(1990, 0, 1), Date.UTC(2100, 0, 1)] as const;

/**
 * ISO 8601 date-time: `YYYY-MM-DD`, optionally `T` or a space and `hh:mm[:ss[.fff…]]` (the
 * fraction after `.` or `,`), then optionally `Z` (or `z`), ` UTC` or an offset `±hh:mm`, `±hhmm`
 * or `±hh` (PostgreSQL writes `timestamptz` as `2024-05-01 10:00:00+02`).
 */
const ISO_TIME = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?([Zz]| UTC|[+-]\d\d(?::?\d\d)?)?$/;

/** Epoch ms of an ISO 8601 string (see {@link ISO_TIME}; no zone = UTC), or `NaN` when it is not one or names no real date. */
function parseIso(t: string): number {
  const m = ISO_TIME.exec(t);
  if (!m) return NaN;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((v) => (v === undefined ? undefined : Number(v))) as number[];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() || hour > 23 || minute > 59 || second > 59) return NaN;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const zone = m[8];
  let offsetMin = 0;
  if (zone !== undefined && zone.length > 1 && zone !== ' UTC') {
    const digits = zone.slice(1).replace(':', '');
    const h = Number(digits.slice(0, 2));
    const mm = Number(digits.slice(2) || '0');
    if (h > 23 || mm > 59) return NaN;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (h * 60 + mm);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

/**
 * Parses a timestamp: epoch ms (digits, ≥ 1e11), epoch seconds (digits, < 1e11), or an ISO 8601
 * date or date-time (`2019-10-01 00:00:00 UTC`, `2024-05-01T10:00:00.5+02:00`, `2024-05-01 10:00:00+02`,
 * `2016-05-09`).
 * Strings without a zone are read as UTC, whatever the machine's time zone. Anything else
 * (`2024/05/01 10:00`, `2024-5-1`, `May 1, 2024`) is unparsable: never read in local time.
 * @returns ms since the epoch, or `NaN` when unparsable or outside the years 1990–2099 (so epoch
 *   microseconds count as malformed instead of splitting every session into single events)
 */
export function parseTime(s: string): number {
  const t = s.trim();
  const ms = /^\d+(\.\d+)?$/.test(t) ? (Number(t) < 1e11 ? Number(t) * 1000 : Number(t)) : parseIso(t);
  return ms >= TIME_RANGE[0] && ms < TIME_RANGE[1] ? ms : NaN;
}

/**
 * Parses an optional price: empty → `undefined`; negative or non-finite → `NaN` (malformed).
 */
export function parsePrice(s: string | undefined): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 ? n : NaN;
}
