// The intent half at the edges of its lifecycle. A page that starts with consent 'pending' (the
// documented storefront integration) and is granted later: once storage is readable, intent covers
// the whole continued session (the earlier pages' stored events too), and the events this page
// already answered while pending are not answered (emitted, triggered) again. dispose() while the
// model is still loading.
import { describe, expect, it } from 'vitest';
import type { HunchDeps } from '../../src/hunch';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import { instances, openOnStore } from './instance-fixture';
import { fakePredictor, tinyNet } from './personalize-fixture';

const load = (store: Store, consent: 'pending' | 'granted', deps: HunchDeps = {}) => openOnStore(store, { consent, triggers: ['abandonment'] }, deps);

describe("intent on a page granted after a 'pending' start", () => {
  for (const start of ['granted', 'pending'] as const) {
    it(`a page starting '${start}' answers for the whole continued session once storage is readable, each event once`, async () => {
      let t = 1_700_000_000_000;
      const now = () => t;
      const store = createMemoryStore();
      const first = await load(store, 'granted', { now });
      first.track('page_view');
      first.track('product_view', { itemId: 'a', price: 10 });
      first.track('add_to_cart', { itemId: 'a', price: 10 });
      await first.flush();
      const i1 = await first.intent();
      window.dispatchEvent(new Event('pagehide'));
      await first.dispose();
      instances.length = 0;

      t += 60_000;
      const next = await load(store, start, { now });
      const emitted: string[] = [];
      next.on('intent', (i) => emitted.push(`${i.events}`));
      await new Promise((r) => setTimeout(r, 20)); // idle: the intent module loads now
      next.track('product_view', { itemId: 'b', price: 12 }); // answered at once, also while pending
      await next.intent();
      if (start === 'pending') await next.consent('granted');
      t += 1000;
      next.track('product_view', { itemId: 'c', price: 14 });
      await next.flush();
      const i2 = await next.intent();
      expect(i2.sessionId).toBe(i1.sessionId);
      expect(i2.events).toBe(i1.events + 2); // the earlier page's 3 and this page's 2, once each (pending: 2, the earlier page's never applied)
      // one intent per event of this page: the late restore replays 'b' without answering it again;
      // pending: 'b' was answered from this page's part of the session (1 event), and the restore
      // then says the session's real state once (the earlier page's 3 and 'b') before 'c'
      if (start === 'granted') expect(emitted).toEqual([String(i1.events + 1), String(i1.events + 2)]);
      else expect(emitted).toEqual(['1', String(i1.events + 1), String(i1.events + 2)]);
    });
  }
});

describe('triggers across a late grant', () => {
  it("a once-per-session rule in a continued session that starts 'pending' is checked once the grant replayed the session, against the stored log, and fires once", async () => {
    let t = 1_700_000_000_000;
    const now = () => t;
    const store = createMemoryStore();
    const first = await load(store, 'granted', { now });
    first.triggers.add({ id: 'other', when: () => true }); // an earlier page fired something: a fired log is stored
    first.track('page_view');
    await first.flush();
    await first.intent();
    window.dispatchEvent(new Event('pagehide'));
    await first.dispose();
    instances.length = 0;

    t += 60_000;
    const next = await load(store, 'pending', { now });
    const fired: string[] = [];
    next.triggers.add({ id: 'once', when: () => true, cap: { perSession: 1 } });
    next.on('trigger', ({ rule, intent }) => fired.push(`${rule}:${intent.events}`));
    await new Promise((r) => setTimeout(r, 20));
    next.track('product_view', { itemId: 'b', price: 12 });
    await next.intent();
    await next.consent('granted');
    t += 1000;
    next.track('product_view', { itemId: 'c', price: 14 });
    await next.flush();
    await next.intent();
    // not on this page's part of the session (1 event) but on the session replayed at the grant (the
    // earlier page's page_view and 'b'); not again for 'c' (capped)
    expect(fired).toEqual(['once:2']);
  });
});

describe('dispose() with the model still loading', () => {
  it('returns at once: with no model yet there is no state to save, so it does not wait for the load', async () => {
    let loadStarted = false;
    const h = await load(createMemoryStore(), 'granted', {
      loadPredictor: () => ((loadStarted = true), new Promise((r) => setTimeout(() => r(fakePredictor(tinyNet())), 3_000))),
    });
    h.track('page_view');
    while (!loadStarted) await new Promise((r) => setTimeout(r, 5)); // the idle model load is under way
    const t0 = performance.now();
    await h.dispose();
    expect(performance.now() - t0).toBeLessThan(1_000); // waited the whole 3 s load before
  });
});
