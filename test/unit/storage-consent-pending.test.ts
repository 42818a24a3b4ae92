// The documented storefront integration: every page load starts with consent 'pending' and the
// shop's code grants it once its consent banner (or the saved answer) says so. Such a load must
// continue the visit's session, write the spill an earlier page left and enforce retention, as a
// load that starts 'granted' does; and while 'pending' it reads the shared session pointer but
// never writes it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Hunch } from '../../src/api';
import { createHunch, type HunchDeps } from '../../src/hunch';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';

const DAY = 86_400_000;
const POINTER = 'hunch:hunch:session';
const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
  localStorage.clear();
});

async function load(store: Store, consent: 'pending' | 'granted', deps: HunchDeps = {}) {
  const h = await createHunch({ consent }, { openStore: async () => store, window, whenIdle: () => {}, localStorage, ...deps });
  instances.push(h);
  return h;
}

describe("a load that starts 'pending' and is then granted", () => {
  it('continues the session of the previous page load (within the timeout), reading the shared pointer without writing it while pending', async () => {
    let t = 1_700_000_000_000;
    const now = () => t;
    const store = createMemoryStore();
    const first = await load(store, 'pending', { now });
    first.track('page_view');
    await first.consent('granted');
    first.track('product_view', { itemId: 'a' });
    await first.flush();
    const session = first.sessionId;
    window.dispatchEvent(new Event('pagehide'));
    await first.dispose();

    t += 60_000; // the next page, a minute later
    const before = localStorage.getItem(POINTER);
    const next = await load(store, 'pending', { now });
    const started: string[] = [];
    next.on('session', (s) => started.push(s.reason));
    next.track('page_view'); // auto-capture's first event, before the saved choice is applied
    expect(next.sessionId).toBe(session);
    expect(localStorage.getItem(POINTER)).toBe(before); // read, not written
    t += 1000;
    await next.consent('granted');
    next.track('product_view', { itemId: 'b' });
    await next.flush();
    expect(started).toEqual([]);
    expect(next.sessionId).toBe(session);
    expect(JSON.parse(localStorage.getItem(POINTER)!)).toMatchObject({ id: session, last: t - 1000 }); // written at the grant: the pending page_view's activity
    expect((await store.getSessions()).map((s) => [s.id, s.count])).toEqual([[session, 4]]);
  });

  it("creates no localStorage key while 'pending' (nothing stored yet), and after granted → pending writes the pointer no more", async () => {
    let t = 1_700_000_000_000;
    const h = await load(createMemoryStore(), 'pending', { now: () => t });
    h.track('page_view');
    expect(Object.keys(localStorage)).toEqual([]);
    await h.consent('granted');
    h.track('product_view', { itemId: 'a' });
    await h.flush();
    const written = localStorage.getItem(POINTER);
    expect(JSON.parse(written!).id).toBe(h.sessionId);
    await h.consent('pending');
    t += 10_000; // past the write slack
    h.track('product_view', { itemId: 'b' });
    window.dispatchEvent(new Event('pagehide')); // where held-back activity would be written
    expect(localStorage.getItem(POINTER)).toBe(written);
  });

  it("writes the spill an earlier page left, once consent is granted", async () => {
    const t = Date.now();
    localStorage.setItem('hunch:hunch:spill:deadtab', JSON.stringify([{ id: 'x-1', type: 'add_to_cart', ts: t - 1000, sessionId: 's', itemId: 'kept', quantity: 1 }]));
    const store: Store = { ...createMemoryStore(), kind: 'indexeddb' }; // a memory store carries taken spills on, as only memory holds them
    const h = await load(store, 'pending');
    h.track('page_view');
    expect((await store.getEvents()).length).toBe(0); // nothing stored while pending
    await h.consent('granted');
    await h.flush();
    expect((await store.getEvents()).map((e) => e.itemId ?? e.type)).toEqual(['kept', 'page_view']);
    expect(Object.keys(localStorage).filter((k) => k.includes(':spill:'))).toEqual([]);
  });

  it("carries an earlier page's spill on when IndexedDB does not open once consent is granted", async () => {
    const t = Date.now();
    localStorage.setItem('hunch:hunch:spill:deadtab', JSON.stringify([{ id: 'x-1', type: 'product_view', ts: t - 1000, sessionId: 's', itemId: 'kept' }]));
    const h = await createHunch({ consent: 'pending' }, { openStore: () => Promise.reject(new Error('no IndexedDB here')), window, whenIdle: () => {}, localStorage });
    instances.push(h);
    await h.consent('granted');
    await h.flush();
    window.dispatchEvent(new Event('pagehide'));
    const spilled = Object.keys(localStorage).filter((k) => k.includes(':spill:')).flatMap((k) => JSON.parse(localStorage.getItem(k)!).map((e: { itemId: string }) => e.itemId));
    expect(spilled).toEqual(['kept']);
    expect(localStorage.getItem('hunch:hunch:spill:deadtab')).toBeNull(); // taken, and spilled again by this page
  });

  it('prunes what retention no longer keeps once consent is granted, as a granted start does', async () => {
    const store = createMemoryStore();
    await store.putEvents([{ id: 'old-1', type: 'page_view', ts: Date.now() - 200 * DAY, sessionId: 'old' }]);
    const h = await load(store, 'pending');
    await h.consent('granted');
    h.track('product_view', { itemId: 'a' });
    await h.flush();
    await new Promise((r) => setTimeout(r, 10));
    expect((await store.getEvents()).map((e) => e.itemId ?? e.id)).toEqual(['a']);
  });
});
