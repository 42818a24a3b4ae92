// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { stageOf, topReasons, type Intent } from '../../src/intent';
import { createRuleSet, evaluateTriggers, FIRED_LOG_SESSIONS, type FiredLog } from '../../src/triggers';

const intent = (over: Partial<Intent>): Intent => ({ purchase: 0.1, stage: 'browsing', reasons: [], source: 'model', backend: 'cpu', modelVersion: 'm', sessionId: 's1', events: 1, ...over });

describe('stageOf', () => {
  const base = { purchase: 0.1, peak: 0.1, cartUnits: 0, checkout: false, purchased: false, lastType: 'product_view' as const, stepsSinceAdd: Infinity, repeatViews: false };
  it.each([
    [{}, 'browsing'],
    [{ repeatViews: true }, 'considering'],
    [{ cartUnits: 1, stepsSinceAdd: 0 }, 'considering'],
    [{ purchase: 0.6, peak: 0.6 }, 'ready'],
    [{ checkout: true }, 'ready'],
    [{ cartUnits: 1, lastType: 'remove_from_cart' as const, stepsSinceAdd: 1 }, 'abandoning'],
    [{ cartUnits: 1, purchase: 0.1, peak: 0.3, stepsSinceAdd: 3 }, 'abandoning'],
    [{ cartUnits: 1, purchase: 0.1, peak: 0.3, stepsSinceAdd: 2 }, 'considering'],
    [{ purchased: true, cartUnits: 1, checkout: true }, 'browsing'],
  ])('%o → %s', (over, stage) => {
    expect(stageOf({ ...base, ...over })).toBe(stage);
  });
  it('topReasons keeps the strongest non-zero moves', () => {
    const r = (w: number) => ({ eventId: String(w), type: 'product_view' as const, weight: w });
    expect(topReasons([r(0.1), r(-2), r(0), r(1), r(0.5)]).map((x) => x.weight)).toEqual([-2, 1, 0.5]);
  });
});

describe('triggers', () => {
  it('fires presets when the stage changes, once per session by default', () => {
    const rules = createRuleSet(['abandonment', 'ready-to-buy']);
    let log: FiredLog = {};
    const fire = (i: Intent, prev?: Intent) => {
      const r = evaluateTriggers(rules.rules, i, prev, log, 1000);
      log = r.log;
      return r.fired;
    };
    const ab = intent({ stage: 'abandoning' });
    expect(fire(ab, intent({ stage: 'considering' }))).toEqual(['abandonment']);
    expect(fire(ab, intent({ stage: 'considering' }))).toEqual([]); // capped
    expect(fire(intent({ stage: 'ready' }), ab)).toEqual(['ready-to-buy']);
    expect(fire(intent({ stage: 'abandoning', sessionId: 's2' }), undefined)).toEqual(['abandonment']); // new session
  });

  it('honours perSession and cooldown caps, isolates throwing rules, bounds the log', () => {
    const rules = createRuleSet([
      { id: 'hot', when: (i) => i.purchase > 0.5, cap: { perSession: 2, cooldownMs: 100 } },
      { id: 'bad', when: () => { throw new Error('x'); } },
    ]);
    const errors: string[] = [];
    let log: FiredLog = {};
    const at = (t: number) => {
      const r = evaluateTriggers(rules.rules, intent({ purchase: 0.9 }), undefined, log, t, (id) => errors.push(id));
      log = r.log;
      return r.fired;
    };
    expect([at(0), at(50), at(200), at(400)]).toEqual([['hot'], [], ['hot'], []]);
    expect(errors.length).toBe(4);
    for (let i = 0; i < FIRED_LOG_SESSIONS + 5; i++) log = evaluateTriggers(rules.rules, intent({ purchase: 0.9, sessionId: `x${i}` }), undefined, log, 0).log;
    expect(Object.keys(log).length).toBeLessThanOrEqual(FIRED_LOG_SESSIONS);
  });

  it('validates rules with TypeErrors naming the field; re-adding an id replaces the rule', () => {
    const rules = createRuleSet();
    expect(() => rules.add('nope')).toThrow(/unknown preset/);
    expect(() => rules.add({ id: '', when: () => true })).toThrow(/"id"/);
    expect(() => rules.add({ id: 'a', when: 1 as never })).toThrow(/"when"/);
    expect(() => rules.add({ id: 'a', when: () => true, cap: { perSession: 0 } })).toThrow(/perSession/);
    rules.add({ id: 'a', when: () => true });
    rules.add({ id: 'a', when: () => false });
    expect(rules.list()).toEqual(['a']);
    rules.remove('a');
    expect(rules.list()).toEqual([]);
  });
});
