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
 * Parses a timestamp: epoch ms (digits, ≥ 1e11), epoch seconds (digits, < 1e11), or a date
 * string (`2019-10-01 00:00:00 UTC`, ISO 8601). Strings without a zone are read as UTC.
 * @returns ms since the epoch, or `NaN` when unparsable or outside the years 1990–2099 (so epoch
 *   microseconds count as malformed instead of splitting every session into single events)
 */
export function parseTime(s: string): number {
  const t = s.trim();
  if (t === '') return NaN;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    ms = n < 1e11 ? n * 1000 : n;
  } else {
    let iso = t.replace(' UTC', 'Z').replace(/^(\d{4}-\d\d-\d\d) (\d)/, '$1T$2');
    if (/^\d{4}-\d\d-\d\d$/.test(iso)) iso += 'T00:00:00Z';
    else if (/T[\d:.]+$/.test(iso)) iso += 'Z';
    ms = Date.parse(iso);
  }
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
