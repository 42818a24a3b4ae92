// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { stageOf, topReasons, type Intent } from '../../src/intent';
import { createRuleSet, evaluateTriggers, FIRED_LOG_SESSIONS, mergeFiredLogs, PRESETS, resolveRule, type FiredLog, type TriggerRule } from '../../src/triggers';

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
    // checkout begun 3 steps after the add, the score fallen back from the add's peak (as the
    // model does after any add): ready, not abandoning (the abandonment offer fired at checkout)
    [{ cartUnits: 1, checkout: true, lastType: 'begin_checkout' as const, purchase: 0.05, peak: 0.12, stepsSinceAdd: 3, stepsSinceCheckout: 0 }, 'ready'],
    [{ cartUnits: 1, checkout: true, purchase: 0.05, peak: 0.12, stepsSinceAdd: 5, stepsSinceCheckout: 2 }, 'ready'],
    // drifting 3 steps after the checkout: a checkout abandoned
    [{ cartUnits: 1, checkout: true, purchase: 0.05, peak: 0.12, stepsSinceAdd: 6, stepsSinceCheckout: 3 }, 'abandoning'],
    [{ cartUnits: 2, checkout: true, lastType: 'remove_from_cart' as const, stepsSinceAdd: 4 }, 'abandoning'],
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

  it('a rule id that is an Object.prototype name is capped like any other, through a stored (cloned) log and a merge', () => {
    for (const id of ['vip', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const rules = createRuleSet([{ id, when: () => true, cap: { perSession: 1 } }]).rules;
      let log: FiredLog = {};
      const fired: number[] = [];
      for (let t = 0; t < 3; t++) {
        const r = evaluateTriggers(rules, intent({}), undefined, log, t * 1000);
        fired.push(r.fired.length);
        log = mergeFiredLogs(structuredClone(r.log), {}); // as a reload reads it back, merged with nothing
      }
      expect(fired, id).toEqual([1, 0, 0]);
      expect(Object.getOwnPropertyDescriptor(log.s1, id)?.value, id).toEqual({ count: 1, last: 0 });
    }
  });

  it('mergeFiredLogs keeps what either tab fired (higher count, later time), bounded, with our sessions newest', () => {
    const stored: FiredLog = { s1: { 'ready-to-buy': { count: 1, last: 10 } }, old: { x: { count: 1, last: 1 } } };
    const ours: FiredLog = { s1: { abandonment: { count: 1, last: 20 }, 'ready-to-buy': { count: 0, last: 5 } } };
    const m = mergeFiredLogs(stored, ours);
    expect(m).toEqual({ old: { x: { count: 1, last: 1 } }, s1: { 'ready-to-buy': { count: 1, last: 10 }, abandonment: { count: 1, last: 20 } } });
    const many: FiredLog = Object.fromEntries(Array.from({ length: FIRED_LOG_SESSIONS + 3 }, (_, i) => [`z${i}`, { r: { count: 1, last: i } }]));
    const bounded = mergeFiredLogs(many, ours);
    expect(Object.keys(bounded)).toHaveLength(FIRED_LOG_SESSIONS);
    expect(Object.keys(bounded).at(-1)).toBe('s1');
  });

  it('validates rules with TypeErrors naming the field; re-adding an id replaces the rule', () => {
    const rules = createRuleSet();
    expect(() => rules.add('nope')).toThrow(/unknown preset/);
    expect(() => rules.add({ id: '', when: () => true })).toThrow(/"rule\.id"/);
    expect(() => rules.add({ id: 'a', when: 1 as never })).toThrow(/"rule\.when"/);
    expect(() => rules.add({ id: 'a', when: () => true, cap: { perSession: 0 } })).toThrow(/perSession/);
    rules.add({ id: 'a', when: () => true });
    rules.add({ id: 'a', when: () => false });
    expect(rules.list()).toEqual(['a']);
    rules.remove('a');
    expect(rules.list()).toEqual([]);
  });

  it.each([
    [5, /"rule\.cap" must be an object/],
    [null, /"rule\.cap" must be an object/],
    [[1], /"rule\.cap" must be an object/],
    [{ perSesion: 3 }, /"rule\.cap\.perSesion" is not a known field \(allowed: perSession, cooldownMs\)/],
    [{ perSession: -1 }, /"rule\.cap\.perSession" must be an integer ≥ 1/],
    [{ perSession: 1.5 }, /"rule\.cap\.perSession"/],
    [{ perSession: '2' }, /"rule\.cap\.perSession"/],
    [{ cooldownMs: NaN }, /"rule\.cap\.cooldownMs" must be a finite number ≥ 0/],
    [{ cooldownMs: -1 }, /"rule\.cap\.cooldownMs"/],
    [{ cooldownMs: Infinity }, /"rule\.cap\.cooldownMs"/],
  ])('rejects cap %o with a TypeError naming rule.cap.*', (cap, msg) => {
    const rules = createRuleSet();
    const add = () => rules.add({ id: 'a', when: () => true, cap: cap as never });
    expect(add).toThrow(TypeError);
    expect(add).toThrow(msg);
    expect(rules.list()).toEqual([]);
  });

  it('accepts a valid cap, and no cap at all', () => {
    const rules = createRuleSet();
    rules.add({ id: 'a', when: () => true, cap: { perSession: 3, cooldownMs: 0 } });
    rules.add({ id: 'b', when: () => true, cap: {} });
    rules.add({ id: 'c', when: () => true });
    expect(rules.list()).toEqual(['a', 'b', 'c']);
  });

  it('stores a copy of the rule: changing its id, when or cap after add() changes nothing', () => {
    const rules = createRuleSet();
    const rule: TriggerRule = { id: 'hot', when: (i) => i.purchase > 0.5, cap: { perSession: 1 } };
    rules.add(rule);
    rule.id = 'renamed';
    rule.when = 'oops' as never;
    rule.cap!.perSession = 5;
    rule.cap = { perSession: 0 };
    const errors: unknown[] = [];
    let log: FiredLog = {};
    const at = (t: number) => {
      const r = evaluateTriggers(rules.rules, intent({ purchase: 0.9 }), undefined, log, t, (_, err) => errors.push(err));
      log = r.log;
      return r.fired;
    };
    expect([at(0), at(10)]).toEqual([['hot'], []]); // the id, when and cap of add() time
    expect(errors).toEqual([]);
    expect(rules.list()).toEqual(['hot']);
  });

  it('a when() that returns a non-boolean (truthy value, promise) does not fire and is reported; one that removes a rule does not skip the next', () => {
    const rules = createRuleSet();
    const errors: string[] = [];
    rules.add({ id: 'truthy', when: (i) => (i.purchase > 0.5 && i.stage) as never });
    rules.add({ id: 'async', when: (async () => true) as never });
    rules.add({ id: 'once', when: () => (rules.remove('once'), true) });
    rules.add({ id: 'other', when: () => true });
    const r = evaluateTriggers(rules.rules, intent({ purchase: 0.9 }), undefined, {}, 0, (id, err) => errors.push(`${id}: ${(err as Error).message}`));
    expect(r.fired).toEqual(['once', 'other']);
    expect(errors).toEqual(['truthy: when() must return a boolean, got string of length 8', 'async: when() must return a boolean, got object']);
  });

  it('calls a copied when() with the original rule as `this`', () => {
    const rule = { id: 'vip', threshold: 0.8, when(this: { threshold: number }, i: Intent) { return i.purchase > this.threshold; } };
    const rules = createRuleSet([rule as TriggerRule]);
    expect(evaluateTriggers(rules.rules, intent({ purchase: 0.9 }), undefined, {}, 0).fired).toEqual(['vip']);
  });

  it('knows only its own presets: Object.prototype names are unknown, and the presets are frozen', () => {
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      expect(() => resolveRule(name)).toThrow(/unknown preset/);
    }
    expect(Object.isFrozen(PRESETS.abandonment)).toBe(true);
    expect(resolveRule('abandonment')).toBe(PRESETS.abandonment);
  });
});
