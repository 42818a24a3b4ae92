/** The "has add-to-cart" heuristic: the purchase rate of sessions with / without a cart event. */
import type { LabeledSession } from '../../data/index.js';

const hasCart = (s: LabeledSession, k: number): boolean => s.events.slice(0, k).some((e) => e.type === 'add_to_cart');

/** Fits the two rates on training sessions (Laplace-smoothed). */
export function fitCart(train: readonly LabeledSession[]): { withCart: number; without: number } {
  let a = 0, an = 0, b = 0, bn = 0;
  for (const s of train) {
    if (hasCart(s, Infinity)) {
      an++;
      a += s.label;
    } else {
      bn++;
      b += s.label;
    }
  }
  return { withCart: (a + 1) / (an + 2), without: (b + 1) / (bn + 2) };
}

/** Scores sessions (first `k` events): the fitted rate of their group. */
export function predictCart(m: { withCart: number; without: number }, sessions: readonly LabeledSession[], k = Infinity): Float64Array {
  return Float64Array.from(sessions, (s) => (hasCart(s, k) ? m.withCart : m.without));
}
