// dispose() closes storage and leaves no IndexedDB connection open: also the one a failed write
// left behind (storage moved to memory), and none reopened by a track() made just after dispose()
// was called (it is ignored from that moment, so no write races the closing).
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { createHunch } from '../../src/hunch';
import { openIdbStore } from '../../src/store/idb-store';
import type { Store } from '../../src/store/types';

/** Counts IndexedDB opens and closes (connections left open = opens - closes). */
function countConnections() {
  const proto = IDBDatabase.prototype;
  const close = proto.close;
  const open = indexedDB.open.bind(indexedDB);
  const n = { opens: 0, closes: 0 };
  proto.close = function (this: IDBDatabase) {
    n.closes++;
    return close.call(this);
  };
  indexedDB.open = (...a: Parameters<IDBFactory['open']>) => (n.opens++, open(...a));
  return { n, restore: () => ((proto.close = close), (indexedDB.open = open)) };
}
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  localStorage.clear();
});
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('dispose() closes every IndexedDB connection', () => {
  it('after a failed write moved storage to memory (and export() read the IndexedDB store it left)', async () => {
    const c = countConnections();
    restore = c.restore;
    let failing = false;
    const openStore = async (dbName: string, hooks?: { deleted(): void }): Promise<Store> => {
      const s = await openIdbStore({ dbName, onDeleted: hooks?.deleted });
      return { ...s, putEvents: (l) => (failing ? Promise.reject(Object.assign(new Error('disk'), { name: 'UnknownError' })) : s.putEvents(l)) };
    };
    const h = await createHunch({ dbName: 'dispose-fallback', consent: 'granted' }, { window, whenIdle: () => {}, localStorage, openStore, deleteStore: async () => {} });
    h.on('error', () => {});
    h.track('product_view', { itemId: 'a' });
    await h.flush();
    failing = true;
    h.track('product_view', { itemId: 'b' });
    await h.flush();
    expect(h.storage).toBe('memory');
    // export() reads what IndexedDB still holds from before the failure (reopening its connection)
    expect((await h.export()).events.map((e) => e.itemId)).toEqual(['a', 'b']);
    await h.dispose();
    expect(c.n.opens - c.n.closes).toBe(0);
  });

  it.each([0, 1, 2, 3, 5])('a track() %i microtasks after dispose() is ignored: nothing stored or reopened, summaries right', async (k) => {
    const c = countConnections();
    restore = c.restore;
    const dbName = `dispose-track-${k}`;
    const h = await createHunch({ dbName, consent: 'granted' }, { window, whenIdle: () => {}, localStorage });
    h.track('product_view', { itemId: 'a' });
    await h.flush();
    const d = h.dispose();
    for (let i = 0; i < k; i++) await Promise.resolve();
    h.track('product_view', { itemId: 'late' });
    await d;
    await later(30);
    expect(c.n.opens - c.n.closes).toBe(0);
    c.restore();
    const db = await openDB(dbName);
    const events = await db.getAll('events');
    const sessions = await db.getAll('sessions');
    db.close();
    expect(events.map((e) => e.itemId)).toEqual(['a']);
    expect(sessions.map((s) => s.count)).toEqual([events.length]);
  });
});
