// @vitest-environment node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact } from '../../src/recommend/artifact';
import { createModel } from '../../src/recommend/model';
import { DEFAULT_PARAMS, resolveParams } from '../../src/recommend/params';
import { rank } from '../../src/recommend/rank';
import { createRecommendStream } from '../../src/recommend/stream';
import { collectRerankData, fitReranker } from '../../tools/next-item/rerank';
import { artifactSessions, buildArtifact } from '../../tools/next-item/build';
import {
  expandPrefixes,
  hasDataset,
  parsePrefixes,
  parseSessions,
  readTestPrefixes,
  splitValidation,
} from '../../tools/next-item/data';
import { MODELS_DIR, readArtifact } from '../../tools/next-item/io';
import { TopKMetrics } from '../../tools/next-item/metrics';
import { coordinateAscent } from '../../tools/next-item/tune';
import { vsknnRanker } from '../../tools/next-item/vsknn';

// Tiny store log: shoes go with socks, then laces; phones go with cases, then chargers.
const LOG = parseSessions(`
shoe sock lace
shoe sock
shoe sock lace
sock lace
phone case charger
phone case
phone charger
shoe sock lace
hat scarf
`);
const views = (...ids: string[]) => ids.map((itemId) => ({ itemId, type: 'product_view' }));
const model = (params = {}) => createModel(buildArtifact(LOG, { ...params, popularityWeight: 0.001 }));

describe('next-item model: training', () => {
  it('finds the co-viewed items as neighbours, the next clicked item first', () => {
    const recs = rank(model({ repeatWeight: 0, selfVote: 0 }), views('shoe'), { k: 3 });
    expect(recs[0].itemId).toBe('sock');
    expect(recs.map((r) => r.itemId)).toContain('lace');
    expect(recs[0].reason).toMatch(/shoe/);
    const phone = rank(model({ repeatWeight: 0, selfVote: 0 }), views('phone'), { k: 2 }).map((r) => r.itemId);
    expect(phone.sort()).toEqual(['case', 'charger']);
  });

  it('weighs recent prefix items more than old ones', () => {
    const recs = rank(model({ repeatWeight: 0, selfVote: 0, lambdaPos: 0.5 }), views('shoe', 'phone'), { k: 2 });
    expect(['case', 'charger']).toContain(recs[0].itemId);
  });

  it('recommends a repeat of a viewed item when the repeat boost is high', () => {
    const recs = rank(model({ repeatWeight: 5 }), views('hat'), { k: 1 });
    expect(recs[0]).toMatchObject({ itemId: 'hat', reason: 'viewed recently' });
  });
});

describe('rank()', () => {
  const m = model();
  it('returns k items, sorted by score', () => {
    const recs = rank(m, views('shoe'), { k: 4 });
    expect(recs).toHaveLength(4);
    for (let i = 1; i < recs.length; i++) expect(recs[i - 1].score).toBeGreaterThanOrEqual(recs[i].score);
    expect(rank(m, views('shoe'))).toHaveLength(8); // all 8 items: fewer than k = 10 exist
  });

  it('restricts to candidates and drops excluded items', () => {
    expect(rank(m, views('shoe'), { k: 5, candidates: ['lace', 'hat', 'nope'] }).map((r) => r.itemId).sort()).toEqual([
      'hat',
      'lace',
    ]);
    expect(rank(m, views('shoe'), { k: 10, exclude: ['sock'] }).map((r) => r.itemId)).not.toContain('sock');
  });

  it('leaves purchased items out unless asked, and weighs carted items more', () => {
    const hist = [{ itemId: 'shoe' }, { itemId: 'sock', type: 'purchase' }];
    expect(rank(m, hist, { k: 10 }).map((r) => r.itemId)).not.toContain('sock');
    expect(rank(m, hist, { k: 10, includePurchased: true }).map((r) => r.itemId)).toContain('sock');
    const carted = rank(model({ lambdaPos: 1, cartWeight: 10, repeatWeight: 0, selfVote: 0 }), [{ itemId: 'phone', type: 'add_to_cart' }, { itemId: 'shoe' }], { k: 2 });
    expect(['case', 'charger']).toContain(carted[0].itemId);
  });

  it('uses past sessions as weaker context', () => {
    const recs = rank(m, { session: views('hat'), past: views('phone') }, { k: 10 }).map((r) => r.itemId);
    expect(recs.indexOf('scarf')).toBeLessThan(recs.indexOf('case'));
    expect(recs).toContain('case');
  });

  it('returns popular items for an empty or unknown history, and is deterministic', () => {
    expect(rank(m, views('unknown'), { k: 3 })).toHaveLength(3);
    expect(rank(m, [], { k: 3 })[0].reason).toBe('popular now');
    expect(rank(m, views('shoe', 'sock'), { k: 5 })).toEqual(rank(m, views('shoe', 'sock'), { k: 5 }));
  });

  it('throws TypeError naming the bad option', () => {
    expect(() => rank(m, views('shoe'), { k: 0 })).toThrow(/options\.k/);
    expect(() => rank(m, views('shoe'), { exclude: 3 as unknown as string[] })).toThrow(/options\.exclude/);
    expect(() => rank(m, 'shoe' as never)).toThrow(TypeError);
    expect(() => rank(m, views('shoe'), null as never)).toThrow(/^options: must be an object/);
    expect(() => resolveParams({ lambdaPos: -1 })).toThrow(/params\.lambdaPos/);
    expect(() => resolveParams({ neighbours: 1.5 })).toThrow(/params\.neighbours/);
  });
});

describe('rank() option validation', () => {
  const m = model();
  const run = (options: unknown) => () => rank(m, views('shoe'), options as never);

  it('rejects a string as candidates or exclude instead of reading it character by character', () => {
    expect(run({ candidates: 'lace' })).toThrow(TypeError);
    expect(run({ candidates: 'lace' })).toThrow('options.candidates: must be an iterable of item ids (strings), not a string');
    expect(run({ exclude: 'sock' })).toThrow(/^options\.exclude: must be an iterable of item ids \(strings\), not a string/);
    expect(rank(m, views('shoe'), { candidates: ['lace'] }).map((r) => r.itemId)).toEqual(['lace']);
  });

  it('rejects a candidate or excluded id that is not a string or finite number, naming options.candidates[i]', () => {
    expect(run({ candidates: ['lace', null] })).toThrow(/^options\.candidates\[1\]: must be an item id/);
    expect(run({ candidates: new Set(['lace', { id: 'hat' }]) })).toThrow(/options\.candidates\[1\]/);
    expect(run({ exclude: [NaN] })).toThrow(/^options\.exclude\[0\]/);
    expect(run({ candidates: [undefined] })).toThrow(TypeError);
  });

  it('matches numeric ids as strings, the way track() stores a numeric itemId', () => {
    const numeric = createModel(buildArtifact(parseSessions('1 2 3\n1 2\n2 3\n4 5\n'), { popularityWeight: 0.001 }));
    expect(rank(numeric, views('1'), { candidates: [3 as unknown as string] }).map((r) => r.itemId)).toEqual(['3']);
    expect(rank(numeric, views('1'), { k: 10, exclude: [2 as unknown as string] }).map((r) => r.itemId)).not.toContain('2');
  });

  it('rejects a non-boolean includePurchased', () => {
    expect(run({ includePurchased: 'yes' })).toThrow(TypeError);
    expect(run({ includePurchased: 'yes' })).toThrow(/^options\.includePurchased: must be a boolean/);
    expect(run({ includePurchased: 1 })).toThrow(/options\.includePurchased/);
    expect(run({ includePurchased: false })).not.toThrow();
  });

  it('rejects unknown option keys, naming the key and listing the known ones', () => {
    expect(run({ K: 5 })).toThrow(TypeError);
    expect(run({ K: 5 })).toThrow('options.K: is not a known option (known: k, candidates, exclude, includePurchased, taste)');
    expect(run({ limit: 5 })).toThrow(/^options\.limit: is not a known option/);
    expect(run({ k: 3, candidates: undefined, exclude: undefined, includePurchased: undefined, taste: undefined })).not.toThrow();
  });
});

describe('artifact codec', () => {
  it('round-trips sessions, ids and params exactly', () => {
    const a = buildArtifact(LOG, { neighbours: 7, lambdaPos: 1.25 });
    const { manifest, binary } = encodeArtifact({ itemIds: a.itemIds, sessions: artifactSessions(a), params: a.params, meta: { x: 1 } });
    const b = decodeArtifact(JSON.parse(JSON.stringify(manifest)), binary.slice().buffer);
    expect(b.itemIds).toEqual(a.itemIds);
    expect([...b.sessionStart]).toEqual([...a.sessionStart]);
    expect([...b.sessionItems]).toEqual([...a.sessionItems]);
    expect(b.params).toEqual(a.params);
    expect(b.meta).toEqual({ x: 1 });
    expect(rank(createModel(b), views('shoe'), { k: 5 })).toEqual(rank(createModel(a), views('shoe'), { k: 5 }));
  });

  it('uses 4-byte indices above 65,536 items and long-session varints', () => {
    const ids = Array.from({ length: 70_000 }, (_, i) => `sku-${i}`);
    const long = Array.from({ length: 300 }, (_, i) => 69_999 - i);
    const { manifest, binary } = encodeArtifact({ itemIds: ids, sessions: [[0, 69_999], long], params: DEFAULT_PARAMS });
    expect(manifest.itemBytes).toBe(4);
    const b = decodeArtifact(JSON.stringify(manifest), binary);
    expect([...b.sessionItems.subarray(2)]).toEqual(long);
    expect(b.itemIds[69_999]).toBe('sku-69999');
  });

  it('rejects malformed artifacts with TypeError naming the field', () => {
    const a = buildArtifact(LOG);
    const { manifest, binary } = encodeArtifact({ itemIds: a.itemIds, sessions: artifactSessions(a), params: a.params });
    expect(() => decodeArtifact({ ...manifest, format: 'x' }, binary)).toThrow(/manifest\.format/);
    expect(() => decodeArtifact({ ...manifest, sections: { ...manifest.sections, ids: [0, 1e9] } }, binary)).toThrow(/sections\.ids/);
    expect(() => decodeArtifact(manifest, binary.subarray(0, 10))).toThrow(TypeError);
    expect(() => encodeArtifact({ itemIds: ['a'], sessions: [[1]], params: DEFAULT_PARAMS })).toThrow(/item index/);
  });
});

describe('evaluation tools', () => {
  it('computes P@20 and MRR@20 in percent on a hand-made case', () => {
    const m = new TopKMetrics(20);
    const ranked = Array.from({ length: 25 }, (_, i) => `i${i}`);
    m.add(ranked, 'i0'); // rank 1
    m.add(ranked, 'i3'); // rank 4
    m.add(ranked, 'i22'); // beyond 20: miss
    m.add(ranked, 'zz'); // absent: miss
    const r = m.result();
    expect(r.p20).toBeCloseTo(50);
    expect(r.mrr20).toBeCloseTo((100 * (1 + 1 / 4)) / 4);
  });

  it('builds validation prefixes like the test file, from the newest sessions', () => {
    expect(expandPrefixes([['a', 'b', 'c']])).toEqual([
      { prefix: ['a'], target: 'b' },
      { prefix: ['a', 'b'], target: 'c' },
    ]);
    const { fit, validation } = splitValidation(LOG, 0.25);
    expect(fit).toHaveLength(6);
    expect(validation[0]).toEqual({ prefix: ['phone'], target: 'charger' });
    expect(parsePrefixes('1 2\t3\n')).toEqual([{ prefix: ['1', '2'], target: '3' }]);
    expect(() => parsePrefixes('1 2 3\n')).toThrow(/line 1/);
  });

  it('V-SKNN baseline votes for co-viewed items', () => {
    const r = vsknnRanker(model(), { k: 10, sample: 100, idfWeight: 0, remind: false });
    expect(r(['phone'], 2).sort()).toEqual(['case', 'charger']);
  });

  it('coordinate ascent finds the best grid value', () => {
    const res = coordinateAscent({ x: 0, y: 0 }, { x: [1, 2, 3], y: [5, 1] }, (p) => ({ p20: -Math.abs(p.x - 2), mrr20: p.y }));
    expect(res.best.params).toEqual({ x: 2, y: 5 });
  });
});

describe('streaming and learned parts', () => {
  it('a stream ranks exactly like rank() on the same events', () => {
    const m = model();
    const st = createRecommendStream(m, 50);
    for (const e of views('phone', 'case')) st.push(e);
    st.push({ type: 'search' });
    expect(st.rank({ k: 5 })).toEqual(rank(m, views('phone', 'case'), { k: 5 }));
    st.newSession();
    st.push({ itemId: 'hat' });
    expect(st.rank({ k: 5 })).toEqual(rank(m, { session: views('hat'), past: views('phone', 'case') }, { k: 5 }));
    expect(() => createRecommendStream(m, 0)).toThrow(/maxEvents/);
  });

  it('a stream keeps leaving out a purchase that fell out of its event lists', () => {
    const m = model();
    const st = createRecommendStream(m, 3);
    st.push({ itemId: 'sock', type: 'purchase' });
    for (const id of ['shoe', 'lace', 'phone', 'case']) {
      st.newSession();
      st.push({ itemId: id });
    }
    const all = rank(m, { session: views('case'), past: views('lace', 'phone') }, { k: 20 }).map((r) => r.itemId);
    expect(all).toContain('sock'); // what the lists alone would give (the purchase is 4 events back)
    const ids = st.rank({ k: 20 }).map((r) => r.itemId);
    expect(ids).not.toContain('sock');
    expect(ids).toEqual(all.filter((id) => id !== 'sock'));
    expect(st.rank({ k: 20, includePurchased: true }).map((r) => r.itemId)).toEqual(all);
    // rank() takes the same memory as history.purchased
    expect(rank(m, { session: views('case'), past: views('lace', 'phone'), purchased: new Set(['sock', 'unknown']) }, { k: 20 }).map((r) => r.itemId)).toEqual(ids);
    expect(() => rank(m, { session: [], purchased: 'sock' as never })).toThrow(/history\.purchased/);
  });

  it('a fitted re-ranker learns to put the target first and survives the codec', () => {
    const a = buildArtifact(LOG, { popularityWeight: 0.001 });
    const m = createModel(a, a.params, null);
    // Cases where the next item is always the one co-viewed *before* the prefix item.
    const cases = Array.from({ length: 40 }, () => [
      { prefix: ['lace'], target: 'sock' },
      { prefix: ['charger'], target: 'phone' },
    ]).flat();
    const data = collectRerankData(m, cases);
    expect(data.target.length).toBe(cases.length);
    const rr = fitReranker(data, { epochs: 30, lr: 0.1 });
    const top = (mm: typeof m, id: string) => rank(mm, views(id), { k: 1 })[0].itemId;
    const learned = createModel(a, a.params, rr);
    expect(top(m, 'lace')).toBe('lace'); // the blend's repeat boost puts the viewed item first
    expect(top(learned, 'lace')).toBe('sock');
    expect(top(learned, 'charger')).toBe('phone');
    const { manifest, binary } = encodeArtifact({ itemIds: a.itemIds, sessions: artifactSessions(a), params: a.params, reranker: rr });
    expect(decodeArtifact(manifest, binary).reranker).toEqual(rr);
    expect(() => decodeArtifact({ ...manifest, reranker: { ...manifest.reranker!, weights: [1] } }, binary)).toThrow(/reranker\.weights/);
  });
});

describe('committed artifacts', () => {
  const dir = join(MODELS_DIR, 'diginetica');
  const hasModel = existsSync(join(dir, 'manifest.json'));
  it.skipIf(!hasModel)('the Diginetica artifact decodes, is ≤ 3 MB gzipped and ranks a prefix in milliseconds (needs models/next-item/diginetica)', () => {
    const { artifact, bytesGzip } = readArtifact(dir);
    expect(bytesGzip).toBeLessThanOrEqual(3e6);
    const m = createModel(artifact);
    // A prefix taken from the artifact itself: the first clicks of its newest session.
    const s = artifact.sessionStart.length - 2;
    const ids = Array.from(artifact.sessionItems.subarray(artifact.sessionStart[s], artifact.sessionStart[s + 1]), (i) => artifact.itemIds[i]);
    rank(m, views(...ids.slice(0, 3)), { k: 10 });
    const t0 = performance.now();
    const recs = rank(m, views(...ids.slice(0, 3)), { k: 10 });
    expect(performance.now() - t0).toBeLessThan(100);
    expect(recs).toHaveLength(10);
    expect(new Set(recs.map((r) => r.itemId)).size).toBe(10);
  });

  it.skipIf(!hasDataset('diginetica'))('test prefixes parse and their items are in the artifact (needs ../shared/data; set HUNCH_DATA)', () => {
    const cases = readTestPrefixes('diginetica');
    expect(cases.length).toBeGreaterThan(1000);
    const { artifact } = readArtifact(dir);
    const known = new Set(artifact.itemIds);
    const unknown = cases.filter((c) => !known.has(c.target)).length;
    expect(unknown / cases.length).toBeLessThan(0.01);
  });
});
