// The write-ahead spill (`spill.ts` unwrittenSpill): what a task tracked is in localStorage until
// the writer confirms it, so a page torn down with no pagehide (a prerendered next page activated)
// leaves it for the next load; a page shown after it ran unseen (prerender activation, back/forward
// cache restore) takes the spills left meanwhile; a prerendered page loads no intent half at idle.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hunch } from '../../src/api';
import type { TabChannel } from '../../src/deps';
import type { HunchEvent } from '../../src/events';
import { createHunch, type HunchDeps } from '../../src/hunch';
import type { HunchOptions } from '../../src/options';
import { spillEvents } from '../../src/spill';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';

const DB = 'durable-test';
const instances: Hunch[] = [];
const gates: Array<() => void> = [];
afterEach(async () => {
  for (const g of gates.splice(0)) g();
  for (const h of instances.splice(0)) await h.dispose().catch(() => {});
  delete (document as { prerendering?: boolean }).prerendering;
  localStorage.clear();
});

const spilled = () =>
  Object.keys(localStorage)
    .filter((k) => k.startsWith(`hunch:${DB}:spill:`))
    .flatMap((k) => (JSON.parse(localStorage.getItem(k)!) as HunchEvent[]).map((e) => e.itemId));
const macrotask = () => new Promise((r) => setTimeout(r, 0));
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};
/** A store standing in for IndexedDB (spills taken into a memory store stay spilled: only memory holds them). */
const idb = (): Store => ({ ...createMemoryStore(), kind: 'indexeddb' });
const itemsIn = async (s: Store) => (await s.getEvents()).map((e) => e.itemId);

/** A store whose writes wait until `open()` (as a batch the browser has not committed yet). */
function gatedStore() {
  const inner = idb();
  let open = false;
  const waiting: Array<() => void> = [];
  const release = () => ((open = true), waiting.splice(0).forEach((r) => r()));
  gates.push(release);
  const store: Store = { ...inner, putEvents: async (list) => (open || (await new Promise<void>((r) => waiting.push(r))), inner.putEvents(list)) };
  return { store, inner, release };
}

/** IndexedDB whose writes fail (not quota): the instance falls back to memory. */
const failingStore = (): Store => ({ ...idb(), putEvents: async () => Promise.reject(Object.assign(new Error('disk'), { name: 'UnknownError' })) });
/** Fails writes into memory with `a` stranded there, as a page that then tracks on. */
async function strandedPage() {
  const h = await make(failingStore());
  h.track('product_view', { itemId: 'a' });
  await h.flush();
  for (let i = 0; i < 3; i++) await macrotask();
  return h;
}
/** What the next page load (a new instance, its IndexedDB working) writes of the spills. */
async function nextLoadStores() {
  const next = idb();
  await (await make(next)).flush();
  return itemsIn(next);
}

async function make(store: Store, options: HunchOptions = {}, deps: Partial<HunchDeps> = {}) {
  const h = await createHunch({ dbName: DB, autoCapture: false, model: { enabled: false }, ...options }, { openStore: async () => store, window, localStorage, whenIdle: () => {}, ...deps });
  instances.push(h);
  return h;
}

describe('the write-ahead spill', () => {
  it('holds what a task tracked while its batch is in flight, with no pagehide, and is removed once written', async () => {
    const { store, inner, release } = gatedStore();
    const h = await make(store);
    for (let i = 0; i < 300; i++) h.track('product_view', { itemId: `x${i}` });
    await ticks(3);
    expect(spilled()).toHaveLength(300); // the end of the task spilled all of it (the old code: only a pagehide did)
    release();
    await h.flush();
    for (let i = 0; i < 3; i++) await macrotask();
    expect(await inner.countEvents()).toBe(300);
    expect(spilled()).toEqual([]);
  });

  it('is taken by the next instance when this page dies before its writes land', async () => {
    const { store } = gatedStore(); // never released: the page is torn down mid-write
    const h = await make(store);
    h.track('add_to_cart', { itemId: 'A', quantity: 1 });
    h.track('product_view', { itemId: 'B' });
    await ticks(3);
    const next = idb();
    const h2 = await make(next);
    await h2.flush();
    expect(await itemsIn(next)).toEqual(['A', 'B']);
    expect(spilled()).toEqual([]); // taken; h2 confirmed them (and h's later confirmation finds the key gone)
  });

  it('is not written while consent is pending or denied', async () => {
    const pending = gatedStore();
    const hp = await make(pending.store, { consent: 'pending' });
    hp.track('product_view', { itemId: 'P' });
    await ticks(3);
    expect(spilled()).toEqual([]);
    const denied = gatedStore();
    const hd = await make(denied.store, { consent: 'denied' });
    hd.track('product_view', { itemId: 'D' });
    await ticks(3);
    expect(spilled()).toEqual([]);
  });

  it('is cleared by forget(), and by consent("denied"), and not written again by the task that called it', async () => {
    for (const erase of [(h: Hunch) => h.forget(), (h: Hunch) => h.consent('denied')]) {
      const { store } = gatedStore();
      const h = await make(store);
      h.track('product_view', { itemId: 'F1' });
      await ticks(3);
      expect(spilled()).toEqual(['F1']);
      h.track('product_view', { itemId: 'F2' }); // same task as the erase: its end-of-task spill must not bring it back
      const done = erase(h);
      await ticks(5);
      expect(spilled()).toEqual([]);
      gates.splice(0).forEach((g) => g());
      await done;
      expect(spilled()).toEqual([]);
      await h.dispose();
    }
  });
});

describe('events only memory holds (a write failed into memory)', () => {
  it('stay in the write-ahead spill, with the later events of the memory state, with no pagehide', async () => {
    const h = await strandedPage();
    expect(spilled()).toEqual(['a']); // the old code removed the copy once its batch fell into memory
    h.track('product_view', { itemId: 'b' });
    await h.flush();
    for (let i = 0; i < 3; i++) await macrotask();
    expect(spilled()).toEqual(['a', 'b']);
    expect(await nextLoadStores()).toEqual(['a', 'b']); // the page was replaced with no pagehide (prerender activation)
  });

  it('stay spilled when the page is restored from the back/forward cache and tracks again', async () => {
    const h = await strandedPage();
    window.dispatchEvent(new Event('pagehide'));
    await macrotask();
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    for (let i = 0; i < 3; i++) await macrotask();
    h.track('product_view', { itemId: 'c' });
    await h.flush();
    for (let i = 0; i < 3; i++) await macrotask();
    expect(spilled()).toEqual(['a', 'c']); // the old code took its own spill on restore and the next spill left 'a' out
    expect(await nextLoadStores()).toEqual(['a', 'c']);
  });

  it('stay spilled when the shop tracks in a pagehide listener of its own (after hunch\'s)', async () => {
    const h = await strandedPage();
    const shop = () => h.track('begin_checkout', { itemId: 'b' });
    window.addEventListener('pagehide', shop);
    window.dispatchEvent(new Event('pagehide'));
    for (let i = 0; i < 3; i++) await macrotask();
    window.removeEventListener('pagehide', shop);
    expect(spilled()).toEqual(['a', 'b']); // the old code's end-of-task spill replaced the pagehide one without 'a'
    expect(await nextLoadStores()).toEqual(['a', 'b']);
  });
});

describe('a denial from another tab', () => {
  it("removes this tab's write-ahead spill although this tab's pointer is the denied one by then", async () => {
    const channels: TabChannel[] = [];
    const channel = () => (channels.push({ postMessage() {}, onmessage: null, close() {} }), channels.at(-1));
    const { store } = gatedStore();
    const h = await make(store, {}, { channel });
    // tracked as the other tab denied (and cleared the local keys): the end of the task spills it again
    h.track('product_view', { itemId: 'B1' });
    await ticks(3);
    expect(spilled()).toEqual(['B1']);
    channels[0].onmessage!({ data: { consent: 'denied' } });
    for (let i = 0; i < 3; i++) await macrotask();
    expect(h.consentState).toBe('denied');
    expect(spilled()).toEqual([]); // the old code cleared only through the pointer, 'denied''s stores nothing
    expect(await nextLoadStores()).toEqual([]); // nor does a later grant bring it back
  });
});

describe('a page shown while its own batch is in flight', () => {
  for (const show of [
    () => window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true })),
    () => document.dispatchEvent(new Event('prerenderingchange')),
  ]) {
    it(`writes (and counts) each event once: ${show.toString().includes('pageshow') ? 'restored' : 'activated'}`, async () => {
      const { store, inner, release } = gatedStore();
      const h = await make(store);
      let flushed = 0;
      h.on('flush', ({ count }) => (flushed += count));
      for (let i = 0; i < 3; i++) h.track('product_view', { itemId: `x${i}` });
      await ticks(3);
      show(); // it leaves its own write-ahead spill to its writer
      await macrotask();
      release();
      await h.flush();
      for (let i = 0; i < 3; i++) await macrotask();
      expect(flushed).toBe(3); // the old code took its own spill and wrote them again (6)
      expect(await itemsIn(inner)).toEqual(['x0', 'x1', 'x2']);
      expect(spilled()).toEqual([]);
    });
  }
});

describe('a page shown after it ran unseen', () => {
  const other: HunchEvent = { id: 'other-1', type: 'product_view', ts: Date.now(), sessionId: 'other', itemId: 'LEFT' };

  it('takes the spills left meanwhile when a prerendered page is activated', async () => {
    const store = idb();
    const h = await make(store);
    spillEvents(localStorage, DB, 'previous-page', [other]); // the page that activated this one, torn down with no pagehide
    document.dispatchEvent(new Event('prerenderingchange'));
    await macrotask();
    await h.flush();
    expect(await itemsIn(store)).toEqual(['LEFT']); // the old code took spills only at creation
    expect(spilled()).toEqual([]);
  });

  it('takes them on a back/forward cache restore (pageshow persisted), not on a plain pageshow', async () => {
    const store = idb();
    const h = await make(store);
    spillEvents(localStorage, DB, 'previous-page', [other]);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    await macrotask();
    expect(spilled()).toEqual(['LEFT']);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await macrotask();
    await h.flush();
    expect(await itemsIn(store)).toEqual(['LEFT']);
  });

  it('leaves them for later while consent is pending', async () => {
    const store = idb();
    await make(store, { consent: 'pending' });
    spillEvents(localStorage, DB, 'previous-page', [other]);
    document.dispatchEvent(new Event('prerenderingchange'));
    await macrotask();
    expect(spilled()).toEqual(['LEFT']);
  });
});

describe('a prerendered page', () => {
  it('loads the intent half at idle only once it is activated', async () => {
    Object.defineProperty(document, 'prerendering', { value: true, configurable: true });
    const loadIntentModule = vi.fn(async () => Promise.reject(new Error('not in this test')));
    await make(idb(), { model: { enabled: true } }, { loadIntentModule: loadIntentModule as never, whenIdle: (fn) => void setTimeout(fn, 0) });
    for (let i = 0; i < 3; i++) await macrotask();
    expect(loadIntentModule).not.toHaveBeenCalled(); // the old code loaded it (and the model) although the page may never be shown
    Object.defineProperty(document, 'prerendering', { value: false, configurable: true });
    document.dispatchEvent(new Event('prerenderingchange'));
    for (let i = 0; i < 3; i++) await macrotask();
    expect(loadIntentModule).toHaveBeenCalledTimes(1);
  });

  it('still loads it for an explicit intent() call', async () => {
    Object.defineProperty(document, 'prerendering', { value: true, configurable: true });
    const loadIntentModule = vi.fn(async () => Promise.reject(new Error('not in this test')));
    const h = await make(idb(), { model: { enabled: true } }, { loadIntentModule: loadIntentModule as never, whenIdle: (fn) => void setTimeout(fn, 0) });
    await h.intent().catch(() => {});
    expect(loadIntentModule).toHaveBeenCalledTimes(1);
  });
});
