// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { createRecommendService, TASTE_META, type StoredTaste, type TasteEvent } from '../../src/recommend-service';
import { factorsKey } from '../../src/recommend/factors';
import { createModel } from '../../src/recommend/model';
import { rank } from '../../src/recommend/rank';
import { createMemoryStore } from '../../src/store/memory-store';
import { buildArtifact } from '../../tools/next-item/build';
import { handSet, LOG } from './taste-fixture';

let n = 0;
const ev = (sessionId: string, itemId: string, type: HunchEvent['type'] = 'purchase'): HunchEvent => ({ id: `e${++n}`, type, ts: 1000 + n, sessionId, itemId });

async function setup(model = handSet().model, whenIdle: (fn: () => void) => void = () => {}, autoPersonalize?: boolean) {
  const store = createMemoryStore();
  // three ended sessions of a b-shopper, then the open one
  await store.putEvents([ev('s1', 'b1'), ev('s1', 'b2'), ev('s2', 'b3'), ev('s2', 'x'), ev('s3', 'b5'), ev('open', 'x', 'product_view')]);
  const events: TasteEvent[] = [];
  const svc = createRecommendService({
    url: '/m/manifest.json',
    store: () => Promise.resolve(store),
    flush: async () => {},
    loadModel: async () => model,
    sessionId: () => 'open',
    emit: (e) => events.push(e),
    whenIdle,
    autoPersonalize,
  });
  return { store, svc, events, model };
}

describe('recommend service: per-user taste', () => {
  it('personalize() adopts a taste the held-out item supports, stores it, and ranks with it', async () => {
    const { store, svc, events, model } = await setup();
    const before = (await svc.recommend({ k: 6 })).map((r) => r.itemId);
    const r = await svc.personalize();
    expect(r).toMatchObject({ adopted: true, items: { train: 4, holdout: 1 } });
    expect(r.after).toBeGreaterThan(r.before);
    const saved = await store.getMeta<StoredTaste>(TASTE_META);
    expect(saved).toMatchObject({ factors: factorsKey(model.factors!), previous: null, endedSessions: 3 });
    expect(saved!.taste).toHaveLength(2);
    expect(events.map((e) => e.status)).toEqual(['start', 'done']);
    const after = (await svc.recommend({ k: 6 })).map((r) => r.itemId);
    expect(before.filter((id) => id.startsWith('b')).length).toBeLessThan(after.filter((id) => id.startsWith('b')).length);
    svc.reset(); // forget(): history and taste gone
    expect((await svc.recommend({ k: 6 })).map((r) => r.itemId)).toEqual(rank(model, [], { k: 6 }).map((r) => r.itemId));
  });

  it('rollback() puts back the ranking in use before the last adoption, saved for the next page', async () => {
    const { store, svc, model } = await setup();
    const before = (await svc.recommend({ k: 6 })).map((r) => r.itemId);
    expect(await svc.rollback()).toBe(false);
    expect((await svc.personalize()).adopted).toBe(true);
    expect((await svc.recommend({ k: 6 })).map((r) => r.itemId)).not.toEqual(before);
    expect(await svc.rollback()).toBe(true);
    expect((await svc.recommend({ k: 6 })).map((r) => r.itemId)).toEqual(before);
    expect(await store.getMeta<StoredTaste>(TASTE_META)).toMatchObject({ taste: null, previous: null });
    const again = createRecommendService({ url: '/m', store: () => Promise.resolve(store), flush: async () => {}, loadModel: async () => model, sessionId: () => 'open' });
    expect((await again.recommend({ k: 6 })).map((r) => r.itemId)).toEqual(before);
  });

  it('rollback() with an item model that cannot load resolves false (nothing to undo) instead of failing the head\'s undo', async () => {
    const svc = createRecommendService({ url: '/m', store: () => Promise.resolve(createMemoryStore()), flush: async () => {}, loadModel: () => Promise.reject(new Error('HTTP 404')), sessionId: () => 'open' });
    await expect(svc.rollback()).resolves.toBe(false);
  });

  it('a bad option is a TypeError naming it even when the item model cannot load (checked before loading)', async () => {
    const loadModel = vi.fn(() => Promise.reject(new Error('HTTP 404')));
    const svc = createRecommendService({ url: '/m', store: () => Promise.resolve(createMemoryStore()), flush: async () => {}, loadModel, sessionId: () => 'open' });
    await expect(svc.recommend({ k: 0 })).rejects.toThrow(/options\.k must be an integer/);
    await expect(svc.recommend({ kk: 3 } as never)).rejects.toThrow(/options\.kk: is not a known option/);
    await expect(svc.recommend({ exclude: 'a' as never })).rejects.toThrow(/options\.exclude: .*not a string/);
    expect(loadModel).not.toHaveBeenCalled();
    await expect(svc.recommend({ k: 3 })).rejects.toThrow(/HTTP 404/);
  });

  it('a new instance restores the stored taste; other factors invalidate it', async () => {
    const a = await setup();
    await a.svc.personalize();
    const ranked = (await a.svc.recommend({ k: 6 })).map((r) => r.itemId);
    const again = createRecommendService({ url: '/m', store: () => Promise.resolve(a.store), flush: async () => {}, loadModel: async () => a.model, sessionId: () => 'open' });
    expect((await again.recommend({ k: 6 })).map((r) => r.itemId)).toEqual(ranked);
    const other = handSet(2);
    other.factors.vectors[0] += 0.5; // retrained factors
    const changed = createRecommendService({ url: '/m', store: () => Promise.resolve(a.store), flush: async () => {}, loadModel: async () => other.model, sessionId: () => 'open' });
    await changed.load();
    expect(await a.store.getMeta(TASTE_META)).toBeUndefined();
  });

  it('recommend() ranks with the adopted taste only: a taste passed in is a TypeError naming it, as are options that are not an object', async () => {
    const withTaste = await setup();
    const plain = (await withTaste.svc.recommend({ k: 6 })).map((r) => r.itemId);
    await withTaste.svc.personalize();
    const tasted = (await withTaste.svc.recommend({ k: 6 })).map((r) => r.itemId);
    expect(tasted).not.toEqual(plain); // the adopted taste changes the list…
    const { taste } = (await withTaste.store.getMeta<StoredTaste>(TASTE_META))!;
    const asOption = (t: number[]) => ({ k: 6, taste: t }) as Parameters<typeof withTaste.svc.recommend>[0];
    // …but a caller cannot pass one (rank()'s option, not recommend()'s)
    const fresh = await setup();
    await expect(fresh.svc.recommend(asOption(taste!))).rejects.toThrow(/options.taste: is not an option of recommend\(\)/);
    await expect(withTaste.svc.recommend(asOption([0, 0]))).rejects.toThrow(TypeError);
    expect((await withTaste.svc.recommend({ k: 6 })).map((r) => r.itemId)).toEqual(tasted);
    await expect(fresh.svc.recommend(null as never)).rejects.toThrow(TypeError);
    await expect(fresh.svc.recommend(5 as never)).rejects.toThrow(/options: must be an object/);
  });

  it('a run that a forget() overtakes keeps and saves nothing of what it fitted', async () => {
    const { store, model } = await setup();
    let svc: ReturnType<typeof createRecommendService> | undefined;
    // forget() lands while the run reads the history (the flush before it)
    svc = createRecommendService({ url: '/m', store: () => Promise.resolve(store), flush: async () => svc!.reset(), loadModel: async () => model, sessionId: () => 'open' });
    await expect(svc.personalize()).rejects.toThrow(/forgotten meanwhile/);
    expect(await store.getMeta(TASTE_META)).toBeUndefined();
    expect((await svc.recommend({ k: 6 })).map((r) => r.itemId)).toEqual(rank(model, [], { k: 6 }).map((r) => r.itemId));
  });

  it('a model without factors reports a skipped run and stores nothing', async () => {
    const { store, svc } = await setup(createModel(buildArtifact(LOG)));
    const r = await svc.personalize();
    expect(r).toMatchObject({ adopted: false, skipped: 'the item model has no factors' });
    expect(await store.getMeta(TASTE_META)).toBeUndefined();
  });

  it('without storage consent personalize() rejects with a clear error', async () => {
    const { model } = await setup();
    const svc = createRecommendService({ url: '/m', store: () => undefined, flush: async () => {}, loadModel: async () => model });
    await expect(svc.personalize()).rejects.toThrow(/needs storage/);
  });

  it('runs by itself at idle once 3 sessions ended, and an automatic run with nothing new is skipped silently', async () => {
    const idle: Array<() => void> = [];
    const { svc, events } = await setup(undefined, (fn) => idle.push(fn));
    await svc.load(); // the replay crosses the ended sessions: one automatic run is queued
    expect(idle).toHaveLength(1);
    idle.shift()!();
    for (let i = 0; i < 100 && !events.some((e) => e.status === 'done'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(events).toEqual([expect.objectContaining({ status: 'start', reason: 'auto' }), expect.objectContaining({ status: 'done', reason: 'auto', adopted: true })]);
    const again = await svc.personalize('auto'); // e.g. queued while the first one ran
    expect(again.skipped).toMatch(/no new ended sessions/);
    expect(events).toHaveLength(2);
  });

  it('a run made while the clock ran ahead does not stop the automatic runs once it is put back (counted instead)', async () => {
    const store = createMemoryStore();
    const ahead = 1e12 + 365 * 86_400_000;
    const at = (sid: string, item: string, ts: number, type: HunchEvent['type'] = 'purchase'): HunchEvent => ({ id: `c${++n}`, type, ts, sessionId: sid, itemId: item });
    await store.putEvents([at('a1', 'b1', ahead), at('a1', 'b2', ahead + 1), at('a2', 'b3', ahead + 2), at('a2', 'x', ahead + 3), at('a3', 'b5', ahead + 4)]);
    let clock = ahead + 10;
    const svc = createRecommendService({ url: '/m/manifest.json', store: () => Promise.resolve(store), flush: async () => {}, loadModel: async () => handSet().model, sessionId: () => 'open', now: () => clock });
    expect((await svc.personalize()).skipped).toBeUndefined(); // a run at the clock a year ahead
    clock = 1e12; // put back; three sessions end
    await store.putEvents([at('r1', 'b1', 1e12 - 9), at('r2', 'b2', 1e12 - 8), at('r3', 'b3', 1e12 - 7), at('open', 'x', 1e12 - 1, 'product_view')]);
    expect((await svc.personalize('auto')).skipped).toBeUndefined(); // was 'no new ended sessions since the last run' until real time passed the run's mark
  });

  it('with personalize.auto false nothing runs by itself; personalize() still does', async () => {
    const idle: Array<() => void> = [];
    const { svc, events } = await setup(undefined, (fn) => idle.push(fn), false);
    await svc.load();
    expect(idle).toHaveLength(0);
    expect(events).toHaveLength(0);
    expect((await svc.personalize()).adopted).toBe(true);
  });

  it('a damaged stored taste is dropped with one warning, and recommendations still work', async () => {
    const { store, model } = await setup();
    await store.setMeta(TASTE_META, { factors: factorsKey(model.factors!), taste: [1, 'x'], previous: null, last: null, endedSessions: 3, at: 0 });
    const problems: string[] = [];
    const svc = createRecommendService({ url: '/m', store: () => Promise.resolve(store), flush: async () => {}, loadModel: async () => model, sessionId: () => 'open', problem: (_k, code) => problems.push(code) });
    expect(await svc.recommend({ k: 3 })).toHaveLength(3);
    expect(problems).toEqual(['taste-restore']);
    expect(await store.getMeta(TASTE_META)).toBeUndefined();
  });

  it('personalizeWith: the head result with the taste as recommend; a head that rejects is reported as skipped, the taste still counts', async () => {
    const head = { adopted: true, reverted: false, before: 0.3, after: 0.2, base: 0.3, examples: 9, sessions: { train: 2, holdout: 1 } };
    const a = await setup();
    expect(await a.svc.personalizeWith(async () => head)).toMatchObject({ ...head, recommend: { adopted: true } });
    const b = await setup();
    const r = await b.svc.personalizeWith(() => Promise.reject(new Error('personalization needs the intent model')));
    expect(r).toMatchObject({ adopted: false, examples: 0, skipped: 'personalization needs the intent model', recommend: { adopted: true } });
    expect(Number.isNaN(r.before)).toBe(true);
  });

  it('personalizeWith: an item model that cannot load costs only the taste; the head still runs', async () => {
    const head = { adopted: true, reverted: false, before: 0.3, after: 0.2, base: 0.3, examples: 9, sessions: { train: 2, holdout: 1 } };
    const svc = createRecommendService({ url: '/m', store: () => Promise.resolve(createMemoryStore()), flush: async () => {}, loadModel: () => Promise.reject(new Error('HTTP 404')), sessionId: () => 'open' });
    const r = await svc.personalizeWith(async () => head);
    expect(r).toMatchObject({ ...head, recommend: { adopted: false, skipped: expect.stringMatching(/HTTP 404/) } });
  });
});
