/**
 * The per-session state the intent runtime carries between events: the feature encoder's state,
 * the model's hidden state (plain numbers, so it can cross to a worker and be stored in
 * IndexedDB), the last logit and the recent score changes for `reasons`. Pure.
 */
import type { HunchEvent } from '../events.js';
import { initialFeatureState, type FeatureState } from '../features/index.js';
import type { IntentReason } from '../intent.js';

/** Recent score changes kept for `reasons`. */
export const REASON_HISTORY = 10;

/** Carried state of one session. Plain JSON. */
export interface SessionState {
  sessionId: string;
  feature: FeatureState;
  /** Hidden state of the model (empty for the heuristic or before the first step). */
  hidden: number[];
  /** Purchase log-odds after the last step (null before the first). */
  logit: number | null;
  /**
   * The last model step's features (`x`), so a head set after that step can re-score it with
   * `hidden` (absent before the first step, and in states saved before 2026-12-01).
   */
  lastX?: number[];
  /** Highest purchase probability so far. */
  peak: number;
  /** Model steps so far. */
  steps: number;
  /**
   * Events applied so far, every type (a `dwell` is applied without a model step). A reload
   * compares it with the stored events up to `lastEventId`: when another tab stored events this
   * state never saw, the session is replayed from the store instead. Absent in states saved
   * before 2026-11-30 (they are replayed too).
   */
  seen: number;
  /** Step index of the last add_to_cart (-1 when none). */
  lastAddStep: number;
  /** Step index of the last begin_checkout (-1 when none; absent in states saved before 2026-12-01). */
  lastCheckoutStep?: number;
  lastType: HunchEvent['type'] | undefined;
  /** The session has a purchase. */
  purchased: boolean;
  /** Id of the last event applied (so a reload replays only later events). */
  lastEventId: string | undefined;
  /** Time of the last event applied, ms since the epoch. */
  lastTs: number;
  /**
   * Latest time of the events applied, ms since the epoch: above `lastTs` once the clock stepped
   * back during the session (a reload resumes from it). Absent in states saved before 2026-12-01 (`lastTs`).
   */
  maxTs?: number;
  /** Recent score changes, oldest first. */
  history: IntentReason[];
  /** Model version the hidden state belongs to. */
  modelVersion: string;
}

/** A fresh state for a session. */
export function newSessionState(sessionId: string, modelVersion: string): SessionState {
  return { sessionId, feature: initialFeatureState(), hidden: [], logit: null, peak: 0, steps: 0, seen: 0, lastAddStep: -1, lastCheckoutStep: -1, lastType: undefined, purchased: false, lastEventId: undefined, lastTs: 0, maxTs: 0, history: [], modelVersion };
}

/**
 * Applies one predictor step's result to the state (pure).
 * @param baseLogit log-odds before any event (the prior), used for the first step's change
 */
export function applyStep(
  s: SessionState,
  event: Pick<HunchEvent, 'id' | 'type' | 'itemId' | 'ts'>,
  feature: FeatureState,
  result: { step: boolean; logit: number; hidden: number[]; x?: ArrayLike<number> },
  baseLogit: number,
): SessionState {
  const seen = s.seen + 1;
  const maxTs = Math.max(s.maxTs ?? s.lastTs, event.ts);
  if (!result.step) return { ...s, feature, seen, lastEventId: event.id, lastTs: event.ts, maxTs };
  const purchased = s.purchased || event.type === 'purchase';
  const prev = s.logit ?? baseLogit;
  const reason: IntentReason = { eventId: event.id, type: event.type, weight: result.logit - prev };
  if (event.itemId) reason.itemId = event.itemId;
  const steps = s.steps + 1;
  return {
    ...s,
    feature,
    hidden: result.hidden,
    logit: result.logit,
    lastX: result.x ? Array.from(result.x) : undefined,
    peak: Math.max(s.peak, 1 / (1 + Math.exp(-result.logit))),
    steps,
    seen,
    lastAddStep: event.type === 'add_to_cart' ? steps : s.lastAddStep,
    lastCheckoutStep: event.type === 'begin_checkout' ? steps : s.lastCheckoutStep,
    lastType: event.type,
    purchased,
    lastEventId: event.id,
    lastTs: event.ts,
    maxTs,
    history: [...s.history, reason].slice(-REASON_HISTORY),
  };
}
