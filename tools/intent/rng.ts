/** Seeded randomness for the tools (re-exports the model's PRNG so there is one implementation). */
import { seededRandom } from '../../src/model/intent-net.js';

export { seededRandom };

/** Fisher–Yates shuffle with a seeded PRNG; returns a new array. */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
