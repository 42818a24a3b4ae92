import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { openIdbStore } from '../../src/store/idb-store';
import { dbName, seed } from './corrupt-fixture';

describe('a malformed stored session summary', () => {
  for (const [name, rec] of [
    ['items 5', { items: 5 }],
    ['items null', { items: null }],
  ] as const) {
    it(`${name}: is rebuilt from the session's events by its next batch`, async () => {
      const db = dbName();
      const sid = 's1';
      const ev = (k: number, type: HunchEvent['type'] = 'product_view'): HunchEvent => ({ id: `t-${k}`, sessionId: sid, ts: 1000 + k, type, itemId: `i${k}` });
      await seed(db, {}, [ev(0)], [Object.assign({ id: sid, start: 1000, end: 1000, count: 1, counts: { product_view: 1 }, items: ['i0'], purchased: false }, rec)]);
      const store = await openIdbStore({ dbName: db });
      try {
        await store.putEvents([ev(1), ev(2, 'purchase')]);
        expect(await store.getSessions()).toEqual([{ id: sid, start: 1000, end: 1002, count: 3, counts: { product_view: 2, purchase: 1 }, items: ['i0', 'i1', 'i2'], purchased: true }]);
      } finally {
        store.close();
      }
    });
  }
});
