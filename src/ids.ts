/**
 * Unique ids for events and sessions. An event id is `<tabId>-<counter>` (see {@link idSequence}): the tab id is random
 * per page load, so ids never collide across tabs, and a retried batch rewrites the same keys
 * instead of duplicating records.
 */

/** A random base-36 id of about 64 bits (crypto when available). */
export function randomId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.getRandomValues === 'function') {
    const a = new Uint32Array(2);
    c.getRandomValues(a);
    return a[0].toString(36) + a[1].toString(36);
  }
  return Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
}

/**
 * Returns a function producing `<prefix>-<n>` ids, n counting from 1 in base 36, zero-padded to
 * 8 digits (2.8 × 10¹² ids per tab). The padding makes ids sort as text in the order they were
 * made: IndexedDB orders events with the same `ts` (many per millisecond) by id, and the intent
 * state's resume relies on the store's order being the order of tracking.
 */
export function idSequence(prefix = randomId()): () => string {
  let n = 0;
  return () => `${prefix}-${(++n).toString(36).padStart(8, '0')}`;
}
