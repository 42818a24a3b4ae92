// The instance is handed over (`deps.created`, the script tag's global) before storage has opened:
// calls made while it opens must neither lose events nor undo a forget, a denial or dispose().
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hunch } from '../../src/api';
import type { TabChannel } from '../../src/deps';
import type { HunchEvent } from '../../src/events';
import { createHunch } from '../../src/hunch';
import { spillEvents } from '../../src/spill';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';

const DB = 'startup-test';
const spillKeys = () => Object.keys(localStorage).filter((k) => k.startsWith(`hunch:${DB}:spill:`));
const spilledItems = () => spillKeys().flatMap((k) => JSON.parse(localStorage.getItem(k)!) as HunchEvent[]).map((e) => e.itemId);

/** A store open that waits for `release()` (or fails with `fail()`), as a slow or blocked IndexedDB does. */
function slowOpen(store: Store = createMemoryStore()) {
  let release!: () => void;
  let fail!: () => void;
  const opened = new Promise<Store>((res, rej) => {
    release = () => res(store);
    fail = () => rej(new Error('blocked'));
  });
  return { openStore: () => opened, release, fail, store };
}

let disposeLater: Hunch[] = [];
afterEach(async () => {
  for (const h of disposeLater.splice(0)) await h.dispose().catch(() => {});
  localStorage.clear();
  vi.restoreAllMocks();
});

/** Starts an instance and returns it at once (as the script tag does), with the pending start. */
function start(deps: Parameters<typeof createHunch>[1], consent: 'granted' | 'denied' = 'granted') {
  let early: Hunch | undefined;
  const pending = createHunch({ dbName: DB, consent, autoCapture: false, model: { enabled: false } }, { window, localStorage, whenIdle: () => {}, ...deps, created: (h) => (early = h) });
  expect(early).toBeDefined(); // handed over synchronously, before storage opened
  disposeLater.push(early!);
  return { h: early!, pending };
}

describe('the instance before storage has opened', () => {
  it('an event tracked while storage opens is spilled when the page leaves, and written by the next load', async () => {
    const slow = slowOpen();
    const { h } = start({ openStore: slow.openStore });
    h.track('add_to_cart', { itemId: 'EARLY', price: 3 });
    window.dispatchEvent(new Event('pagehide'));
    expect(spilledItems()).toContain('EARLY');
    const next = createMemoryStore();
    const h2 = await createHunch({ dbName: DB, autoCapture: false, model: { enabled: false } }, { window, localStorage, whenIdle: () => {}, openStore: async () => next });
    disposeLater.push(h2);
    await h2.flush();
    expect((await next.getEvents()).map((e) => e.itemId)).toContain('EARLY');
    slow.release();
  });

  it('a forget() while storage opens (and falls back to memory): an earlier page\'s spilled events stay forgotten, and no database is created again', async () => {
    const earlier: HunchEvent = { id: 'old-1', type: 'product_view', ts: Date.now() - 1000, sessionId: 'old', itemId: 'FORGOTTEN' };
    spillEvents(localStorage, DB, 'dead-tab', [earlier]);
    const slow = slowOpen();
    const openStore = vi.fn(slow.openStore);
    const { h, pending } = start({ openStore, deleteStore: async () => {} });
    const forgetting = h.forget();
    slow.fail(); // IndexedDB does not open: memory
    await forgetting;
    await pending;
    await new Promise((r) => setTimeout(r, 0));
    expect(openStore).toHaveBeenCalledTimes(1); // the start's retention pass did not open (create) a database again
    window.dispatchEvent(new Event('pagehide'));
    expect(spilledItems()).not.toContain('FORGOTTEN');
  });

  it('dispose() while storage opens: the start does not prune (reopen) the store afterwards', async () => {
    const slow = slowOpen();
    const prune = vi.spyOn(slow.store, 'prune');
    const { h, pending } = start({ openStore: slow.openStore });
    const disposing = h.dispose();
    slow.release();
    await disposing;
    await pending;
    await new Promise((r) => setTimeout(r, 0));
    expect(prune).not.toHaveBeenCalled();
  });

  it('a start with consent denied erases earlier data, and a consent("granted") made meanwhile keeps its session pointer', async () => {
    localStorage.setItem(`hunch:${DB}:session`, JSON.stringify({ id: 'earlier-visit', start: 1, last: 2 }));
    let release!: () => void;
    const deleting = new Promise<void>((r) => (release = r));
    const { h, pending } = start({ openStore: async () => createMemoryStore(), deleteStore: () => deleting }, 'denied');
    const granted = h.consent('granted'); // its store opens once the deletion is done
    await new Promise((r) => setTimeout(r, 0));
    expect(h.consentState).toBe('granted');
    h.track('page_view');
    const sessionId = h.sessionId;
    release();
    await granted;
    await pending;
    expect(sessionId).toBeDefined();
    expect(sessionId).not.toBe('earlier-visit');
    expect(JSON.parse(localStorage.getItem(`hunch:${DB}:session`)!).id).toBe(sessionId);
  });

  it('consent("pending") while storage opens: what was tracked under "granted" (and an earlier page\'s spill) is still spilled when the page leaves', async () => {
    spillEvents(localStorage, DB, 'dead-tab', [{ id: 'old-2', type: 'product_view', ts: Date.now() - 1000, sessionId: 'old', itemId: 'EARLIER' }]);
    const slow = slowOpen();
    const { h } = start({ openStore: slow.openStore });
    h.track('product_view', { itemId: 'THIS' });
    void h.consent('pending');
    await new Promise((r) => setTimeout(r, 0));
    expect(h.consentState).toBe('pending');
    window.dispatchEvent(new Event('pagehide'));
    expect(spilledItems().sort()).toEqual(['EARLIER', 'THIS']);
    slow.release();
  });

  it('dispose() while storage opens and IndexedDB then fails: an earlier page\'s spilled events are carried on', async () => {
    spillEvents(localStorage, DB, 'dead-tab', [{ id: 'old-3', type: 'product_view', ts: Date.now() - 1000, sessionId: 'old', itemId: 'EARLIER' }]);
    const slow = slowOpen();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { h, pending } = start({ openStore: slow.openStore });
    const disposing = h.dispose();
    slow.fail();
    await pending;
    await disposing;
    expect(spilledItems()).toContain('EARLIER');
  });

  it('another tab\'s forget while storage opens: the batch waiting for the store is dropped, not written into a new database', async () => {
    const slow = slowOpen();
    let channel!: TabChannel;
    const { h, pending } = start({ openStore: slow.openStore, channel: () => (channel = { postMessage() {}, onmessage: null, close() {} }) });
    h.track('product_view', { itemId: 'FORGOTTEN' });
    await Promise.resolve(); // the batch is handed to the writer and waits for the store
    channel.onmessage!({ data: { forget: Date.now() + 1 } });
    slow.release();
    await pending;
    await h.flush();
    expect((await slow.store.getEvents()).map((e) => e.itemId)).not.toContain('FORGOTTEN');
    window.dispatchEvent(new Event('pagehide'));
    expect(spilledItems()).not.toContain('FORGOTTEN');
  });
});

describe('while forget() erases', () => {
  it('an event recorded then (a dwell, a track) neither continues the forgotten session nor opens a new database; export() afterwards opens none either', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inner = createMemoryStore();
    const store: Store = { ...inner, destroy: async () => (await gate, inner.destroy()) };
    const openStore = vi.fn(async () => store);
    const h = await createHunch({ dbName: DB, autoCapture: false, model: { enabled: false } }, { window, localStorage, whenIdle: () => {}, openStore, deleteStore: async () => {} });
    disposeLater.push(h);
    h.track('page_view');
    await h.flush();
    const forgotten = h.sessionId;
    const forgetting = h.forget();
    await new Promise((r) => setTimeout(r, 0));
    h.track('product_view', { itemId: 'DURING' });
    release();
    await forgetting;
    expect(localStorage.getItem(`hunch:${DB}:session`)).toBeNull();
    expect(h.sessionId).not.toBe(forgotten);
    expect(openStore).toHaveBeenCalledTimes(1);
    const exported = await h.export();
    expect(exported.events).toEqual([]);
    expect(openStore).toHaveBeenCalledTimes(1); // reading what is left opened no database
  });
});
