// @vitest-environment node
// Malformed artifacts and options the runtime must reject up front (review findings 5–8, 10).
import { describe, expect, it } from 'vitest';
import { guardTaste } from '../../src/personalize/taste';
import { decodeArtifact, decodeArtifactSteps, encodeArtifact, type NextItemArtifact } from '../../src/recommend/artifact';
import { FACTOR_VALUES_PER_STEP, factorsKey } from '../../src/recommend/factors';
import { LINEAR_FEATURE_NAMES } from '../../src/recommend/features';
import { createModel } from '../../src/recommend/model';
import { DEFAULT_PARAMS } from '../../src/recommend/params';
import { rank } from '../../src/recommend/rank';
import { runToEnd, STEP_UNITS } from '../../src/slice';
import { artifactSessions, buildArtifact } from '../../tools/next-item/build';
import { bought, handSet, LOG } from './taste-fixture';

/** The fixture store's artifact, encoded with hand-set factors. */
function encoded() {
  const a = buildArtifact(LOG);
  const { factors } = handSet();
  return { a, ...encodeArtifact({ itemIds: a.itemIds, sessions: artifactSessions(a), params: a.params, factors }) };
}

describe('artifact checks', () => {
  it('an id table with a repeated id is a TypeError naming the field, at decode and at encode', () => {
    const { a, manifest, binary } = encoded();
    // same byte length, so only the repeat is wrong: the second id becomes the first one
    const [first, second] = a.itemIds;
    expect(first.length).toBe(second.length);
    const [o, l] = manifest.sections.ids;
    const text = new TextDecoder().decode(binary.subarray(o, o + l)).split('\n');
    text[1] = first;
    const patched = binary.slice();
    patched.set(new TextEncoder().encode(text.join('\n')), o);
    expect(() => decodeArtifact(manifest, patched)).toThrow(TypeError);
    expect(() => decodeArtifact(manifest, patched)).toThrow(/manifest\.sections\.ids: item id ".*" appears twice/);
    expect(() => encodeArtifact({ itemIds: ['a', 'b', 'a'], sessions: [[0, 1]], params: DEFAULT_PARAMS })).toThrow(/itemIds: "a" appears twice/);
  });

  it('a factor scale or vector that is not finite is a TypeError naming the field', () => {
    const { manifest, binary } = encoded();
    for (const bad of [NaN, Infinity]) {
      const patched = binary.slice();
      new DataView(patched.buffer).setFloat32(manifest.factors!.scales[0] + 4 * 3, bad, true);
      expect(() => decodeArtifact(manifest, patched)).toThrow(/manifest\.factors\.scales: item 3's scale/);
    }
    const { a } = encoded();
    const factors = handSet().factors;
    const vectors = factors.vectors.slice();
    vectors[5] = NaN;
    expect(() => encodeArtifact({ itemIds: a.itemIds, sessions: artifactSessions(a), params: a.params, factors: { ...factors, vectors } })).toThrow(/factors\.vectors\[5\] must be a finite number/);
  });

  it('an id table holding more or fewer ids than nItems is a TypeError (the last id, or a missing one, is not taken for another)', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const { manifest, binary } = encodeArtifact({ itemIds: ids, sessions: [[0, 1]], params: DEFAULT_PARAMS });
    expect(decodeArtifact(manifest, binary).itemIds).toEqual(ids);
    for (const nItems of [2, 3, 5]) expect(() => decodeArtifact({ ...manifest, nItems }, binary)).toThrow(/id table does not match nItems/);
  });

  it('a large catalogue\'s id table is read in steps of at most STEP_UNITS ids (one split and Set pass over 43,000 ids was a 12–46 ms task)', () => {
    const n = 5 * STEP_UNITS + 7;
    const itemIds = Array.from({ length: n }, (_, i) => `item-${i}`);
    const { manifest, binary } = encodeArtifact({ itemIds, sessions: [[0, 1]], params: DEFAULT_PARAMS });
    const steps = decodeArtifactSteps(manifest, binary);
    let yields = 0;
    let r = steps.next();
    for (; !r.done; r = steps.next()) yields++;
    expect(r.value.itemIds).toEqual(itemIds);
    // one session and two clicks take a step each: the rest is the id table, in ⌈n / STEP_UNITS⌉ steps (was 1)
    expect(yields).toBeGreaterThanOrEqual(Math.ceil(n / STEP_UNITS));
  });

  it('item factors are dequantized, checked and keyed in steps during decode (43,000 × 32 values were one 10–20 ms step, and factorsKey another on the first taste read)', () => {
    const nItems = 3 * STEP_UNITS;
    const dims = 32;
    const itemIds = Array.from({ length: nItems }, (_, i) => `item-${i}`);
    const vectors = Float32Array.from({ length: nItems * dims }, (_, i) => ((i * 37) % 101) / 50 - 1);
    const plain = encodeArtifact({ itemIds, sessions: [[0, 1]], params: DEFAULT_PARAMS });
    const withFactors = encodeArtifact({ itemIds, sessions: [[0, 1]], params: DEFAULT_PARAMS, factors: { dims, reg: 0.1, alpha: 1, beta: 1, vectors } });
    const count = (gen: Generator<unknown, NextItemArtifact>) => {
      let yields = 0;
      let r = gen.next();
      for (; !r.done; r = gen.next()) yields++;
      return { yields, artifact: r.value };
    };
    const { yields: base } = count(decodeArtifactSteps(plain.manifest, plain.binary));
    const { yields, artifact } = count(decodeArtifactSteps(withFactors.manifest, withFactors.binary));
    const perPass = Math.ceil((nItems * dims) / FACTOR_VALUES_PER_STEP);
    // dequantize + check, then the key: a pass each over the values (was no yield at all)
    expect(yields - base).toBeGreaterThanOrEqual(2 * perPass);
    const f = artifact.factors!;
    const original = f.vectors.slice();
    // the key was computed while decoding: the first call reads it (vectors are never changed in
    // place; here they are, to see that nothing is hashed after decode)
    f.vectors[0] += 1;
    expect(factorsKey(f)).toBe(factorsKey({ dims, vectors: original }));
    expect(factorsKey({ dims, vectors: f.vectors.slice() })).not.toBe(factorsKey(f));
    // a finite scale can still overflow a value: named as before
    const scales = withFactors.manifest.factors!.scales[0];
    const patched = withFactors.binary.slice();
    new DataView(patched.buffer).setFloat32(scales + 4 * 2, 3e38, true);
    expect(() => decodeArtifact(withFactors.manifest, patched)).toThrow(/factors\.vectors\[6\d\] must be a finite number/);
  });

  it('a session count beyond what the lengths section can hold is a TypeError naming manifest.nSessions, before anything is allocated', () => {
    const { manifest, binary } = encoded();
    for (const nSessions of [2 ** 32, 3e8, manifest.sections.lengths[1] + 1]) {
      expect(() => decodeArtifact({ ...manifest, nSessions }, binary)).toThrow(/^manifest\.nSessions/);
    }
  });
});

describe('rank() k and the taste guard', () => {
  it('k: null is a TypeError naming options.k, as includePurchased: null is; k absent is 10', () => {
    const { model } = handSet();
    expect(() => rank(model, [], { k: null as never })).toThrow(/^options\.k must be an integer/);
    expect(() => rank(model, [], { includePurchased: null as never })).toThrow(/^options\.includePurchased/);
    expect(rank(model, [], { k: undefined })).toHaveLength(Math.min(10, model.nItems));
  });

  it('a re-ranker deeper than 1000 still lets the taste guard run (its lists stop at 1000)', () => {
    const { model: base, factors } = handSet();
    const art = buildArtifact(LOG, { popularityWeight: 0, lambdaPos: 0.05, repeatWeight: 0, selfVote: 0 });
    // weights: the kNN vote only, so the re-ranked order is the blend's knn order
    const weights = LINEAR_FEATURE_NAMES.map((_, i) => (i === 0 ? 1 : 0));
    const deep = createModel(art, art.params, { depth: 1500, weights }, factors);
    const history = bought('b1', 'b2', 'b3', 'x', 'b5');
    const run = runToEnd(guardTaste(deep, history, null));
    expect(run.result.skipped).toBeUndefined();
    expect(run.result.items).toEqual(runToEnd(guardTaste(base, history, null)).result.items);
    expect(Number.isFinite(run.result.after)).toBe(true);
  });
});
