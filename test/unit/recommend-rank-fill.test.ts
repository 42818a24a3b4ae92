// @vitest-environment node
// rank(): popularity fills the list up to k past exclusions (only the 200 most popular items were
// ever candidates, so k = 500 returned 200), and the rules reason names the item the rule came from.
import { describe, expect, it } from 'vitest';
import { createModel } from '../../src/recommend/model';
import { fillPopular, POPULAR_CANDIDATES, popularOrderSteps } from '../../src/recommend/popular';
import { rank } from '../../src/recommend/rank';
import { runToEnd, STEP_UNITS } from '../../src/slice';
import { buildArtifact } from '../../tools/next-item/build';

/** 700 items in pairs, item i clicked in more sessions than item i + 1 (so popularity falls with the index). */
function bigStore() {
  const n = 700;
  const sessions: string[][] = [];
  for (let i = 0; i < n; i += 2) for (let r = 0; r < Math.ceil((n - i) / 50); r++) sessions.push([`i${1000 + i}`, `i${1001 + i}`]);
  return createModel(buildArtifact(sessions, { lambdaRecency: 1e9 }));
}

describe('rank(): popularity fills up to k', () => {
  const model = bigStore();
  const ids = (recs: { itemId: string }[]) => recs.map((r) => r.itemId);

  it('k = 500 with an empty history returns 500 items (was 200), distinct, by popularity', () => {
    const recs = rank(model, [], { k: 500 });
    expect(recs).toHaveLength(500);
    expect(new Set(ids(recs)).size).toBe(500);
    expect(ids(recs)).toEqual(Array.from(model.popularOrder.subarray(0, 500), (i) => model.itemIds[i]));
    for (let x = 1; x < recs.length; x++) expect(recs[x].score).toBeLessThanOrEqual(recs[x - 1].score);
  });

  it('k = 250 excluding the 150 most popular returns 250 (was 50), none of them excluded', () => {
    const top = ids(rank(model, [], { k: 250 }));
    const recs = ids(rank(model, [], { k: 250, exclude: top.slice(0, 150) }));
    expect(recs).toHaveLength(250);
    expect(recs.filter((id) => top.slice(0, 150).includes(id))).toEqual([]);
  });

  it('a history and purchases: k items, purchased ones still left out, the head of the list unchanged', () => {
    const history = [{ itemId: 'i1400', type: 'product_view' }, { itemId: 'i1003', type: 'purchase' }, { itemId: 'i1500', type: 'product_view' }];
    const recs = ids(rank(model, history, { k: 1000 }));
    expect(recs).toHaveLength(model.nItems - 1);
    expect(recs).not.toContain('i1003');
    expect(new Set(recs).size).toBe(recs.length);
    expect(recs.slice(0, 20)).toEqual(ids(rank(model, history, { k: 20 })));
  });

  it('candidates are never filled past (only they may be returned)', () => {
    expect(ids(rank(model, [], { k: 500, candidates: ['i1600', 'i1601', 'nope'] }))).toEqual(['i1600', 'i1601']);
  });

  it('the popularity order holds every item, ties by lower index, built in steps', () => {
    const pop = Float64Array.from({ length: 3 * STEP_UNITS + 5 }, (_, i) => (i * 7919) % 97);
    const steps = popularOrderSteps(pop);
    let yields = 0;
    let r = steps.next();
    for (; !r.done; r = steps.next()) yields++;
    const expected = Array.from(pop.keys()).sort((a, b) => pop[b] - pop[a] || a - b);
    expect(Array.from(r.value)).toEqual(expected);
    expect(yields).toBeGreaterThanOrEqual(Math.log2(pop.length) * 3);
    expect(Array.from(runToEnd(popularOrderSteps(new Float64Array(0))))).toEqual([]);
    expect(model.popularOrder).toHaveLength(model.nItems);
  });

  it('fillPopular skips scored and excluded items and scores the fill under the list', () => {
    const order = Uint32Array.from({ length: POPULAR_CANDIDATES + 10 }, (_, i) => i);
    const items = [3];
    const scores = [0.5];
    const skip = new Uint8Array(order.length);
    skip[POPULAR_CANDIDATES] = 1;
    fillPopular(order, items, scores, 4, skip, new Set([POPULAR_CANDIDATES + 1]));
    expect(items).toEqual([3, POPULAR_CANDIDATES + 2, POPULAR_CANDIDATES + 3, POPULAR_CANDIDATES + 4]);
    expect(scores).toEqual([0.5, -0.5, -1.5, -2.5]);
  });
});

describe('rank(): the rules reason', () => {
  it('names the prefix item whose rules voted most, not always the last one', () => {
    // after p the store clicks c; after q (the last item) nothing follows that c could come from
    const sessions = [...Array.from({ length: 6 }, () => ['p', 'c']), ['q', 'z'], ['y', 'q']];
    const model = createModel(buildArtifact(sessions, { rulesWeight: 50, popularityWeight: 0, neighbours: 1, sample: 1 }));
    const recs = rank(model, [{ itemId: 'p' }, { itemId: 'q' }], { k: 5 });
    expect(recs.find((r) => r.itemId === 'c')?.reason).toBe('often viewed after p');
    expect(recs.find((r) => r.itemId === 'z')?.reason).toBe('often viewed after q');
  });
});
