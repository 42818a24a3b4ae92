/**
 * Intent: what `hunch.intent()` answers and `on('intent')` delivers, and the pure rules that turn
 * a purchase probability and the session's state into a stage and reasons.
 */
import type { StoredEventType } from './events.js';
import type { Predictor } from './model/predictor.js';
import type { SessionState } from './model/session-state.js';

/** Where the shopper is in the visit. */
export type Stage = 'browsing' | 'considering' | 'ready' | 'abandoning';

/** Which predictor produced the score. */
export type IntentSource = 'model' | 'personalized' | 'heuristic';

/**
 * One recent event and how much it moved the score (change in log-odds; + raises intent). Those
 * an {@link Intent} holds are frozen (typed `Readonly` there).
 */
export interface IntentReason {
  /** Id of the stored event (`HunchEvent.id`). */
  eventId: string;
  /** Its type. */
  type: StoredEventType;
  /** Its item, when it had one. */
  itemId?: string;
  /** Change of the purchase log-odds caused by this event. */
  weight: number;
}

/**
 * The shopper's current intent. Frozen (its `reasons` too): what `intent()` and `on('intent')` /
 * `on('trigger')` hand out is shared, so copy it to change it (`[...i.reasons].sort(…)`).
 */
export interface Intent {
  /** Probability that this visit ends in a purchase, 0..1. */
  readonly purchase: number;
  /**
   * Where the shopper is in the visit, checked in this order: `'browsing'` once the session has a
   * purchase; `'abandoning'`: a cart, and an item just removed or `purchase` under 0.6 × the
   * session's peak (measured again from the re-scored `purchase` when the head in use changes)
   * 3 or more model steps after the last add and after the last checkout;
   * `'ready'`: checkout begun, or `purchase` ≥ 0.5; `'considering'`: a cart, an item returned
   * to, or `purchase` ≥ 0.2; else `'browsing'`.
   */
  readonly stage: Stage;
  /** Up to 3 recent events that moved the score most, strongest first. */
  readonly reasons: ReadonlyArray<Readonly<IntentReason>>;
  /**
   * `'model'` (the pretrained head), `'personalized'` (this shopper's adopted head) or
   * `'heuristic'` (the model is off or could not load).
   */
  readonly source: IntentSource;
  /**
   * What computed it: `'js'` (the plain-JS kernel, answering while the TensorFlow.js runtime
   * starts), the TensorFlow.js backend (`'webgl'`, `'cpu'`), or `'none'` for the heuristic.
   */
  readonly backend: string;
  /** Version of the model (`'heuristic-1'` for the heuristic). */
  readonly modelVersion: string;
  /** Session the intent is about. */
  readonly sessionId: string;
  /** Events in the session so far (model steps). */
  readonly events: number;
}

/** Thresholds of {@link stageOf}; probabilities 0..1. */
export interface StageThresholds {
  /** At or above: 'ready'. Default 0.5. */
  ready: number;
  /** At or above: 'considering' (also any cart or an item returned to). Default 0.2. */
  considering: number;
  /** 'abandoning' when a cart exists and the score fell below this share of the session's peak. Default 0.6. */
  dropShare: number;
}

/** Default stage thresholds. */
export const DEFAULT_STAGES: Readonly<StageThresholds> = Object.freeze({ ready: 0.5, considering: 0.2, dropShare: 0.6 });

/** What the stage rules read about the session. */
export interface StageInput {
  purchase: number;
  /**
   * Highest purchase probability seen this session, since the head in use last changed (another
   * head's scores are not comparable: the peak starts again from the re-scored probability).
   */
  peak: number;
  /** Items in the cart (adds − removes). */
  cartUnits: number;
  /** begin_checkout seen. */
  checkout: boolean;
  /** The session already has a purchase. */
  purchased: boolean;
  /** Type of the latest event. */
  lastType: StoredEventType | undefined;
  /** Model steps since the last add_to_cart (Infinity when none). */
  stepsSinceAdd: number;
  /** Model steps since the last begin_checkout (Infinity when none; default Infinity). */
  stepsSinceCheckout?: number;
  /**
   * An item returned to: some item has more than one event this session (viewed again, or viewed
   * and then added to or removed from the cart), so a cart emptied again still counts.
   */
  repeatViews: boolean;
}

/**
 * The stage, from transparent rules, in this order:
 * - `abandoning`: a cart exists and the last event removed an item, or the score fell below
 *   `dropShare` × the session's peak with ≥ 3 steps since the last add and since the last
 *   checkout (the shopper drifting away, also from a checkout begun);
 * - `ready`: checkout begun, or probability ≥ `ready`;
 * - `considering`: a cart, an item returned to (`repeatViews`), or probability ≥ `considering`;
 * - `browsing` otherwise.
 *
 * A session that already has a purchase is `browsing`, before any other rule: the visit's goal
 * is met, so no trigger should chase it.
 */
export function stageOf(s: StageInput, t: StageThresholds = DEFAULT_STAGES): Stage {
  if (s.purchased) return 'browsing';
  const cart = s.cartUnits > 0;
  if (cart && s.lastType === 'remove_from_cart') return 'abandoning';
  // a drift counts 3 steps after the last add and after the last checkout: the score falls back
  // from its add-to-cart jump within a step or two, so without the checkout's own 3 steps the
  // pages on the way to checkout (cart, checkout) read as a drift and the abandonment offer fired
  // at begin_checkout itself (no training store logs a checkout, so the model cannot lift the
  // score for it); drifting 3 steps after a checkout is a checkout abandoned
  if (cart && s.purchase < t.dropShare * s.peak && s.stepsSinceAdd >= 3 && (s.stepsSinceCheckout ?? Infinity) >= 3) return 'abandoning';
  if (s.checkout || s.purchase >= t.ready) return 'ready';
  if (s.cartUnits > 0 || s.repeatViews || s.purchase >= t.considering) return 'considering';
  return 'browsing';
}

/** The `k` entries with the largest |weight|, strongest first. */
export function topReasons(history: readonly IntentReason[], k = 3): IntentReason[] {
  return [...history].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, k).filter((r) => r.weight !== 0);
}

/** Logistic function. */
export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The intent a session's carried state gives under predictor `p` (frozen). */
export function intentOf(s: SessionState, p: Pick<Predictor, 'baseLogit' | 'source' | 'backend' | 'modelVersion'>): Intent {
  const purchase = sigmoid(s.logit ?? p.baseLogit);
  const stage = stageOf({
    purchase,
    peak: s.peak,
    cartUnits: s.feature.cartUnits,
    checkout: s.feature.checkout,
    purchased: s.purchased,
    lastType: s.lastType,
    stepsSinceAdd: s.lastAddStep < 0 ? Infinity : s.steps - s.lastAddStep,
    stepsSinceCheckout: (s.lastCheckoutStep ?? -1) < 0 ? Infinity : s.steps - s.lastCheckoutStep!,
    repeatViews: s.feature.itemEvents > s.feature.distinctItems,
  });
  // frozen, with copied reasons: a page's listener or caller cannot change what the next
  // trigger check compares with, or the carried state the reasons come from
  const reasons = Object.freeze(topReasons(s.history).map((r) => Object.freeze({ ...r }))) as Intent['reasons'];
  return Object.freeze({ purchase, stage, reasons, source: p.source, backend: p.backend, modelVersion: p.modelVersion, sessionId: s.sessionId, events: s.steps });
}
