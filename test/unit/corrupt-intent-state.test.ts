import { describe, expect, it } from 'vitest';
import { initialFeatureState } from '../../src/features/index';
import { newSessionState, type SessionState } from '../../src/model/session-state';
import { isSessionState } from '../../src/session-state-check';
import { dbName, livePointer, open, seed } from './corrupt-fixture';

const SID = 'S-live';
const base = (): SessionState => ({ ...newSessionState(SID, 'tiny-1'), feature: initialFeatureState() });

describe('isSessionState', () => {
  it('accepts a fresh state, a stepped one, and one saved before the optional fields existed', () => {
    expect(isSessionState(base(), 4)).toBe(true);
    const stepped = { ...base(), hidden: [0.1, -0.2, 0, 1], logit: -1.5, lastX: [0, 1], steps: 1, seen: 1, lastEventId: 'e1', lastTs: 5, history: [{ eventId: 'e1', type: 'product_view', weight: 0.5, itemId: 'a' }] };
    expect(isSessionState(stepped, 4)).toBe(true);
    const { seen: _s, maxTs: _m, lastCheckoutStep: _c, lastX: _x, ...old } = stepped;
    expect(isSessionState(old, 4)).toBe(true);
  });

  it('refuses missing or mistyped fields, non-finite numbers and a hidden state of another size', () => {
    const bad: Array<[string, unknown]> = [
      ['not an object', 'x'],
      ['bare', { sessionId: SID, modelVersion: 'tiny-1' }],
      ['feature null', { ...base(), feature: null }],
      ['feature field', { ...base(), feature: { ...initialFeatureState(), items: [['a', 'x']] } }],
      ['history null', { ...base(), history: null }],
      ['history entry', { ...base(), history: [{ eventId: 'e', type: 'page_view', weight: NaN }] }],
      ['hidden strings', { ...base(), hidden: ['a', 'b', 'c', 'd'] }],
      ['hidden NaN', { ...base(), hidden: [NaN, 0, 0, 0] }],
      ['hidden size', { ...base(), hidden: [0, 0] }],
      ['logit string', { ...base(), logit: 'abc' }],
      ['steps NaN', { ...base(), steps: NaN }],
    ];
    for (const [name, s] of bad) expect(isSessionState(s, 4), name).toBe(false);
  });
});

describe('a malformed saved intent state of the live session', () => {
  const feature = initialFeatureState();
  const cases: Record<string, unknown> = {
    bare: { sessionId: SID, modelVersion: 'tiny-1' },
    'feature null': { ...base(), feature: null },
    'history null': { ...base(), feature, history: null },
    'hidden strings': { ...base(), hidden: ['a', 'b', 'c', 'd'], logit: 0, steps: 1 },
    'hidden NaN': { ...base(), hidden: [NaN, 0, 0, 0], logit: 0, steps: 1 },
  };
  for (const [name, saved] of Object.entries(cases)) {
    it(`${name}: is dropped with one warning, and the session's intent is computed from its events`, async () => {
      const db = dbName();
      livePointer(db, SID);
      await seed(db, { 'intent:state': saved });
      const o = await open(db);
      o.h.track('product_view', { itemId: 'a', price: 10 });
      const first = await o.h.intent();
      o.h.track('add_to_cart', { itemId: 'a', price: 10 });
      const second = await o.h.intent();
      for (const i of [first, second]) expect(Number.isFinite(i.purchase), name).toBe(true);
      expect([first.events, second.events]).toEqual([1, 2]);
      expect(o.problems).toEqual(['warning intent-restore: the saved intent state is malformed: the session is replayed from its stored events']);
    });
  }
});
