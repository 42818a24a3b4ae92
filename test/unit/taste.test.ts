// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact } from '../../src/recommend/artifact';
import { bought, handSet, LOG, trained } from './taste-fixture';
import { alsSolve, blendTaste, dequantizeFactors, factorGram, factorsKey, foldIn, GRAM_ROWS_PER_STEP, gramSteps, quantizeFactors, type ItemFactors } from '../../src/recommend/factors';
import { gram } from '../../src/linalg';
import { createModel } from '../../src/recommend/model';
import { rank } from '../../src/recommend/rank';
import { runToEnd } from '../../src/slice';
import { guardTaste, knownItems } from '../../src/personalize/taste';
import { artifactSessions, buildArtifact } from '../../tools/next-item/build';
import { parseSessions } from '../../tools/next-item/data';
import { selectBeta, trainItemFactors } from '../../tools/next-item/factors';
import { summarize, MRR20 } from '../../tools/personalize/summary';

const idx = (m: ReturnType<typeof createModel>, ...ids: string[]) => ids.map((id) => m.indexOf.get(id)!);
const dot = (f: ItemFactors, u: ArrayLike<number>, i: number) => Array.from(u).reduce((s, v, d) => s + v * f.vectors[i * f.dims + d], 0);

describe('item factors and the taste fit', () => {
  it('the ALS step solves its normal equations', () => {
    const { model, factors } = trained();
    const rows = idx(model, 'a1', 'a2', 'a5');
    const u = alsSolve(factors.vectors, factorGram(factors), 4, rows, 0.1, 20);
    const G = factorGram(factors);
    for (let a = 0; a < 4; a++) {
      let lhs = 0.1 * u[a];
      for (let c = 0; c < 4; c++) lhs += G[a * 4 + c] * u[c];
      let rhs = 0;
      for (const r of rows) {
        const v = (d: number) => factors.vectors[r * 4 + d];
        lhs += 20 * v(a) * [0, 1, 2, 3].reduce((s, d) => s + v(d) * u[d], 0);
        rhs += 21 * v(a);
      }
      expect(lhs).toBeCloseTo(rhs, 6);
    }
  });

  it('the Gram matrix is built in slices on the device (no long task), equals the one-shot product, and is cached', () => {
    const vectors = Float32Array.from({ length: 2500 * 3 }, (_, i) => Math.sin(i));
    const gen = gramSteps({ vectors, dims: 3 });
    let slices = 0;
    let r = gen.next();
    for (; !r.done; r = gen.next()) slices++;
    expect(slices).toBe(Math.ceil(2500 / GRAM_ROWS_PER_STEP) - 1);
    const once = gram(vectors, 2500, 3);
    (r.value as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(once[i], 9));
    const again = gramSteps({ vectors, dims: 3 });
    const first = again.next();
    expect(first.done).toBe(true); // cached: no more slices
    expect(factorGram({ vectors, dims: 3 })).toBe(first.value);
  });

  it('training puts items bought together close, and a taste from a-items prefers the other a-items', () => {
    const { model, factors } = trained();
    const u = foldIn(factors, idx(model, 'a1', 'a2', 'a3'));
    const [a4, b4] = idx(model, 'a4', 'b4');
    expect(dot(factors, u, a4)).toBeGreaterThan(dot(factors, u, b4) + 0.2);
  });

  it('int8 quantization keeps every value within half a step, and the codec round-trips factors', () => {
    const { factors } = trained();
    const q = quantizeFactors(factors.vectors, 4);
    const back = dequantizeFactors(q.codes, q.scales, 4);
    for (let i = 0; i < back.length; i++) expect(Math.abs(back[i] - factors.vectors[i])).toBeLessThanOrEqual(q.scales[Math.floor(i / 4)] / 2 + 1e-7);
    const art = buildArtifact(LOG);
    const { manifest, binary } = encodeArtifact({ itemIds: art.itemIds, sessions: artifactSessions(art), params: art.params, factors: { ...factors, beta: 0.7 } });
    expect(manifest.factors).toMatchObject({ dims: 4, reg: 0.1, alpha: 20, beta: 0.7 });
    const dec = decodeArtifact(JSON.parse(JSON.stringify(manifest)), binary);
    expect(Array.from(dec.factors!.vectors)).toEqual(Array.from(back));
    expect(factorsKey(dec.factors!)).toBe(factorsKey({ dims: 4, vectors: back }));
    expect(factorsKey(dec.factors!)).not.toBe(factorsKey({ dims: 4, vectors: factors.vectors.map((v) => v + 1) }));
    expect(() => decodeArtifact({ ...manifest, factors: { ...manifest.factors!, dims: 5 } }, binary)).toThrow(/manifest.factors/);
    expect(() => decodeArtifact({ ...manifest, factors: { ...manifest.factors!, codes: [binary.length, 8] } }, binary)).toThrow(/manifest.factors.codes/);
    expect(() => decodeArtifact({ ...manifest, factors: { ...manifest.factors!, reg: -1 } }, binary)).toThrow(/factors.reg/);
  });
});

describe('rank() with a taste', () => {
  it('re-orders the top of the list toward the taste; β = 0 leaves it alone', () => {
    const { model, factors } = handSet();
    const after = rank(model, [{ itemId: 'x' }], { k: 12 }).map((r) => r.itemId);
    expect(after.slice(0, 6).every((id) => id.startsWith('a'))).toBe(true); // the store alone favours a after x
    const u = foldIn(factors, idx(model, 'b1', 'b2', 'b3'));
    const withTaste = rank(model, [{ itemId: 'x' }], { k: 12, taste: u }).map((r) => r.itemId);
    expect(new Set(withTaste)).toEqual(new Set(after));
    expect(withTaste.slice(0, 6).every((id) => id.startsWith('b'))).toBe(true);
    const flat = { ...model, factors: { ...factors, beta: 0 } };
    expect(rank(flat, [{ itemId: 'x' }], { k: 12, taste: u }).map((r) => r.itemId)).toEqual(after);
  });

  it('blendTaste keeps the items below the blended depth in order, scored under the rest', () => {
    const { model, factors } = trained();
    const u = foldIn(factors, idx(model, 'b1', 'b2'));
    const items = idx(model, 'a1', 'b1', 'a2', 'b2', 'x');
    const out = blendTaste(factors, u, items, [5, 4, 3, 2, 1], 4);
    expect(out.items[4]).toBe(items[4]);
    expect(out.scores[4]).toBeLessThan(Math.min(...out.scores.slice(0, 4)));
    expect(out.items.slice(0, 4).sort()).toEqual(items.slice(0, 4).sort());
  });

  it('throws TypeError for a taste on a model without factors, or of the wrong length', () => {
    const { model } = trained();
    const plain = createModel(buildArtifact(LOG));
    expect(() => rank(plain, [{ itemId: 'x' }], { taste: [0, 0, 0, 0] })).toThrow(/options.taste: this item model has no factors/);
    expect(() => rank(model, [{ itemId: 'x' }], { taste: [0, 0] })).toThrow(/options.taste must be 4 numbers/);
    expect(() => rank(model, [{ itemId: 'x' }], { taste: [0, NaN, 0, 0] })).toThrow(TypeError);
  });
});

describe('the taste guard', () => {
  it('adopts a taste when the held-out items follow it, and keeps none when they go against it', () => {
    const { model } = handSet();
    const yes = runToEnd(guardTaste(model, bought('b1', 'b2', 'b3', 'x', 'b5'), null));
    expect(yes.result).toMatchObject({ adopted: true, examples: 4, items: { train: 4, holdout: 1 } });
    expect(yes.result.after).toBeGreaterThan(yes.result.before);
    expect(yes.taste).toHaveLength(2);
    expect(yes.result).toMatchObject({ reverted: false, base: yes.result.before }); // no taste in use: nothing to drop
    const no = runToEnd(guardTaste(model, bought('b1', 'b2', 'b3', 'x', 'a5'), null));
    expect(no.result.adopted).toBe(false);
    expect(no.result.after).toBeLessThan(no.result.before);
    expect(no.taste).toBeNull();
  });

  it('compares against the taste in use, and skips with a reason when it cannot run', () => {
    const { model } = handSet();
    const first = runToEnd(guardTaste(model, bought('b1', 'b2', 'b3', 'x', 'b5'), null)).taste!;
    const again = runToEnd(guardTaste(model, bought('b1', 'b2', 'b3', 'x', 'b5'), first));
    expect(again.result.adopted).toBe(false); // the same fit cannot beat itself
    expect(again.taste).toBe(first);
    // the held-out item goes against the taste in use: no taste ranks it better, so the taste is dropped
    const drop = runToEnd(guardTaste(model, bought('b1', 'b2', 'b3', 'x', 'a5'), first));
    expect(drop.result).toMatchObject({ adopted: false, reverted: true });
    expect(drop.result.base).toBeGreaterThan(drop.result.before);
    expect(drop.taste).toBeNull();
    expect(runToEnd(guardTaste(model, bought('a1', 'zz', 'a2'), null)).result.skipped).toMatch(/needs 4 known items, has 2/);
    expect(runToEnd(guardTaste(createModel(buildArtifact(LOG)), bought('a1', 'a2', 'a3', 'a4', 'a5'), null)).result.skipped).toMatch(/no factors/);
    expect(knownItems(model, [{ itemId: 'a1' }, { itemId: 'zz' }, { itemId: 'a2', type: 'add_to_cart' }, { itemId: 'a1', type: 'purchase' }, {}])).toEqual([
      { itemId: 'a2', type: 'add_to_cart' },
      { itemId: 'a1', type: 'purchase' },
    ]);
  });

  it('β is chosen on validation cases, 0 included', () => {
    const { model, factors } = handSet();
    const cases = [{ prefix: ['b1', 'b2', 'x'], target: 'b6' }, { prefix: ['b3', 'b4', 'x'], target: 'b5' }];
    const { beta, mrr20 } = selectBeta(model, factors, cases);
    expect(beta).toBeGreaterThan(0);
    expect(mrr20.get(beta)!).toBeGreaterThan(mrr20.get(0)!);
  });

  it('the harness orients MRR so that a higher personalized rank is a lift', () => {
    const s = summarize([{ user: 'u', global: 0.1, personalized: 0.5, adopted: true, sessions: { past: 4, later: 1 } }], MRR20);
    expect(s.diff).toBeCloseTo(0.4, 12);
    expect(s.helped).toBe(1);
  });
});
