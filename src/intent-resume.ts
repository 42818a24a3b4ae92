/**
 * Which of a session's stored events a saved intent state already holds, when a reload resumes
 * it instead of replaying the session (pure). The store returns a session's events by time; the
 * state applied them in the order they were tracked, which is the same order unless the clock
 * stepped back during the session.
 */
import type { HunchEvent } from './events.js';
import type { SessionState } from './model/session-state.js';

/** Replay the whole stored session, or resume the state, skipping the stored events it `held`. */
export type Resume = { replay: true } | { replay: false; held(e: HunchEvent, k: number): boolean };

/**
 * Decides how a saved state resumes.
 * @param s the saved state (it has a last event)
 * @param events the session's stored events from `s.lastTs` (or earlier) on, by time
 * @param count stored events of the session by its summary (a summary that lags behind counts fewer; 0 when none)
 * @param own whether an event is this page's own (it may still arrive live)
 */
export function resumeFrom(s: SessionState, events: readonly HunchEvent[], count: number, own: (e: HunchEvent) => boolean): Resume {
  // the latest time it applied: above its last event's once the clock stepped back after a later one
  const top = s.maxTs ?? s.lastTs;
  const i = events.findIndex((e) => e.id === s.lastEventId);
  if (i >= 0) {
    // the applied point: its last event, or, the clock having stepped back, the last stored event
    // at or before the latest time it applied (those after its last event by time were applied
    // before it: taking them as not applied applied them twice)
    let j = i;
    if (top > s.lastTs) while (j + 1 < events.length && events[j + 1].ts <= top) j++;
    // the stored events up to that point must be the ones it applied: when another tab stored
    // events in between that it never saw, the whole session is replayed instead (a summary that
    // lags behind its events reads fewer, which must not cost a replay; a state saved before
    // `seen` existed is replayed)
    if (count - (events.length - j - 1) > (s.seen ?? -1)) return { replay: true };
    return { replay: false, held: (_e, k) => k <= j };
  }
  // its last event not stored (a lost batch): the state holds what other pages tracked up to its
  // time. Whether it holds this page's own events up to then cannot be told (another tab's
  // restore may have read them from the store, or not), so then the whole session is replayed;
  // otherwise the state holds everything up to its time
  if (events.some((e) => e.ts <= top && own(e))) return { replay: true };
  return { replay: false, held: (e) => e.ts <= top };
}
