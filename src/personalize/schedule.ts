/**
 * When automatic personalization runs are due, for the head (`personalizer.ts`) and the taste
 * (`recommend-service.ts`) alike. Pure.
 */
import type { SessionRecord } from '../session.js';

/** A run starts by itself once this many sessions ended since the last run. */
export const AUTO_EVERY_SESSIONS = 3;

/**
 * The stored sessions that have ended: all but `current` (the open one), with events, and (with
 * `after`, ms since the epoch) only those whose last event came after it: the time of the last
 * forget, since a forget whose deletion failed or was blocked leaves older ones stored.
 */
export const endedSessions = (sessions: readonly SessionRecord[], current: string | undefined, after = -Infinity): SessionRecord[] =>
  sessions.filter((s) => s.id !== current && s.count > 0 && s.end > after);

/** Last event time (ms since the epoch) of the newest of `ended`; 0 when there is none. */
export const newestEnd = (ended: readonly SessionRecord[]): number => ended.reduce((m, s) => Math.max(m, s.end), 0);

/** What a stored run record (the head's or the taste's) says about the sessions it saw. */
export interface RunMark {
  /** {@link seenUntil} of the last run; absent in records saved before 2026-11-30. */
  seenUntil?: number;
  /** Time of the last run, ms since the epoch (stands in for a missing `seenUntil`). */
  at: number;
  /** Ended sessions counted at the last run (see {@link endedAfter}). */
  endedSessions?: number;
}

/**
 * What a run records as seen: the {@link newestEnd} of the sessions it saw, but never later than
 * `now` (ms), so a session recorded while the clock ran ahead cannot hold later runs back.
 */
export const seenUntil = (ended: readonly SessionRecord[], now: number): number => Math.min(newestEnd(ended), now);

/** The time a record's sessions count from: its `seenUntil`, or `at` for an older record. */
export const seenBy = (mark: RunMark): number => mark.seenUntil ?? mark.at;

/**
 * The ended sessions that came after `mark` (ms since the epoch: a run's {@link seenBy}, or a head's
 * `fittedUntil`): those that ended later. A mark later than `now` was set while the device clock
 * ran ahead, and the clock was put back since: the sessions ended since then end before the mark,
 * so they are told by count instead: the `ended.length − count` of them (`count`: the ended
 * sessions counted at the run) that ended last among those that did not end after `now` (fewer
 * when retention deleted some meanwhile). Without `now` or `count`, by
 * time only.
 */
export const endedAfter = (ended: readonly SessionRecord[], mark: number, now?: number, count?: number): SessionRecord[] => {
  if (now === undefined || count === undefined || mark <= now) return ended.filter((s) => s.end > mark);
  const since = ended.length - count;
  if (since <= 0) return [];
  const last = new Set(
    ended
      .filter((s) => s.end <= now)
      .sort((a, b) => a.end - b.end)
      .slice(-since),
  );
  return ended.filter((s) => last.has(s)); // in the order given
};

/**
 * Whether an automatic run is due: {@link AUTO_EVERY_SESSIONS} sessions ended after what the last
 * run saw (`last`; none: no run yet, every ended session counts). Counted by time rather than as
 * a difference of counts, so retention deleting old sessions cannot hold the runs back; by count
 * when the last run's mark is later than `now` (ms; a clock put back since, {@link endedAfter}).
 */
export const autoDue = (ended: readonly SessionRecord[], last?: RunMark, now?: number): boolean =>
  (last ? endedAfter(ended, seenBy(last), now, last.endedSessions) : ended).length >= AUTO_EVERY_SESSIONS;
