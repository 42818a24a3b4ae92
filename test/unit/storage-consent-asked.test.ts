// consent() queues its change (one at a time), but what track() does follows the last state asked
// for at once: from the moment consent('pending') or consent('denied') is called nothing more is
// stored, even while the change waits its turn (behind a 'granted' whose store is still opening).
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hunch } from '../../src/api';
import { createHunch, type HunchDeps } from '../../src/hunch';
import { openIdbStore } from '../../src/store/idb-store';

const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
  localStorage.clear();
});

let seq = 0;
async function start(consent: 'granted' | 'pending', deps: HunchDeps = {}) {
  const dbName = `asked-${++seq}`;
  const h = await createHunch({ dbName, consent }, { window, whenIdle: () => {}, localStorage, ...deps });
  instances.push(h);
  return { h, dbName };
}

/** The item ids IndexedDB holds (none when the database does not exist). */
async function stored(dbName: string): Promise<string[]> {
  if (!(await indexedDB.databases()).some((d) => d.name === dbName)) return [];
  const db = await openDB(dbName);
  const items = db.objectStoreNames.contains('events') ? (await db.getAll('events')).map((e) => e.itemId) : [];
  db.close();
  return items;
}

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** An IndexedDB store that takes `ms` to open. */
const slowOpen = (ms: number): HunchDeps['openStore'] => async (name, hooks) => (await later(ms), openIdbStore({ dbName: name, onDeleted: hooks?.deleted }));

describe('consent() takes effect on track() at once', () => {
  it("a track() in the same task as consent('pending') is not stored", async () => {
    const { h, dbName } = await start('granted');
    h.track('product_view', { itemId: 'before' });
    await h.flush();
    const pointer = localStorage.getItem(`hunch:${dbName}:session`);
    const c = h.consent('pending');
    h.track('product_view', { itemId: 'after' });
    await c;
    await h.flush();
    expect(await stored(dbName)).toEqual(['before']);
    expect(localStorage.getItem(`hunch:${dbName}:session`)).toBe(pointer); // nor the shared session pointer written
    // held, as while 'pending': a later grant stores it
    await h.consent('granted');
    await h.flush();
    expect((await stored(dbName)).sort()).toEqual(['after', 'before']);
  });

  it("consent('pending') queued behind a 'granted' whose store is still opening: a later track() is held, not stored", async () => {
    const { h, dbName } = await start('pending', { openStore: slowOpen(200) });
    void h.consent('granted');
    const p = h.consent('pending');
    await later(50); // the grant is still opening the store
    h.track('add_to_cart', { itemId: 'tracked-after-pending' });
    await p;
    await h.flush();
    expect(await stored(dbName)).toEqual([]);
    expect((await h.export()).events.map((e) => e.itemId)).toEqual(['tracked-after-pending']); // held in memory
  });

  it("a grant that a later consent('pending') overtook does not take what is held", async () => {
    const { h, dbName } = await start('pending');
    h.track('product_view', { itemId: 'while-pending' });
    void h.consent('granted');
    const p = h.consent('pending');
    h.track('product_view', { itemId: 'after-pending-call' });
    await p;
    await h.flush();
    expect(await stored(dbName)).toEqual([]);
    expect((await h.export()).events.map((e) => e.itemId)).toEqual(['while-pending', 'after-pending-call']);
  });

  it("from consent('denied') on, nothing is recorded, and a page that goes away meanwhile spills nothing", async () => {
    const { h, dbName } = await start('granted', { openStore: slowOpen(100) });
    const events: string[] = [];
    h.on('event', (e) => events.push(e.type));
    h.track('product_view', { itemId: 'before' });
    const d = h.consent('denied');
    h.track('product_view', { itemId: 'after' });
    window.dispatchEvent(new Event('pagehide')); // before the denial erased anything
    expect(Object.keys(localStorage).filter((k) => k.includes(':spill:'))).toEqual([]);
    await d;
    expect(events).toEqual(['product_view']);
    expect(await stored(dbName)).toEqual([]);
  });
});
