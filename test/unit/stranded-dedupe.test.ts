/**
 * Events only memory holds are noted once each: a page whose IndexedDB failed a write, shown again
 * (back/forward cache) with another page's spill waiting, notes the taken events when it takes them
 * and again when its memory store writes them; before, every spill carried them twice and the next
 * load's `flush` events counted 6 for 4 stored (a third-pass review).
 */
import { afterEach, expect, it } from 'vitest';
import type { Hunch } from '../../src/api';
import type { HunchEvent } from '../../src/events';
import { createHunch } from '../../src/hunch';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';

const DB = 'dedupe';
const macrotasks = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};
const spilled = () => Object.keys(localStorage).filter((k) => k.startsWith(`hunch:${DB}:spill:`)).flatMap((k) => (JSON.parse(localStorage.getItem(k)!) as HunchEvent[]).map((e) => e.itemId));
const idb = (): Store => ({ ...createMemoryStore(), kind: 'indexeddb' });
const opened: Hunch[] = [];
afterEach(async () => {
  for (const h of opened.splice(0)) await h.dispose();
  localStorage.clear();
});

it("a memory-fallback page shown again takes another page's spill and spills each event once", async () => {
  const failing: Store = { ...idb(), putEvents: async () => Promise.reject(Object.assign(new Error('disk'), { name: 'UnknownError' })) };
  const h = await createHunch({ dbName: DB, model: { enabled: false } }, { openStore: async () => failing, window, localStorage, whenIdle: () => {} });
  opened.push(h);
  h.track('product_view', { itemId: 'a' });
  await h.flush();
  await macrotasks();
  const t = Date.now();
  localStorage.setItem(`hunch:${DB}:spill:othertab`, JSON.stringify([{ id: 'o-1', type: 'product_view', ts: t, sessionId: 's', itemId: 'O1' }, { id: 'o-2', type: 'product_view', ts: t + 1, sessionId: 's', itemId: 'O2' }]));
  window.dispatchEvent(new Event('pagehide'));
  await macrotasks(1);
  window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  await macrotasks();
  h.track('product_view', { itemId: 'b' });
  await h.flush();
  await macrotasks();
  expect(spilled().sort()).toEqual(['O1', 'O2', 'a', 'b']); // the old code: O1 and O2 twice
  // the next load (IndexedDB works) writes each once, and its flush events say so
  const next = idb();
  let counted = 0;
  const h2 = await createHunch({ dbName: DB, model: { enabled: false } }, { openStore: async () => next, window, localStorage, whenIdle: () => {}, created: (i) => i.on('flush', ({ count }) => (counted += count)) });
  opened.push(h2);
  await h2.flush();
  expect((await next.getEvents()).length).toBe(4);
  expect(counted).toBe(4); // the old code: 6
});
