// @vitest-environment node
// The IndexedDB store's close(): a plain one reopens on next use (the writer's close-and-reopen retry
// relies on it); a final one (the instance's dispose()) never does, so work still under way at
// dispose() (a personalization run) cannot leave a connection open behind it.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { openIdbStore } from '../../src/store/idb-store';

let seq = 0;
const ev = (i: number): HunchEvent => ({ id: `c-${i}`, type: 'product_view', ts: 1000 + i, sessionId: 's1', itemId: 'a' });

/** Connections opened since the test began, and those still open. */
let opened = 0;
const open = new Set<IDBDatabase>();
const realOpen = indexedDB.open;
beforeEach(() => {
  opened = 0;
  open.clear();
  indexedDB.open = function (this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
    const req = realOpen.apply(this, args);
    req.addEventListener('success', () => {
      const db = req.result;
      opened++;
      open.add(db);
      const close = db.close.bind(db);
      db.close = () => (open.delete(db), close());
    });
    return req;
  };
});
afterEach(() => {
  indexedDB.open = realOpen;
});

describe('IndexedDB store close()', () => {
  it('plain: the next call reopens, and reads what was stored', async () => {
    const s = await openIdbStore({ dbName: `close-${++seq}` });
    await s.putEvents([ev(1)]);
    s.close();
    expect(open.size).toBe(0);
    expect((await s.getEvents()).map((e) => e.id)).toEqual(['c-1']);
    expect(opened).toBe(2);
    s.close();
  });

  it('final: later calls reject with a clear error and open no connection; the data stays stored', async () => {
    const dbName = `close-${++seq}`;
    const s = await openIdbStore({ dbName });
    await s.putEvents([ev(1)]);
    s.close({ final: true });
    const before = opened;
    await expect(s.getMeta('personal:head')).rejects.toThrow(/closed for good/);
    await expect(s.getSessions()).rejects.toThrow(/closed for good/);
    await expect(s.setMeta('personal:head', { x: 1 })).rejects.toThrow(/closed for good/);
    s.close(); // a plain close after a final one does not undo it
    await expect(s.getEvents()).rejects.toThrow(/closed for good/);
    expect(opened - before).toBe(0);
    expect(open.size).toBe(0);
    const again = await openIdbStore({ dbName }); // the owner opens a new store
    expect((await again.getEvents()).map((e) => e.id)).toEqual(['c-1']);
    expect(await again.getMeta('personal:head')).toBeUndefined();
    again.close();
  });

  it('final while a reconnect is opening: the call rejects and the connection is closed as it arrives', async () => {
    const s = await openIdbStore({ dbName: `close-${++seq}` });
    s.close();
    const read = s.getEvents(); // reopening
    s.close({ final: true });
    await expect(read).rejects.toThrow(/closed for good/);
    expect(open.size).toBe(0);
  });

  it('final, then destroy(): the database is still deleted (a denial after dispose still erases)', async () => {
    const dbName = `close-${++seq}`;
    const s = await openIdbStore({ dbName });
    await s.putEvents([ev(1)]);
    s.close({ final: true });
    await s.destroy();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(dbName);
  });
});
