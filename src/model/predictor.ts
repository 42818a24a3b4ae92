/**
 * A predictor turns one encoded event into a purchase logit, carrying a hidden state. The model
 * (plain-JS kernel first, then the TensorFlow.js runtime in a worker or on the main thread) and
 * the heuristic share this shape. `advance` is the one place a session's state moves forward in
 * the library; `tools/intent/reference.ts` computes the same numbers independently (tfjs-core
 * `step`), which is what the browser tests compare against.
 */
import type { HunchEvent } from '../events.js';
import { encodeEvent } from '../features/index.js';
import type { IntentSource } from '../intent.js';
import type { PersonalHead } from '../personalize/head.js';
import { heuristicLogit, HEURISTIC_BIAS, HEURISTIC_VERSION } from './heuristic.js';
import type { JsNet } from './js-net.js';
import { applyStep, type SessionState } from './session-state.js';

/** What a predictor is and does. */
export interface Predictor {
  source: IntentSource;
  /** Where the model runs: `'js'` (plain-JS kernel), a TensorFlow.js backend (`'webgl'`, `'cpu'`), or `'none'` (heuristic). */
  readonly backend: string;
  modelVersion: string;
  /** Log-odds before any event, from the head in use (a personal head's bias once one is set). */
  readonly baseLogit: number;
  /** Time from starting the runtime to its first answer, ms (0 for the heuristic). */
  warmupMs: number;
  /** One step: new hidden state and logit. `hidden` is `[]` for a fresh session. */
  step(hidden: number[], x: Float32Array): Promise<{ logit: number; hidden: number[] }>;
  dispose(): void;
  /** The decoded weights (model predictors only): personalization replays sessions through them. */
  readonly jsNet?: JsNet;
  /**
   * Uses a per-user head from the next step on (model predictors only), in the JS kernel and the
   * TensorFlow.js runtime alike; `source` becomes `'personalized'`. `null` goes back to the pretrained head.
   */
  setHead?(head: PersonalHead | null): Promise<void>;
  /**
   * Counts the changes of the head in use (model predictors only; 0 until the first `setHead`):
   * a step's logit computed under another count is re-scored with `relogit`.
   */
  readonly headRevision?: number;
  /** The logit of a step's new hidden state and features under the head in use now (model predictors only). */
  relogit?(hidden: readonly number[], x: ArrayLike<number>): number;
}

/** The heuristic as a predictor. */
export const heuristicPredictor: Predictor = {
  source: 'heuristic',
  backend: 'none',
  modelVersion: HEURISTIC_VERSION,
  baseLogit: HEURISTIC_BIAS,
  warmupMs: 0,
  step: async (_hidden, x) => ({ logit: heuristicLogit(x), hidden: [] }),
  dispose() {},
};

/** Moves a session's state forward by one event (encode → predictor step → bookkeeping). */
export async function advance(p: Predictor, s: SessionState, event: HunchEvent): Promise<SessionState> {
  const enc = encodeEvent(s.feature, event);
  if (!enc.step) return applyStep(s, event, enc.state, { step: false, logit: 0, hidden: s.hidden }, p.baseLogit);
  const r = await p.step(s.hidden, enc.x);
  return applyStep(s, event, enc.state, { step: true, ...r, x: enc.x }, p.baseLogit);
}
