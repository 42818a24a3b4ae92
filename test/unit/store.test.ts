// @vitest-environment node
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { idSequence } from '../../src/ids';
import { openIdbStore } from '../../src/store/idb-store';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';

let dbSeq = 0;
const ev = (i: number, sessionId = 's1', type: HunchEvent['type'] = 'product_view'): HunchEvent => ({ id: `t-${i}`, type, ts: 1000 + i, sessionId, itemId: `item${i % 3}` });

const impls: Array<[string, () => Promise<Store>]> = [
  ['memory', async () => createMemoryStore()],
  ['indexeddb (fake-indexeddb)', () => openIdbStore({ dbName: `test-${++dbSeq}` })],
];

describe.each(impls)('%s store', (_name, make) => {
  it('writes batches, reads them back in time order, and summarizes sessions', async () => {
    const s = await make();
    await s.putEvents([ev(3), ev(1), ev(2, 's2')]);
    await s.putEvents([ev(4, 's1', 'purchase')]);
    expect((await s.getEvents()).map((e) => e.id)).toEqual(['t-1', 't-2', 't-3', 't-4']);
    expect((await s.getEvents({ sessionId: 's1' })).map((e) => e.id)).toEqual(['t-1', 't-3', 't-4']);
    expect((await s.getEvents({ limit: 2 })).map((e) => e.id)).toEqual(['t-3', 't-4']);
    // one session's events from a time on (ms, inclusive)
    expect((await s.getEvents({ sessionId: 's1', since: 1003 })).map((e) => e.id)).toEqual(['t-3', 't-4']);
    expect((await s.getEvents({ sessionId: 's1', since: 1005 })).map((e) => e.id)).toEqual([]);
    const sessions = await s.getSessions();
    expect(sessions.map((x) => [x.id, x.count, x.purchased])).toEqual([
      ['s1', 3, true],
      ['s2', 1, false],
    ]);
    expect(await s.countEvents()).toBe(4);
  });

  it('events tracked in the same millisecond come back in the order they were made (ids sort as made)', async () => {
    const s = await make();
    const next = idSequence('tab');
    const made = Array.from({ length: 1300 }, (_, i): HunchEvent => ({ id: next(), type: 'product_view', ts: 5000, sessionId: 's', itemId: `i${i}` }));
    await s.putEvents(made);
    expect((await s.getEvents()).map((e) => e.itemId)).toEqual(made.map((e) => e.itemId));
    expect((await s.getEvents({ sessionId: 's' })).map((e) => e.itemId)).toEqual(made.map((e) => e.itemId));
  });

  it('a partly retried batch, and a batch after a summary that missed one, still give exact session counts', async () => {
    const s = await make();
    await s.putEvents([ev(1), ev(2)]);
    await s.putEvents([ev(2), ev(3)]); // ev(2) again, ev(3) new
    expect((await s.getSessions())[0]).toMatchObject({ count: 3, start: 1001, end: 1003 });
    await s.putEvents([ev(3), ev(1)]); // a whole retry
    expect((await s.getSessions())[0].count).toBe(3);
  });

  it('is idempotent: rewriting a batch keeps one record and correct counts', async () => {
    const s = await make();
    const batch = [ev(1), ev(2)];
    await s.putEvents(batch);
    await s.putEvents(batch);
    expect(await s.countEvents()).toBe(2);
    expect((await s.getSessions())[0].count).toBe(2);
  });

  it('prunes by age and count, never the kept session', async () => {
    const s = await make();
    await s.putEvents(Array.from({ length: 10 }, (_, i) => ev(i, i < 8 ? 'old' : 'cur')));
    expect(await s.prune({ maxEvents: 100, before: 1003, keepSession: 'cur' })).toBe(3);
    expect(await s.prune({ maxEvents: 4, before: 0, keepSession: 'cur' })).toBe(3);
    const left = await s.getEvents();
    expect(left.map((e) => e.id)).toEqual(['t-6', 't-7', 't-8', 't-9']);
    expect((await s.getSessions()).find((x) => x.id === 'old')?.count).toBe(2);
  });

  it('stores meta values and destroys everything', async () => {
    const s = await make();
    await s.setMeta('w', { a: [1, 2] });
    expect(await s.getMeta('w')).toEqual({ a: [1, 2] });
    expect(await s.allMeta()).toEqual({ w: { a: [1, 2] } });
    await s.deleteMeta('w');
    expect(await s.getMeta('w')).toBeUndefined();
    await s.putEvents([ev(1)]);
    await s.destroy();
    const again = s.kind === 'memory' ? s : await make();
    if (s.kind === 'memory') expect(await again.countEvents()).toBe(0);
  });
});

describe('indexeddb session summaries', () => {
  it('a summary that missed a batch (its transaction lost with the page) is rebuilt by the next batch', async () => {
    const name = `test-${++dbSeq}`;
    const s = await openIdbStore({ dbName: name });
    await s.putEvents([ev(1), ev(2)]);
    const raw = await openDB(name);
    await raw.put('events', { ...ev(3), type: 'purchase' }); // stored by another tab whose summary update was lost
    raw.close();
    await s.putEvents([ev(2)]); // a retry adds nothing (and must not count ev(2) again)
    expect((await s.getSessions())[0]).toMatchObject({ count: 2, purchased: false });
    await s.putEvents([ev(4, 's1')]);
    expect((await s.getSessions())[0]).toMatchObject({ id: 's1', count: 4, end: 1004, purchased: true });
    s.close();
  });
});

describe('indexeddb store lifecycle', () => {
  it('deletes the database on destroy', async () => {
    const name = `test-${++dbSeq}`;
    const s = await openIdbStore({ dbName: name });
    await s.putEvents([ev(1)]);
    await s.destroy();
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(name);
  });

  it('closes on versionchange so another tab can upgrade, then reopens on next use', async () => {
    const name = `test-${++dbSeq}`;
    const s = await openIdbStore({ dbName: name });
    await s.putEvents([ev(1)]);
    // "another tab" upgrades to a newer schema version with an extra store
    const newer = await openDB(name, 2, { upgrade: (db) => void db.createObjectStore('extra') });
    newer.close();
    await s.putEvents([ev(2)]);
    expect(await s.countEvents()).toBe(2);
  });

  it('refuses a newer database that lacks the stores it needs (the instance then falls back to memory)', async () => {
    const name = `test-${++dbSeq}`;
    (await openDB(name, 5)).close(); // a newer, foreign schema
    await expect(openIdbStore({ dbName: name, openTimeoutMs: 2000 })).rejects.toThrow(/incompatible schema/);
  });
});
