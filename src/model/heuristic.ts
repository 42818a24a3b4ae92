/**
 * The transparent fallback predictor, used when the model cannot load (404, corrupt, wrong
 * feature version) or is disabled. A fixed logistic score over a few named features of the
 * shared encoder, so it reads the same signals as the model and every weight is visible here.
 * Pure: no tfjs.
 */
import { featureIndex } from '../features/index.js';

/** Version reported as `modelVersion` when the heuristic answers. */
export const HEURISTIC_VERSION = 'heuristic-1';

/** Log-odds with no evidence (≈ 5% purchase probability). */
export const HEURISTIC_BIAS = -3;

/** Feature → weight (log-odds per unit of the feature as the encoder scales it). */
export const HEURISTIC_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({
  has_cart: 1.6, // something in the cart is the strongest simple signal
  item_in_cart: 0.4, // looking again at a carted item
  cart_adds: 0.8,
  checkout_seen: 2.2,
  repeat_ratio: 0.8, // comparing / returning to items
  position: 0.6, // longer visits convert more
  type_remove_from_cart: -0.8,
});

const TERMS = Object.entries(HEURISTIC_WEIGHTS).map(([name, w]) => [featureIndex(name), w] as const);

/** The heuristic's purchase log-odds for one encoded step. */
export function heuristicLogit(x: ArrayLike<number>): number {
  let z = HEURISTIC_BIAS;
  for (const [i, w] of TERMS) z += w * x[i];
  return z;
}
