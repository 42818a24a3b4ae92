import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { sessionExamples } from '../../src/personalize/examples';
import { groupBySession, mergeSession } from '../../src/session';
import { takeSpilled } from '../../src/spill';
import { dbName, livePointer, open, seed } from './corrupt-fixture';
import { tinyNet } from './personalize-fixture';

const t0 = Date.now() - 10 * 86_400_000;
/** `sessions` ended sessions of 4 events, every other one with a purchase. */
const ended = (sessions: number): HunchEvent[] =>
  Array.from({ length: sessions * 4 }, (_, i) => {
    const [s, k] = [Math.floor(i / 4), i % 4];
    return { id: `old-${s}-${k}`, sessionId: `old${s}`, ts: t0 + s * 3_600_000 + k * 1000, type: k === 3 && s % 2 ? 'purchase' : 'product_view', itemId: `i${k}`, price: 10 };
  });

describe('spilled events', () => {
  it('are taken as track() would have recorded them; the others are dropped', () => {
    const ok: HunchEvent = { id: 't-1', sessionId: 's', ts: 5, type: 'add_to_cart', itemId: 'a', price: 12, quantity: 2 };
    const dwell: HunchEvent = { id: 't-2', sessionId: 's', ts: 6, type: 'dwell', url: 'https://shop.test/p', dwellMs: 4000 };
    const bad = [
      { ...ok, id: 'b-1', price: '12' },
      { ...ok, id: 'b-2', extra: 'x'.repeat(1000) },
      { ...ok, id: 'b-3', quantity: 0.5 },
      { ...ok, id: 'b-4', itemId: { toString: 'a' } },
      { ...dwell, id: 'b-5', dwellMs: '4000' },
      { ...dwell, id: 'b-6', dwellMs: -1 },
      { ...ok, id: 'b-7', type: 'nope' },
      { ...ok, id: 5 },
      null,
      'x',
    ];
    localStorage.setItem('hunch:db:spill:tab', JSON.stringify([ok, ...bad, dwell]));
    expect(takeSpilled(localStorage, 'db')).toEqual([ok, dwell]);
    expect(localStorage.getItem('hunch:db:spill:tab')).toBe(null);
  });

  it('a malformed one is not stored, so personalize() and metrics() still run', async () => {
    const db = dbName();
    const evs: unknown[] = ended(4);
    evs[1] = { ...(evs[1] as object), price: '12', extra: 'x'.repeat(10) };
    localStorage.setItem(`hunch:${db}:spill:deadtab`, JSON.stringify(evs));
    const o = await open(db, { personalize: { auto: false } });
    o.h.track('product_view', { itemId: 'a', price: 10 });
    await o.h.flush();
    const ids = (await o.h.export()).events.map((e) => e.id);
    expect(ids).not.toContain('old-0-1');
    expect(ids.filter((id) => id.startsWith('old-'))).toHaveLength(15);
    await expect(o.h.personalize()).resolves.toMatchObject({ sessions: { train: 3, holdout: 1 } });
    await expect(o.h.metrics()).resolves.toMatchObject({ sessions: 4 });
  });
});

describe('malformed events already in IndexedDB', () => {
  it('are skipped by the personalization replay (sessionExamples)', () => {
    const net = tinyNet();
    const good = ended(1);
    const withBad = [good[0], { ...good[1], id: 'x', price: 'x' as unknown as number }, ...good.slice(1)];
    expect(sessionExamples(net, withBad)).toEqual(sessionExamples(net, good));
  });

  it('personalize() and metrics() still run', async () => {
    const db = dbName();
    const evs = ended(4);
    const sessions = [...groupBySession(evs).values()].map((list) => mergeSession(undefined, list));
    evs[1] = { ...evs[1], price: -3 };
    await seed(db, {}, evs, sessions);
    const o = await open(db, { personalize: { auto: false } });
    await expect(o.h.personalize()).resolves.toMatchObject({ sessions: { train: 3, holdout: 1 } });
    await expect(o.h.metrics()).resolves.toMatchObject({ sessions: 4 });
  });

  it('the intent restore skips them, says so once, and applies the rest of the session', async () => {
    const db = dbName();
    const sid = 'S-live';
    const now = Date.now();
    livePointer(db, sid, now);
    const evs = [0, 1, 2, 3, 4].map((k) => ({ id: `dead-${k}`, sessionId: sid, ts: now - 60_000 + k * 1000, type: k === 2 ? 'add_to_cart' : 'product_view', itemId: `i${k}`, price: k === 1 ? -3 : 10 }));
    await seed(db, {}, evs);
    const o = await open(db);
    o.h.track('product_view', { itemId: 'a', price: 10 });
    const i = await o.h.intent();
    expect(i.events).toBe(5); // 4 stored ones and this page's
    expect(i.stage).toBe('considering'); // the cart of the stored add_to_cart
    expect(o.problems).toEqual(['warning intent-restore: 1 stored events of the session could not be read and were skipped']);
  });
});
