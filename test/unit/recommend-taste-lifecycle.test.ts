// @vitest-environment node
// The taste (recommend-service.ts) through the instance's lifecycle: rollback without the intent
// model, other tabs with another item model, forget, reloads.
import { afterEach, describe, expect, it } from 'vitest';
import type { Hunch } from '../../src/api';
import type { HunchEvent } from '../../src/events';
import { createHunch } from '../../src/hunch';
import type { LazyServicesDeps } from '../../src/lazy-services';
import { createRecommendService, TASTE_META, type RecommendServiceDeps, type StoredTaste } from '../../src/recommend-service';
import { startServices, type ServiceFactories } from '../../src/start-services';
import { createMemoryStore } from '../../src/store/memory-store';
import { handSet } from './taste-fixture';

let n = 0;
const ev = (sessionId: string, itemId: string | undefined, type: HunchEvent['type'] = 'purchase', ts = 1000 + n + 1): HunchEvent => ({
  id: `e${++n}`,
  type,
  ts,
  sessionId,
  ...(itemId ? { itemId } : {}),
});

const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
});

describe('hunch.rollback() and the taste', () => {
  it('with the intent model off, rollback() still undoes the taste personalize() adopted (head: false)', async () => {
    const { model } = handSet();
    const store = createMemoryStore();
    await store.putEvents([ev('s1', 'b1', 'purchase', 1_001_000), ev('s1', 'b2', 'purchase', 1_002_000), ev('s2', 'b3', 'purchase', 1_003_000), ev('s2', 'x', 'purchase', 1_004_000), ev('s3', 'b5', 'purchase', 1_005_000)]);
    const m = await import('../../src/intent-module');
    const f = { ...m, createRecommendService: (rd: RecommendServiceDeps) => m.createRecommendService({ ...rd, loadModel: async () => model }) } as ServiceFactories;
    const loadIntentModule = async () => ({ ...m, startServices: (d: LazyServicesDeps) => startServices(d, f) });
    const h = await createHunch(
      { model: { enabled: false }, recommend: { url: 'https://shop.example/m/manifest.json' }, personalize: { auto: false } },
      { openStore: async () => store, channel: () => undefined, whenIdle: () => {}, loadIntentModule, now: () => 1e9 },
    );
    instances.push(h);
    h.track('product_view', { itemId: 'x' });
    await h.flush();
    const r = await h.personalize();
    expect(r.skipped).toMatch(/intent model/);
    expect(r.recommend?.adopted).toBe(true);
    expect((await store.getMeta<StoredTaste>(TASTE_META))!.taste).not.toBeNull();
    // the head's undo fails (no intent model) as its run did: the taste is undone all the same
    expect(await h.rollback()).toEqual({ head: false, recommend: true });
    expect((await store.getMeta<StoredTaste>(TASTE_META))!.taste).toBeNull();
  });
});

describe('the taste after a forget', () => {
  it('a run after reset() (forget) leaves out the events storage still holds from before it (a deletion that failed), and counts the ones after', async () => {
    const { model } = handSet();
    const store = createMemoryStore();
    // a b-shopper's three ended sessions, then the open one
    await store.putEvents([ev('s1', 'b1'), ev('s1', 'b2'), ev('s2', 'b3'), ev('s2', 'x'), ev('s3', 'b5'), ev('open', 'x', 'product_view')]);
    let clock = 1e6;
    const svc = createRecommendService({ url: '/m', store: () => Promise.resolve(store), flush: async () => {}, loadModel: async () => model, sessionId: () => 'open', autoPersonalize: false, now: () => clock });
    await svc.recommend({ k: 6 });
    svc.reset(); // forget(), whose deletion left the store as it was
    const r = await svc.personalize();
    expect(r.adopted).toBe(false);
    expect(r.items).toEqual({ train: 0, holdout: 0 });
    expect(await store.getMeta<StoredTaste>(TASTE_META)).toMatchObject({ taste: null, endedSessions: 0 });
    // what the shopper does after the forget is learned from
    clock = 2e6;
    let t = 1_500_000;
    await store.putEvents([ev('t1', 'b1', 'purchase', ++t), ev('t1', 'b2', 'purchase', ++t), ev('t2', 'b3', 'purchase', ++t), ev('t2', 'x', 'purchase', ++t), ev('t3', 'b5', 'purchase', ++t)]);
    const after = await svc.personalize();
    expect(after.adopted).toBe(true);
    expect(after.items).toEqual({ train: 4, holdout: 1 });
    expect(await store.getMeta<StoredTaste>(TASTE_META)).toMatchObject({ endedSessions: 3 });
  });
});
