/**
 * A tiny store for taste tests: two tastes ("a" and "b" items bought together), a hub "x" bought
 * with both (more often with a), trained factors or hand-set ones.
 */
import { createModel } from '../../src/recommend/model';
import type { ItemFactors } from '../../src/recommend/factors';
import { artifactSessions, buildArtifact } from '../../tools/next-item/build';
import { parseSessions } from '../../tools/next-item/data';
import { trainItemFactors } from '../../tools/next-item/factors';

// Two tastes: "a" items are bought together by some shoppers, "b" items by others; the hub "x"
// is bought with both, more often with a-items, so after x the store's co-occurrence favours a.
export const LOG = parseSessions(`
a1 a2 a3 a4
a2 a3 a5 a6
a1 a4 a5 a6
a1 a2 a5 a6
a3 a4 a6 a1
b1 b2 b3 b4
b2 b3 b5 b6
b1 b4 b5 b6
b1 b2 b5 b6
b3 b4 b6 b1
x a1
x b1
x a2
x b2
x a3
x b3
x a4
x b4
x a5
x b5
x a6
x b6
x a1
x a2
x a3
x a4
x a5
x a6
`);

export function trained(beta = 1): { model: ReturnType<typeof createModel>; factors: ItemFactors } {
  const art = buildArtifact(LOG, { popularityWeight: 0, lambdaPos: 0.05, repeatWeight: 0, selfVote: 0 });
  const vectors = trainItemFactors(artifactSessions(art), art.itemIds.length, { dims: 4, reg: 0.1, alpha: 20, iterations: 15 });
  const factors = { dims: 4, reg: 0.1, alpha: 20, beta, vectors };
  return { model: createModel(art, art.params, null, factors), factors };
}

/** The same store with hand-set factors: a-items (1, 0), b-items (0, 1), the hub x in between. */
export function handSet(beta = 2): { model: ReturnType<typeof createModel>; factors: ItemFactors } {
  const art = buildArtifact(LOG, { popularityWeight: 0, lambdaPos: 0.05, repeatWeight: 0, selfVote: 0 });
  const vectors = Float32Array.from(art.itemIds.flatMap((id) => (id.startsWith('a') ? [1, 0] : id.startsWith('b') ? [0, 1] : [0.3, 0.3])));
  const factors = { dims: 2, reg: 0.1, alpha: 20, beta, vectors };
  return { model: createModel(art, art.params, null, factors), factors };
}
export const bought = (...ids: string[]) => ids.map((itemId) => ({ itemId, type: 'purchase' }));
