// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  encodeEvent,
  encodeSession,
  featureIndex,
  FEATURE_DIM,
  FEATURE_DOCS,
  FEATURE_NAMES,
  initialFeatureState,
} from '../../src/features/index.js';
import type { HunchEvent } from '../../src/events.js';

const t0 = Date.UTC(2024, 0, 1, 12);
const ev = (type: HunchEvent['type'], sec: number, extra: Partial<HunchEvent> = {}): HunchEvent => ({
  id: `t-${sec}`,
  sessionId: 's',
  type,
  ts: t0 + sec * 1000,
  ...extra,
});
const session: HunchEvent[] = [
  ev('page_view', 0),
  ev('product_view', 20, { itemId: 'a', categoryId: 'c1', price: 20 }),
  ev('product_view', 50, { itemId: 'b', categoryId: 'c1', price: 80 }),
  ev('dwell', 70, { dwellMs: 15000 }),
  ev('product_view', 90, { itemId: 'a', categoryId: 'c1', price: 20 }),
  ev('add_to_cart', 95, { itemId: 'a', price: 20, quantity: 2 }),
  ev('remove_from_cart', 120, { itemId: 'a', quantity: 1 }),
  ev('search', 200, { query: 'shoes' }),
];
const f = (x: Float32Array, name: string): number => x[featureIndex(name)];

describe('features', () => {
  it('documents every feature once', () => {
    expect(FEATURE_NAMES.length).toBe(FEATURE_DIM);
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_DIM);
    for (const [, doc] of FEATURE_DOCS) expect(doc.length).toBeGreaterThan(10);
  });

  it('streaming encode equals encodeSession, through a JSON round trip of the state', () => {
    const full = encodeSession(session);
    let state = initialFeatureState();
    const streamed: Float32Array[] = [];
    for (const e of session) {
      const r = encodeEvent(JSON.parse(JSON.stringify(state)), e);
      state = r.state;
      if (r.step) streamed.push(r.x);
    }
    expect(streamed.length).toBe(session.length - 1); // the dwell event is not a step
    expect(streamed).toEqual(full);
    for (const x of full) for (const v of x) expect(Number.isFinite(v)).toBe(true);
  });

  it('does not mutate the input state', () => {
    const s = encodeEvent(initialFeatureState(), session[1]).state;
    const copy = JSON.stringify(s);
    encodeEvent(s, session[2]);
    encodeEvent(s, session[5]);
    expect(JSON.stringify(s)).toBe(copy);
  });

  it('encodes repeat views, cart, dwell and relative price', () => {
    const xs = encodeSession(session);
    expect(f(xs[0], 'first_event')).toBe(1);
    expect(f(xs[1], 'first_event')).toBe(0);
    expect(f(xs[3], 'item_seen')).toBe(1); // item a again
    expect(f(xs[2], 'item_seen')).toBe(0);
    expect(f(xs[3], 'last_dwell')).toBeCloseTo(Math.log1p(15) / Math.log1p(600), 5);
    expect(f(xs[2], 'rel_price')).toBeGreaterThan(0); // 80 vs 20
    expect(f(xs[3], 'rel_price')).toBeLessThan(0); // 20 vs mean(20, 80)
    expect(f(xs[4], 'has_cart')).toBe(1);
    expect(f(xs[4], 'item_in_cart')).toBe(1);
    expect(f(xs[4], 'cart_recency')).toBe(1);
    expect(f(xs[5], 'has_cart')).toBe(1); // 2 added, 1 removed
    expect(f(xs[5], 'item_in_cart')).toBe(0);
    expect(f(xs[6], 'type_browse')).toBe(1);
    expect(f(xs[6], 'type_search')).toBe(1);
    expect(f(xs[1], 'gap')).toBeCloseTo(Math.log1p(20) / Math.log1p(1800), 5);
    expect(f(xs[6], 'repeat_ratio')).toBeCloseTo(1 - 2 / 5, 5); // items a,b,a,a,a: 2 distinct of 5
  });

  it('keeps the state bounded on long sessions', () => {
    const long = Array.from({ length: 500 }, (_, i) => ev('product_view', i * 5, { itemId: `i${i}`, categoryId: `c${i}`, price: i + 1 }));
    let state = initialFeatureState();
    for (const e of long) state = encodeEvent(state, e).state;
    expect(JSON.stringify(state).length).toBeLessThan(4000);
    expect(state.distinctItems).toBe(500);
  });

  it('throws TypeError naming the field on invalid events', () => {
    const s = initialFeatureState();
    expect(() => encodeEvent(s, { ...session[0], type: 'nope' as never })).toThrow(/event\.type/);
    expect(() => encodeEvent(s, { ...session[0], ts: Number.NaN })).toThrow(/event\.ts/);
    expect(() => encodeEvent(s, { ...session[1], price: -1 })).toThrow(/event\.price/);
  });
});
