// @vitest-environment node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeArtifact, decodeArtifactSteps, encodeArtifact } from '../../src/recommend/artifact';
import { loadNextItemModel } from '../../src/recommend/load';
import { CONTEXT_FEATURE_NAMES, contextFeatures, FEATURE_NAMES, N_FEATURES, N_LINEAR_FEATURES } from '../../src/recommend/features';
import { cooccurrence, itemStats, transitions } from '../../src/recommend/item-stats';
import { createModel } from '../../src/recommend/model';
import { rank } from '../../src/recommend/rank';
import { checkTrees, scoreTrees, type TreeReranker } from '../../src/recommend/trees';
import { artifactSessions, buildArtifact } from '../../tools/next-item/build';
import { DATASETS, parseSessions } from '../../tools/next-item/data';
import { MODELS_DIR, readArtifact } from '../../tools/next-item/io';
import { collectRerankData } from '../../tools/next-item/rerank';
import { fitTrees } from '../../tools/next-item/trees';

const LOG = parseSessions(`
a b c
a b
b a b
c a
x y
a b c d
d c
`);
const views = (...ids: string[]) => ids.map((itemId) => ({ itemId, type: 'product_view' }));
const f = (name: (typeof CONTEXT_FEATURE_NAMES)[number]) => N_LINEAR_FEATURES + CONTEXT_FEATURE_NAMES.indexOf(name);

describe('item statistics', () => {
  const a = buildArtifact(LOG);
  const m = createModel(a);
  const s = itemStats(m);
  const ix = (id: string) => m.indexOf.get(id)!;

  it('counts adjacent transitions and co-occurring sessions like a brute-force pass over the log', () => {
    for (const p of a.itemIds) {
      for (const q of a.itemIds) {
        let adj = 0;
        let both = 0;
        for (const sess of LOG) {
          for (let i = 0; i + 1 < sess.length; i++) if (sess[i] === p && sess[i + 1] === q && p !== q) adj++;
          if (sess.includes(p) && sess.includes(q)) both++;
        }
        expect(transitions(s, ix(p), ix(q))).toBe(adj);
        const out = new Float64Array(1);
        cooccurrence(m, s, ix(p), [ix(q)], out);
        expect(out[0]).toBe(both);
      }
    }
    expect(transitions(s, -1, ix('a'))).toBe(0);
    expect(itemStats(m)).toBe(s); // cached per model
  });

  it('writes the context features after the vote features, from the session and the log', () => {
    const items = [ix('b'), ix('c'), ix('y')];
    const out = new Float64Array(items.length * N_FEATURES);
    contextFeatures(m, s, [ix('c'), ix('a')], items, out, new Float64Array(2 * items.length));
    const row = (r: number, name: Parameters<typeof f>[0]) => out[r * N_FEATURES + f(name)];
    expect(row(0, 'succLast')).toBeCloseTo(Math.log1p(4)); // a → b four times
    expect(row(0, 'succLastShare')).toBeCloseTo(1); // every transition out of a goes to b
    expect(row(0, 'predLast')).toBeCloseTo(Math.log1p(1)); // b → a once
    expect(row(1, 'succPrev')).toBe(0); // c is never followed by c
    expect(row(1, 'isPrev')).toBe(1);
    expect(row(0, 'startShare')).toBeCloseTo(1 / 4); // b starts 1 of its 4 sessions
    expect(row(2, 'coocLast')).toBe(0);
    expect(row(0, 'logLength')).toBeCloseTo(Math.log1p(2));
    for (let k = 0; k < N_LINEAR_FEATURES; k++) expect(out[k]).toBe(0); // left for candidateFeatures
    expect(FEATURE_NAMES).toHaveLength(N_FEATURES);
  });
});

/** A one-tree re-ranker of depth 2 that scores by feature `feat` against `cut`. */
function stump(feat: number, cut: number, depth = 10): TreeReranker {
  // Root splits on feat; its left child is not split ("always left"), its right child splits on feat again.
  return checkTrees({
    depth,
    treeDepth: 2,
    nTrees: 1,
    split: Int16Array.from([feat, -1, feat]),
    threshold: Float32Array.from([cut, 0, cut + 1]),
    leaf: Float32Array.from([-1, 99, 1, 2]),
  });
}

describe('tree re-ranker', () => {
  it('scores by walking each tree; an unsplit node sends everything to its leftmost leaf', () => {
    const rr = stump(0, 0.5);
    const x = new Float64Array(N_FEATURES);
    expect(scoreTrees(rr, x, 0)).toBe(-1);
    x[0] = 1;
    expect(scoreTrees(rr, x, 0)).toBe(1);
    x[0] = 2;
    expect(scoreTrees(rr, x, 0)).toBe(2);
  });

  it('scores float64 features as the trainer saw them (float32): a value on a learned cut goes the same way', () => {
    // the target sits at log1p(6), which float32 rounds down; the trainer cuts exactly there
    const A = Math.log1p(6);
    const B = Math.log1p(7);
    const cases = 200;
    const features = new Float32Array(cases * 2 * N_FEATURES);
    const start = new Uint32Array(cases + 1);
    const target = new Uint32Array(cases);
    for (let c = 0; c < cases; c++) {
      features[2 * c * N_FEATURES] = B;
      features[(2 * c + 1) * N_FEATURES] = A;
      start[c + 1] = 2 * c + 2;
      target[c] = 1;
    }
    const rr = fitTrees({ features, start, target, missed: 0 }, { trees: 20, depth: 2 });
    const row = (v: number) => Float64Array.from({ length: N_FEATURES }, (_, i) => (i === 0 ? v : 0));
    const asTrained = scoreTrees(rr, row(Math.fround(A)), 0);
    expect(asTrained).toBeGreaterThan(scoreTrees(rr, row(B), 0)); // it learned to lift the target…
    expect(scoreTrees(rr, row(A), 0)).toBe(asTrained); // …and rank()'s float64 value gets the same score (it got the opposite)
  });

  it('survives the artifact codec exactly, and malformed trees are TypeErrors naming the field', () => {
    const a = buildArtifact(LOG);
    const rr = stump(3, 0.25);
    const { manifest, binary } = encodeArtifact({ itemIds: a.itemIds, sessions: artifactSessions(a), params: a.params, reranker: rr });
    expect(manifest.reranker).toMatchObject({ kind: 'trees', nTrees: 1, treeDepth: 2, features: [...FEATURE_NAMES] });
    expect(decodeArtifact(manifest, binary).reranker).toEqual(rr);
    const mr = manifest.reranker as Extract<typeof manifest.reranker, { kind: 'trees' }>;
    expect(() => decodeArtifact({ ...manifest, reranker: { ...mr, nTrees: 2 } }, binary)).toThrow(/reranker\.section length/);
    expect(() => decodeArtifact({ ...manifest, reranker: { ...mr, treeDepth: 13 } }, binary)).toThrow(/reranker\.treeDepth/);
    expect(() => decodeArtifact({ ...manifest, reranker: { ...mr, section: [binary.length, 10] } }, binary)).toThrow(/reranker\.section/);
    expect(() => decodeArtifact({ ...manifest, reranker: { ...mr, features: ['knn'] } }, binary)).toThrow(/reranker\.features/);
    const bad = binary.slice();
    new DataView(bad.buffer).setInt16(mr.section[0], N_FEATURES, true);
    expect(() => decodeArtifact(manifest, bad)).toThrow(/split feature/);
    expect(() => checkTrees({ depth: 1, treeDepth: 2, nTrees: 1, split: new Int16Array(2), threshold: new Float32Array(3), leaf: new Float32Array(4) })).toThrow(/reranker\.split/);
  });

  it('LambdaMART learns a context signal the blend does not use, and rank() applies it', () => {
    // After "a", the log says "b" (a → b 4 times), but the blend ranks by co-occurrence, where the
    // many sessions holding both "a" and "z" win. The trees must learn to follow the transitions.
    const log = parseSessions(
      [...Array.from({ length: 4 }, () => 'a b'), ...Array.from({ length: 6 }, () => 'z a'), ...Array.from({ length: 4 }, () => 'p q'), ...Array.from({ length: 6 }, () => 'r p')].join('\n'),
    );
    const art = buildArtifact(log, { repeatWeight: 0, selfVote: 0, backward: 1, rulesWeight: 0, popularityWeight: 0.001 });
    const plain = createModel(art, art.params, null);
    const top = (mm: typeof plain, id: string) => rank(mm, views(id), { k: 1 })[0].itemId;
    expect(top(plain, 'a')).toBe('z');
    const cases = Array.from({ length: 30 }, () => [
      { prefix: ['a'], target: 'b' },
      { prefix: ['p'], target: 'q' },
    ]).flat();
    const rr = fitTrees(collectRerankData(plain, cases), { trees: 20, treeDepth: 2, subsample: 1, minHessian: 0.01 });
    const learned = createModel(art, art.params, rr);
    expect(top(learned, 'a')).toBe('b');
    expect(top(learned, 'p')).toBe('q');
  });
});

describe('loading in slices', () => {
  it('loadNextItemModel decodes and indexes step by step into the same model as the one-shot path', async () => {
    // 20,000 sessions so every builder loop spans several chunks.
    const sessions = Array.from({ length: 20_000 }, (_, s) => [`i${s % 701}`, `i${(s * 7) % 701}`, `i${(s * 13) % 389}`]);
    const a = buildArtifact(sessions);
    const { manifest, binary } = encodeArtifact({ itemIds: a.itemIds, sessions: artifactSessions(a), params: a.params, reranker: stump(N_LINEAR_FEATURES, 0.5) });
    const files: Record<string, unknown> = { '/m/manifest.json': manifest, '/m/model.bin': binary };
    const fetchFn = async (url: string) => ({
      ok: url in files,
      status: url in files ? 200 : 404,
      json: async () => files[url],
      arrayBuffer: async () => (files[url] as Uint8Array).slice().buffer,
    });
    const sliced = await loadNextItemModel('/m/manifest.json', fetchFn);
    let steps = 0;
    const gen = decodeArtifactSteps(manifest, binary);
    while (!gen.next().done) steps++;
    expect(steps).toBeGreaterThan(5); // the decoder yields between chunks
    const direct = createModel(decodeArtifact(manifest, binary));
    expect(sliced.popularOrder).toEqual(direct.popularOrder);
    expect(sliced.postings).toEqual(direct.postings);
    for (const id of ['i1', 'i7', 'i300']) expect(rank(sliced, views(id), { k: 10 })).toEqual(rank(direct, views(id), { k: 10 }));
    expect(itemStats(sliced).succCount).toEqual(itemStats(direct).succCount);
  });

  it("a manifest cannot send the binary request to another origin (the library's only requests are model files)", async () => {
    const asked: string[] = [];
    const fetchFn = async (url: string) => {
      asked.push(url);
      return { ok: true, status: 200, json: async () => ({ format: 'hunch-next-item', binary: 'https://elsewhere.example/x.bin' }), arrayBuffer: async () => new ArrayBuffer(0) };
    };
    await expect(loadNextItemModel('/m/manifest.json', fetchFn)).rejects.toThrow(/manifest.binary must be on the manifest's origin/);
    await expect(loadNextItemModel('https://shop.example/m/manifest.json', fetchFn)).rejects.toThrow(TypeError);
    expect(asked).toEqual(['/m/manifest.json', 'https://shop.example/m/manifest.json']);
  });
});

describe('committed artifacts with re-rankers', () => {
  for (const dataset of DATASETS) {
    const dir = join(MODELS_DIR, dataset);
    it.skipIf(!existsSync(join(dir, 'manifest.json')))(`${dataset}: the artifact and its re-ranker decode with this feature code (needs models/next-item/${dataset})`, () => {
      const { artifact, manifest } = readArtifact(dir);
      expect(!!artifact.reranker).toBe(!!manifest.reranker);
      const m = createModel(artifact);
      const s = artifact.sessionStart.length - 2;
      const ids = Array.from(artifact.sessionItems.subarray(artifact.sessionStart[s], artifact.sessionStart[s + 1]), (i) => artifact.itemIds[i]);
      const recs = rank(m, views(...ids.slice(0, 2)), { k: 20 });
      expect(recs).toHaveLength(20);
      expect(recs.every((r) => Number.isFinite(r.score))).toBe(true);
    });
  }
});
