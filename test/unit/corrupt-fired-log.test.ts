import { describe, expect, it } from 'vitest';
import { mergeFiredLogs, type FiredLog } from '../../src/triggers';
import { close, dbName, livePointer, open, seed } from './corrupt-fixture';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('a corrupt stored fired log', () => {
  it('mergeFiredLogs leaves out sessions that are not objects and entries without a finite count and last', () => {
    const stored = JSON.parse('{"old": null, "s0": 5, "s1": {"a": {"count": "x", "last": 0}, "b": null, "c": {"count": 1}, "d": {"count": 2, "last": 3}}, "s2": ["x"]}') as FiredLog;
    const m = mergeFiredLogs(stored, { s1: { e: { count: 1, last: 9 } } });
    expect(JSON.parse(JSON.stringify(m))).toEqual({ s1: { d: { count: 2, last: 3 }, e: { count: 1, last: 9 } } });
    expect(JSON.parse(JSON.stringify(mergeFiredLogs('garbage' as unknown as FiredLog, {})))).toEqual({});
  });

  it('with an old session null: a reload still resumes the stored session (intent covers earlier pages)', async () => {
    const db = dbName();
    await seed(db, { 'triggers:fired': { 'old-session': null } });
    const counts: number[] = [];
    for (let page = 0; page < 3; page++) {
      const o = await open(db);
      o.h.track('product_view', { itemId: `a${page}`, price: 10 });
      o.h.track('add_to_cart', { itemId: `a${page}`, price: 10 });
      counts.push((await o.h.intent()).events);
      await o.h.flush();
      expect(o.problems).toEqual([]);
      await close(o.h);
    }
    expect(counts).toEqual([2, 4, 6]);
  });

  for (const [name, log] of [
    ['null', null],
    ['count "x"', { always: { count: 'x', last: 0 } }],
  ] as const) {
    it(`with the live session's entry ${name}: a perSession 1 rule fires once over reloads`, async () => {
      const db = dbName();
      const sid = 'S-live';
      livePointer(db, sid);
      await seed(db, { 'triggers:fired': { [sid]: log } });
      const fired: number[] = [];
      for (let page = 0; page < 3; page++) {
        const o = await open(db);
        o.h.triggers.add({ id: 'always', when: () => true, cap: { perSession: 1 } });
        for (const item of ['a', 'b']) {
          o.h.track('product_view', { itemId: item, price: 10 });
          await o.h.intent();
        }
        await tick();
        fired.push(o.triggers.length);
        await close(o.h);
      }
      expect(fired).toEqual([1, 0, 0]);
    });
  }
});
