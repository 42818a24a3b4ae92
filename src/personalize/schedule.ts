/**
 * When automatic personalization runs are due, for the head (`personalizer.ts`) and the taste
 * (`recommend-service.ts`) alike. Pure.
 */
import type { SessionRecord } from '../session.js';

/** A run starts by itself once this many sessions ended since the last run. */
export const AUTO_EVERY_SESSIONS = 3;

/** The stored sessions that have ended: all but `current` (the open one), with events. */
export const endedSessions = (sessions: readonly SessionRecord[], current: string | undefined): SessionRecord[] =>
  sessions.filter((s) => s.id !== current && s.count > 0);

/** Last event time (ms since the epoch) of the newest of `ended`; 0 when there is none. */
export const newestEnd = (ended: readonly SessionRecord[]): number => ended.reduce((m, s) => Math.max(m, s.end), 0);

/**
 * Whether an automatic run is due: {@link AUTO_EVERY_SESSIONS} sessions ended after `seenUntil`
 * (the {@link newestEnd} the last run saw; undefined: no run yet, every ended session counts).
 * Counted by time rather than as a difference of counts, so retention deleting old sessions
 * cannot hold the runs back.
 */
export const autoDue = (ended: readonly SessionRecord[], seenUntil = -Infinity): boolean =>
  ended.filter((s) => s.end > seenUntil).length >= AUTO_EVERY_SESSIONS;
