/**
 * Which head each carried intent state's last logit was computed under, and the state re-scored
 * when the head in use changed after it (an adoption, rollback or another tab's head), so the
 * answer and the next step's reason weight come from the head in use rather than the one before.
 */
import type { HunchEvent } from './events.js';
import { sigmoid } from './intent.js';
import type { Predictor } from './model/predictor.js';
import type { SessionState } from './model/session-state.js';

/**
 * A re-score that moves the last step's log-odds by at most this much is the same head's number
 * (rounding between the JS kernel and the TensorFlow.js runtime); a larger move is another head,
 * and the session's peak is measured again from it.
 */
const SAME_HEAD_LOGIT = 0.01;

/** The scoring record of one intent service. */
export interface Scoring {
  /** `s` with its last step re-scored under `p`'s head when it was computed under another; `s` itself when not. */
  rescored(s: SessionState, p: Predictor): SessionState;
  /** A step from `prev` to `next` ran under head `revision` (`p.headRevision` when it began). */
  stepped(prev: SessionState, next: SessionState, p: Predictor, revision: number | undefined): void;
  /**
   * `s` counting the stored event `e` it did not apply (one the encoder refuses), so a resume's
   * count matches: `seen` counts it and, as applying it would, it is the last event held (its id
   * and time), so the next resume starts after it instead of skipping and counting it again.
   */
  counted(s: SessionState, e: Pick<HunchEvent, 'id' | 'ts'>): SessionState;
}

/** Creates the record (a restored state has none: re-scored once under the head in use). */
export function createScoring(): Scoring {
  const scoredUnder = new WeakMap<SessionState, number>();
  return {
    rescored(s, p) {
      if (!p.relogit || !s.lastX || s.logit === null || scoredUnder.get(s) === p.headRevision) return s;
      const logit = p.relogit(s.hidden, s.lastX);
      // the peak was measured under the head before (a head scoring lower would read as a drift, a
      // spurious 'abandoning'): it starts again from the re-scored score, unless the move is rounding
      // only (a restored state re-scored under the head it was saved under: JS kernel vs runtime)
      const peak = Math.abs(logit - s.logit) > SAME_HEAD_LOGIT ? sigmoid(logit) : Math.max(s.peak, sigmoid(logit));
      const out = { ...s, logit, peak };
      scoredUnder.set(out, p.headRevision ?? 0);
      return out;
    },
    stepped(prev, next, p, revision) {
      // scored under this head when the step ran under it (a dwell keeps the last step's logit)
      if (revision === p.headRevision && (next.lastX !== prev.lastX || scoredUnder.get(prev) === revision)) scoredUnder.set(next, revision ?? 0);
    },
    counted(s, e) {
      // a time that is not one (a refused event's own field) cannot place it: only counted then; an
      // id that is not a string is kept as one (a non-string lastEventId makes the state malformed)
      const at = Number.isFinite(e.ts) ? { lastEventId: String(e.id), lastTs: e.ts, maxTs: Math.max(s.maxTs ?? s.lastTs, e.ts) } : {};
      const out = { ...s, ...at, seen: s.seen + 1 };
      if (scoredUnder.has(s)) scoredUnder.set(out, scoredUnder.get(s)!);
      return out;
    },
  };
}
