/**
 * Frequency cap for the demo's offer banner. Pure: takes the log of past showings and the clock,
 * returns a decision. The banner keeps the log in localStorage.
 */

/** Defaults: at most one offer per session, 10 minutes apart, 3 per rolling 24 h. */
export const OFFER_CAP_DEFAULTS = Object.freeze({ maxPerSession: 1, cooldownMs: 10 * 60_000, maxPerDay: 3 });

const DAY_MS = 24 * 60 * 60_000;

/**
 * Decides whether an offer may be shown now.
 * @param {{ ts: number, sessionId: string, rule: string }[]} log past showings, any order
 * @param {{ now: number, sessionId: string, maxPerSession?: number, cooldownMs?: number, maxPerDay?: number }} opts
 *   `now` in ms since the epoch; `cooldownMs` in ms.
 * @returns {{ ok: boolean, reason: string }}
 * @throws {TypeError} when `now` is not finite or `sessionId` is not a string.
 */
export function canShowOffer(log, opts) {
  if (!Number.isFinite(opts?.now)) throw new TypeError('now: expected a finite number of ms');
  if (typeof opts.sessionId !== 'string') throw new TypeError('sessionId: expected a string');
  const { now, sessionId } = opts;
  const cap = { ...OFFER_CAP_DEFAULTS, ...opts };
  const recent = log.filter((e) => now - e.ts < DAY_MS);
  if (recent.length >= cap.maxPerDay) return { ok: false, reason: 'daily cap reached' };
  if (recent.filter((e) => e.sessionId === sessionId).length >= cap.maxPerSession) {
    return { ok: false, reason: 'already shown this session' };
  }
  const last = recent.reduce((m, e) => Math.max(m, e.ts), -Infinity);
  if (now - last < cap.cooldownMs) return { ok: false, reason: 'cooling down' };
  return { ok: true, reason: 'allowed' };
}

/** Returns a new log with this showing appended and entries older than 24 h dropped. */
export function recordOffer(log, entry) {
  return [...log.filter((e) => entry.ts - e.ts < DAY_MS), entry];
}
