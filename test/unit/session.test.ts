// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { advanceSession, chooseSession, mergeSession } from '../../src/session';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
let n = 0;
const newId = () => `s${++n}`;

describe('advanceSession', () => {
  it('keeps a session within the timeout and starts a new one after it', () => {
    const a = advanceSession(undefined, 0, 30 * MIN, newId);
    expect(a.started).toBe(true);
    const b = advanceSession(a.ptr, 29 * MIN, 30 * MIN, newId);
    expect(b).toEqual({ ptr: { id: a.ptr.id, start: 0, last: 29 * MIN }, started: false });
    const c = advanceSession(b.ptr, 59 * MIN, 30 * MIN, newId);
    expect(c.started).toBe(true);
    expect(c.ptr.id).not.toBe(a.ptr.id);
  });
  it('starts a new session when the clock jumps backwards past the timeout', () => {
    const a = advanceSession(undefined, 100 * MIN, 30 * MIN, newId);
    expect(advanceSession(a.ptr, 10 * MIN, 30 * MIN, newId).started).toBe(true);
  });
});

describe('mergeSession', () => {
  it('summarizes counts, items and purchase', () => {
    const ev = (type: HunchEvent['type'], ts: number, itemId?: string): HunchEvent => ({ id: `e${ts}`, type, ts, sessionId: 's', itemId });
    const rec = mergeSession(undefined, [ev('page_view', 5), ev('product_view', 7, 'a'), ev('add_to_cart', 9, 'a')]);
    expect(rec).toMatchObject({ id: 's', start: 5, end: 9, count: 3, items: ['a'], purchased: false, counts: { page_view: 1, product_view: 1, add_to_cart: 1 } });
    const more = mergeSession(rec, [ev('purchase', 3)]);
    expect(more).toMatchObject({ start: 3, end: 9, count: 4, purchased: true });
    expect(rec.count).toBe(3); // input not mutated
  });
});

describe('chooseSession', () => {
  const T = 30 * MIN;
  it('converges concurrent tabs on the earliest live session', () => {
    const a = { id: 'a', start: 10, last: 20 };
    const b = { id: 'b', start: 5, last: 30 };
    expect(chooseSession(a, b, 40, T)).toEqual({ id: 'b', start: 5, last: 30 });
    expect(chooseSession(b, a, 40, T)).toEqual({ id: 'b', start: 5, last: 30 });
  });
  it('ignores an expired pointer', () => {
    const old = { id: 'old', start: 0, last: 0 };
    const cur = { id: 'cur', start: 40 * MIN, last: 41 * MIN };
    expect(chooseSession(old, cur, 42 * MIN, T)?.id).toBe('cur');
    expect(chooseSession(cur, old, 42 * MIN, T)?.id).toBe('cur');
  });
  it('after the timeout names the last session (the later activity), not an older shared one', () => {
    // a 'pending' tab never writes its session, so the shared pointer may be yesterday's
    const yesterday = { id: 'yesterday', start: -DAY, last: -DAY + 10 * MIN };
    const today = { id: 'today', start: 0, last: MIN };
    expect(chooseSession(today, yesterday, 32 * MIN, T)?.id).toBe('today');
    expect(chooseSession(yesterday, today, 32 * MIN, T)?.id).toBe('today');
    expect(chooseSession(undefined, yesterday, 32 * MIN, T)).toBe(yesterday);
    expect(chooseSession(today, undefined, 32 * MIN, T)).toBe(today);
  });
});
