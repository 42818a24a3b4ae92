/**
 * Validation and sanitization of `track()` input. Either returns clean props (only known fields,
 * strings scrubbed of PII and bounded in length) or throws a TypeError naming the field and why.
 */
import { EVENT_TYPES, isEventType, type EventProps, type EventType } from './events.js';
import { scrubText, scrubUrl, type ScrubMode } from './scrub.js';

/**
 * Longest stored length of each string prop, in UTF-16 code units. Longer input is cut at its
 * last space, `/` or `&` before the limit; one with no such break there (e.g. a 300-character
 * SKU) is refused with a TypeError saying so.
 */
export const MAX_LENGTH = { itemId: 256, categoryId: 256, query: 256, url: 2048 } as const;
/** Largest accepted price (store currency units). */
export const MAX_PRICE = 1e9;
/** Largest accepted quantity. */
export const MAX_QUANTITY = 10_000;

const PROP_NAMES = ['itemId', 'categoryId', 'price', 'quantity', 'query', 'url'] as const;

function fail(field: string, why: string): never {
  throw new TypeError(`hunch.track: "${field}" ${why}`);
}

/**
 * Bounds then scrubs a string in time linear in the bound, not in the input: only the first
 * `max` + 64 characters are scrubbed. When they are the whole input and the result fits (a long
 * query value dropped from a URL, say), it is kept whole; otherwise the result is cut to `max` and
 * loses its last partial token (up to a space, `/`, `&`, `?` or `#`), so no half-email or
 * half-number survives the cut, while a URL keeps its path.
 */
export function boundedScrub(s: string, max: number, mode: ScrubMode, url = false): string {
  const clean = (x: string) => (url ? scrubUrl(x) : scrubText(x, mode));
  // scrubbing can lengthen a string (a tag replaces a shorter email), so the result is what is bounded
  const c = clean(s.slice(0, max + 64));
  if (s.length <= max + 64 && c.length <= max) return c;
  const cut = c.slice(0, max);
  const last = cut.search(/[ /&?#][^ /&?#]*$/); // the last break
  return last > 0 ? cut.slice(0, last) : '';
}

function str(field: 'itemId' | 'categoryId' | 'query' | 'url', v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v.trim();
  else if ((field === 'itemId' || field === 'categoryId') && typeof v === 'number' && Number.isFinite(v)) s = String(v);
  else fail(field, `must be a string${field === 'itemId' || field === 'categoryId' ? ' or a finite number' : ''} (got ${describeValue(v)})`);
  if (s.length === 0) fail(field, 'must not be empty');
  const mode: ScrubMode = field === 'query' ? 'text' : 'id';
  const out = boundedScrub(s, MAX_LENGTH[field], mode, field === 'url');
  if (out.length === 0) fail(field, s.length > MAX_LENGTH[field] ? `is too long (no break to cut at)` : 'is empty after removing personal data');
  return out;
}

/**
 * A short description (at most 120 characters) of something thrown at us (by a page's getter,
 * listener or rule), which may itself throw when inspected.
 */
export function reason(err: unknown): string {
  try {
    return String((err as Error)?.message ?? err).slice(0, 120);
  } catch {
    return 'unreadable error';
  }
}

/**
 * What a bad value was, for the "(got …)" of a TypeError, without calling into it (its toString
 * may throw): never the value of a string (it may hold personal data).
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `string of length ${v.length}`;
  return typeof v;
}

/** A value for an error message: a string quoted (its first 40 characters), else {@link describeValue}. */
export function quoteValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : describeValue(v);
}

/**
 * Validates `type` and `props` of a `track()` call. Unknown prop names are rejected (a typo such
 * as `itemID` would otherwise silently lose data). Returns a new object with own fields only.
 * @throws TypeError naming the offending field.
 */
export function validateEvent(type: unknown, props: unknown): { type: EventType; props: EventProps } {
  if (!isEventType(type)) {
    throw new TypeError(`hunch.track: "type" must be one of ${EVENT_TYPES.join(', ')} (got ${quoteValue(type)})`);
  }
  const out: EventProps = {};
  if (props === undefined || props === null) return { type, props: out };
  if (typeof props !== 'object' || Array.isArray(props)) fail('props', `must be a plain object (got ${describeValue(props)})`);
  // a Proxy or getter may throw anything: report it as a TypeError naming what could not be read
  let proto: unknown;
  let keys: string[];
  try {
    proto = Object.getPrototypeOf(props);
    keys = Object.keys(props);
  } catch (err) {
    fail('props', `could not be read (${reason(err)})`);
  }
  if (proto !== Object.prototype && proto !== null) fail('props', 'must be a plain object');
  for (const key of keys) {
    if (!(PROP_NAMES as readonly string[]).includes(key)) {
      fail(key.slice(0, 40), `is not a known prop (allowed: ${PROP_NAMES.join(', ')})`);
    }
  }
  // each field is read exactly once, so a getter cannot pass the check and then change
  const p: Record<string, unknown> = {};
  for (const key of keys) {
    try {
      p[key] = (props as Record<string, unknown>)[key];
    } catch (err) {
      fail(key, `could not be read (${reason(err)})`);
    }
  }
  for (const field of ['itemId', 'categoryId', 'query', 'url'] as const) if (p[field] !== undefined) out[field] = str(field, p[field]);
  for (const [field, isNumber, what, min, max] of [
    ['price', Number.isFinite, 'a finite number', 0, MAX_PRICE],
    ['quantity', Number.isInteger, 'an integer', 1, MAX_QUANTITY],
  ] as const) {
    const v = p[field];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !isNumber(v) || v < min || v > max) fail(field, `must be ${what} between ${min} and ${max} (got ${describeValue(v)})`);
    out[field] = v;
  }
  return { type, props: out };
}
