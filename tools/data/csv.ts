/** Minimal CSV helpers for the dataset adapters: no dependency, quoted fields supported. */

/**
 * Splits one CSV line into fields. Double-quoted fields may contain the separator and `""`
 * escapes; a line with an unterminated quote returns `null` (the caller counts it malformed).
 * @param line one line without its newline
 * @param sep field separator (default `,`)
 */
export function splitCsvLine(line: string, sep = ','): string[] | null {
  if (!line.includes('"')) return line.split(sep);
  const out: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += c;
    } else if (c === '"') inQuotes = true;
    else if (c === sep) {
      out.push(field);
      field = '';
    } else field += c;
  }
  if (inQuotes) return null;
  out.push(field);
  return out;
}

/**
 * Splits text into non-empty lines (handles `\r\n`). Trailing blank lines are dropped.
 * @param text whole file content
 */
export function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/** Times outside [1990, 2100) are not clickstream times (e.g. epoch microseconds read as ms). */
const TIME_RANGE = [Date.UTC(1990, 0, 1), Date.UTC(2100, 0, 1)] as const;

/**
 * ISO 8601 date-time: `YYYY-MM-DD`, optionally `T` or a space and `hh:mm[:ss[.fff…]]`, then
 * optionally `Z`, ` UTC` or an offset `±hh:mm`.
 */
const ISO_TIME = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?(Z| UTC|[+-]\d\d:\d\d)?$/;

/** Epoch ms of an ISO 8601 string (see {@link ISO_TIME}; no zone = UTC), or `NaN` when it is not one or names no real date. */
function parseIso(t: string): number {
  const m = ISO_TIME.exec(t);
  if (!m) return NaN;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((v) => (v === undefined ? undefined : Number(v))) as number[];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate() || hour > 23 || minute > 59 || second > 59) return NaN;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const zone = m[8];
  let offsetMin = 0;
  if (zone !== undefined && zone !== 'Z' && zone !== ' UTC') {
    const [h, mm] = zone.slice(1).split(':').map(Number);
    if (h > 23 || mm > 59) return NaN;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (h * 60 + mm);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

/**
 * Parses a timestamp: epoch ms (digits, ≥ 1e11), epoch seconds (digits, < 1e11), or an ISO 8601
 * date or date-time (`2019-10-01 00:00:00 UTC`, `2024-05-01T10:00:00.5+02:00`, `2016-05-09`).
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
