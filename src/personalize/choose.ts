/**
 * The guards' decision, shared by the intent head (`guard.ts`) and the recommendation taste
 * (`taste.ts`): which weights to use after a run, from their held-out scores (lower is better;
 * the taste passes its reciprocal ranks negated).
 *
 * Three weights compete: the ones in use now, the candidate just fitted, and the base (the
 * pretrained head, or no taste). The candidate must beat both others by more than `margin`, so a
 * new fit never replaces a worse head in use when dropping it would do better. When the candidate
 * fails, personal weights in use are dropped for the base once the base beats them by more than
 * `margin` on the same held-out data: an earlier adoption that the newer sessions no longer
 * support is undone rather than kept for good. Ties keep what is in use.
 */

/** What a guarded run does with the weights in use. */
export type GuardChoice = 'keep' | 'adopt' | 'revert';

/**
 * @param current held-out score of the weights in use now
 * @param candidate held-out score of the candidate
 * @param base held-out score of the base weights, or null when the base is what is in use
 * @param margin least improvement that counts (≥ 0, same unit as the scores)
 */
export function chooseWeights(current: number, candidate: number, base: number | null, margin: number): GuardChoice {
  const bar = base === null ? current : Math.min(current, base);
  if (candidate < bar - margin) return 'adopt';
  if (base !== null && base < current - margin) return 'revert';
  return 'keep';
}
