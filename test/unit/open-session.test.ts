// @vitest-environment node
/**
 * A session past the timeout has ended, also on a page that has tracked nothing yet: the last
 * session is fitted on and scored by `personalize()` and `metrics()` (a review found it left out
 * as "still open" until the page's first event, which started a new session).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventType } from '../../src/events';
import type { HunchDeps } from '../../src/hunch';
import type { HunchOptions } from '../../src/options';
import type { LazyServicesDeps } from '../../src/lazy-services';
import type { RecommendServiceDeps } from '../../src/recommend-service';
import { startServices, type ServiceFactories } from '../../src/start-services';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import { openInstance } from './instance-fixture';
import { handSet } from './taste-fixture';

/** localStorage for the session pointer, shared by the pages of one test. */
class PageStorage {
  private m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  key = (i: number) => [...this.m.keys()][i] ?? null;
  getItem = (k: string) => this.m.get(k) ?? null;
  setItem = (k: string, v: string) => void this.m.set(k, String(v));
  removeItem = (k: string) => void this.m.delete(k);
  clear = () => this.m.clear();
}

let localStorage = new PageStorage();
afterEach(() => void (localStorage = new PageStorage())); // instance-fixture disposes the pages first

/** A page on `store` with the tiny test model. */
const openOnStore = (store: Store, options: HunchOptions, deps: Partial<HunchDeps> = {}) =>
  openInstance(options, { openStore: async () => store, localStorage: localStorage as unknown as Storage, channel: () => undefined, ...deps });

const DAY = 86_400_000;

/** Shops on `days` (one visit a day, the given purchases), each visit its own page. */
async function visits(store: Store, clock: { t: number }, bought: string[][], options = {}, deps = {}) {
  for (const [day, items] of bought.entries()) {
    clock.t = Date.UTC(2025, 0, 1 + day, 10);
    const h = await openOnStore(store, { personalize: { auto: false }, ...options }, { now: () => clock.t, ...deps });
    for (const itemId of items) {
      clock.t += 20_000;
      h.track('purchase', { itemId });
    }
    await h.flush();
    await h.dispose();
  }
}

describe('the last session once it has timed out', () => {
  it('counts as ended for personalize() and metrics() before this page tracks anything', async () => {
    const store = createMemoryStore();
    let t = Date.UTC(2025, 0, 1, 10);
    const now = () => t;
    const open = () => openOnStore(store, { personalize: { auto: false } }, { now });
    const visits: EventType[][] = [
      ['product_view', 'product_view', 'add_to_cart'],
      ['page_view', 'product_view', 'product_view'],
      ['product_view', 'add_to_cart', 'begin_checkout', 'purchase'],
    ];
    for (const [day, types] of visits.entries()) {
      t = Date.UTC(2025, 0, 1 + day, 10);
      const h = await open();
      for (const type of types) {
        t += 20_000;
        h.track(type, { itemId: `i${day}`, price: 12 });
        await h.intent();
      }
      await h.flush();
      await h.dispose();
    }
    t += 7 * DAY; // a week later: all three visits have ended
    const h = await open();
    const m = await h.metrics();
    expect(m.sessions).toBe(3); // the old code: 2 (the purchase visit counted as open)
    const r = await h.personalize();
    expect(r.skipped).toBeUndefined(); // the old code: "needs 3 sessions with model steps, has 2"
    expect(r.examples).toBeGreaterThan(0);
    // once the page tracks, its new session is the open one and the three visits stay ended
    h.track('page_view');
    await h.flush();
    expect((await h.metrics()).sessions).toBe(3);
  });

  it("is part of the taste's fit before this page tracks anything", async () => {
    const { model } = handSet();
    const m = await import('../../src/intent-module');
    const f = { ...m, createRecommendService: (rd: RecommendServiceDeps) => m.createRecommendService({ ...rd, loadModel: async () => model }) } as ServiceFactories;
    const loadIntentModule = async () => ({ ...m, startServices: (d: LazyServicesDeps) => startServices(d, f) });
    const options = { model: { enabled: false }, recommend: { url: 'https://shop.example/m/manifest.json' } };
    const store = createMemoryStore();
    const clock = { t: 0 };
    await visits(store, clock, [['b1', 'b2'], ['b3', 'x'], ['b5', 'b6']], options, { loadIntentModule });
    clock.t += 7 * 86_400_000;
    const h = await openOnStore(store, { personalize: { auto: false }, ...options }, { now: () => clock.t, loadIntentModule });
    const r = (await h.personalize()).recommend!;
    // six distinct items in three ended visits (the old code: four, the last visit's left out)
    expect(r.items.train + r.items.holdout).toBe(6);
  });
});

