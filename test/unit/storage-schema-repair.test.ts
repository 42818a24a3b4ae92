// @vitest-environment node
// A database at this schema version without hunch's stores (created empty by an open without an
// upgrade: the reopen after a VersionError, when a newer tab's forget() deleted the database in
// between) failed every write for good (NotFoundError, then memory on every load). Every open now
// checks the stores: such a database is deleted and made afresh, once.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { openIdbStore } from '../../src/store/idb-store';
import { DB_VERSION } from '../../src/store/schema';

const ev: HunchEvent = { id: 'x', type: 'product_view', ts: 1, sessionId: 's', itemId: 'a' };
const newerSchema = async (name: string) =>
  (
    await openDB(name, DB_VERSION + 1, {
      upgrade(d) {
        for (const s of ['events', 'sessions', 'meta']) d.createObjectStore(s, { keyPath: s === 'meta' ? 'key' : 'id' });
      },
    })
  ).close();

describe('an IndexedDB without the stores at this version', () => {
  it('is made afresh when opened (writes and reads work)', async () => {
    (await openDB('empty-v1', DB_VERSION)).close();
    const s = await openIdbStore({ dbName: 'empty-v1' });
    await s.putEvents([ev]);
    expect((await s.getEvents()).map((e) => e.id)).toEqual(['x']);
    expect(await s.getSessions()).toHaveLength(1);
    s.close();
  });

  it('a deletion between the VersionError and the reopen leaves a working database, not an empty one', async () => {
    await newerSchema('deleted-between');
    const open = indexedDB.open.bind(indexedDB);
    // another (newer) tab's forget() lands just before the reopen at the newer version
    indexedDB.open = (name: string, version?: number) => {
      if (version === undefined) {
        indexedDB.deleteDatabase(name);
        indexedDB.open = open;
      }
      return open(name, version);
    };
    try {
      const s = await openIdbStore({ dbName: 'deleted-between' });
      await s.putEvents([ev]);
      expect(await s.countEvents()).toBe(1);
      s.close();
    } finally {
      indexedDB.open = open;
    }
    // and the next page load too
    const next = await openIdbStore({ dbName: 'deleted-between' });
    await next.putEvents([{ ...ev, id: 'y' }]);
    expect(await next.countEvents()).toBe(2);
    next.close();
  });

  it('a newer version without them is still refused (nothing deleted)', async () => {
    (await openDB('newer-foreign', DB_VERSION + 4)).close();
    await expect(openIdbStore({ dbName: 'newer-foreign', openTimeoutMs: 2000 })).rejects.toThrow(/incompatible/);
    expect((await indexedDB.databases()).find((d) => d.name === 'newer-foreign')?.version).toBe(DB_VERSION + 4);
  });
});
