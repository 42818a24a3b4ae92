/**
 * The script tag's global (`window.hunch`, src/script-proxy.ts) before and after the instance is
 * ready, around a fake instance built from the real emitter and rule set, and the `data-*`
 * attribute parsing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hunch, HunchEventMap } from '../../src/api';
import { createEmitter } from '../../src/emitter';
import { resolveOptions, type HunchOptions } from '../../src/options';
import { createProxy, optionsFromDataset } from '../../src/script-proxy';
import { createRuleSet, type TriggerRule } from '../../src/triggers';

/** A stand-in instance: the real emitter and rule set; `log` records calls in the order they ran. */
function fakeInstance(triggers: string[] = []) {
  const emitter = createEmitter<HunchEventMap>();
  const rules = createRuleSet(triggers);
  const log: string[] = [];
  const h = {
    track(type: string) {
      log.push(`track:${type}`);
      emitter.emit('event', { type } as never);
    },
    on: (name: keyof HunchEventMap, cb: never) => emitter.on(name, cb),
    off: (name: keyof HunchEventMap, cb: never) => emitter.off(name, cb),
    triggers: { add: (r: TriggerRule | string) => rules.add(r), remove: (id: string) => rules.remove(id), list: () => rules.list() },
    async flush() {
      log.push('flush');
    },
    async consent(state: string) {
      log.push(`consent:${state}`);
    },
    async intent() {
      log.push('intent');
      return { stage: 'browsing' };
    },
  } as unknown as Hunch;
  return { h, emitter, rules, log };
}

function deferred() {
  let resolve!: (h: Hunch) => void;
  let reject!: (err: unknown) => void;
  const pending = new Promise<Hunch>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { pending, resolve, reject };
}

/** The message `fn` throws (to compare the proxy's error with the instance's own). */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('did not throw');
}

afterEach(() => vi.restoreAllMocks());

describe('script-tag proxy: order of calls before ready', () => {
  it('on() then off() before ready leaves the listener removed', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const { h, emitter } = fakeInstance();
    const cb = vi.fn();
    proxy.on('event', cb);
    proxy.off('event', cb);
    resolve(h);
    await proxy.ready;
    expect(emitter.count('event')).toBe(0);
    h.track('page_view');
    expect(cb).not.toHaveBeenCalled();
  });

  it('off() then on() before ready leaves the listener registered', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const { h, emitter } = fakeInstance();
    const cb = vi.fn();
    proxy.off('event', cb);
    proxy.on('event', cb);
    resolve(h);
    await proxy.ready;
    expect(emitter.count('event')).toBe(1);
  });

  it('a listener added before ready hears the events queued before ready, even ones tracked before on()', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const { h } = fakeInstance();
    const heard: string[] = [];
    proxy.track('page_view');
    proxy.on('event', (e) => heard.push(e.type));
    proxy.track('search', { query: 'x' });
    resolve(h);
    await proxy.ready;
    expect(heard).toEqual(['page_view', 'search']);
  });

  it('a listener removed before ready still hears what was tracked before off(), and nothing after', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const { h } = fakeInstance();
    const heard: string[] = [];
    const cb = (e: { type: string }) => heard.push(e.type);
    proxy.track('page_view');
    proxy.on('event', cb);
    proxy.track('search', { query: 'x' });
    proxy.off('event', cb);
    proxy.track('product_view', { itemId: 'a' });
    resolve(h);
    await proxy.ready;
    expect(heard).toEqual(['page_view', 'search']);
  });

  it('two triggers.add() with the same id before ready: the later one replaces the earlier', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const { h, rules } = fakeInstance();
    proxy.triggers.add({ id: 'dup', when: () => false, cap: { perSession: 1 } });
    proxy.triggers.add({ id: 'dup', when: () => true, cap: { perSession: 3 } });
    resolve(h);
    await proxy.ready;
    expect(rules.list()).toEqual(['dup']);
    expect(rules.rules[0].cap?.perSession).toBe(3);
    expect(rules.rules[0].when({} as never, undefined)).toBe(true);
  });

  it('triggers.add() and remove() before ready apply in call order', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const { h, rules } = fakeInstance();
    proxy.triggers.add('abandonment');
    proxy.triggers.remove('abandonment');
    proxy.triggers.remove('ready-to-buy');
    proxy.triggers.add('ready-to-buy');
    resolve(h);
    await proxy.ready;
    expect(rules.list()).toEqual(['ready-to-buy']);
  });

  it('promise-returning calls before ready run in call order with track()', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const { h, log } = fakeInstance();
    proxy.track('page_view');
    const consented = proxy.consent('pending');
    proxy.track('search', { query: 'x' });
    const flushed = proxy.flush();
    const intent = proxy.intent();
    resolve(h);
    await proxy.ready;
    await expect(consented).resolves.toBeUndefined();
    await expect(flushed).resolves.toBeUndefined();
    await expect(intent).resolves.toEqual({ stage: 'browsing' });
    expect(log).toEqual(['track:page_view', 'consent:pending', 'track:search', 'flush', 'intent']);
  });
});

describe('script-tag proxy: triggers.list() before ready', () => {
  it('lists the starting presets plus the queued adds and removes, as the instance will', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending, { triggers: ['abandonment'] });
    expect(proxy.triggers.list()).toEqual(['abandonment']);
    proxy.triggers.add({ id: 'vip', when: () => false });
    proxy.triggers.add('ready-to-buy');
    proxy.triggers.remove('abandonment');
    expect(proxy.triggers.list()).toEqual(['vip', 'ready-to-buy']);
    const { h } = fakeInstance(['abandonment']);
    resolve(h);
    await proxy.ready;
    expect(proxy.triggers.list()).toEqual(['vip', 'ready-to-buy']);
  });

  it('the options parsed from data-triggers feed it', () => {
    const opts = optionsFromDataset({ triggers: 'abandonment, ready-to-buy' });
    const proxy = createProxy(new Promise<Hunch>(() => {}), opts);
    expect(proxy.triggers.list()).toEqual(['abandonment', 'ready-to-buy']);
  });
});

describe('script-tag proxy: invalid arguments throw to the caller before ready', () => {
  it('on() with a listener that is not a function throws the TypeError the instance throws, and queues nothing', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { h, emitter } = fakeInstance();
    expect(() => proxy.on('event', 'nope' as never)).toThrow(TypeError);
    expect(() => proxy.on('event', 'nope' as never)).toThrow(thrown(() => createEmitter<HunchEventMap>().on('event', 'nope' as never)));
    resolve(h);
    await proxy.ready;
    expect(emitter.count('event')).toBe(0);
    expect(errors).not.toHaveBeenCalled();
  });

  it('on() with an unknown event name throws the TypeError the instance throws, and queues nothing', async () => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const { h } = fakeInstance();
    const on = vi.spyOn(h, 'on');
    expect(() => proxy.on('triggers' as 'trigger', () => {})).toThrow(/unknown event "triggers"/);
    resolve(h);
    await proxy.ready;
    expect(on).not.toHaveBeenCalled();
  });

  it.each([
    ['an unknown preset', 'bogus'],
    ['a rule without when', { id: 'x' }],
    ['a rule with an empty id', { id: '', when: (): boolean => true }],
    ['a rule with a bad cap', { id: 'x', when: (): boolean => true, cap: { perSession: 0 } }],
    ['null', null],
  ])('triggers.add(%s) throws the TypeError the instance throws, and queues nothing', async (_, rule) => {
    const { pending, resolve } = deferred();
    const proxy = createProxy(pending);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { h, rules } = fakeInstance();
    expect(() => proxy.triggers.add(rule as never)).toThrow(TypeError);
    expect(() => proxy.triggers.add(rule as never)).toThrow(thrown(() => createRuleSet().add(rule as never)));
    expect(proxy.triggers.list()).toEqual([]);
    resolve(h);
    await proxy.ready;
    expect(rules.list()).toEqual([]);
    expect(errors).not.toHaveBeenCalled();
  });
});

describe('script-tag proxy: the instance fails to start', () => {
  const DATA = ['export', 'intent', 'personalize', 'metrics', 'recommend', 'forget'] as const;

  /** Calls every promise-returning method; attaches handlers at once (no unhandled rejection here). */
  function callAll(proxy: ReturnType<typeof createProxy>) {
    const call = (p: Promise<unknown>) => Promise.allSettled([p]).then(([r]) => r);
    return {
      data: DATA.map((name) => call((proxy[name] as () => Promise<unknown>)())),
      denied: call(proxy.consent('denied')),
      done: [call(proxy.flush()), call(proxy.dispose()), call(proxy.consent('granted')), call(proxy.consent('pending'))],
    };
  }

  async function expectSettled(calls: ReturnType<typeof callAll>, err: unknown) {
    for (const r of await Promise.all([...calls.data, calls.denied])) expect(r).toEqual({ status: 'rejected', reason: err });
    for (const r of await Promise.all(calls.done)) expect(r).toEqual({ status: 'fulfilled', value: undefined });
  }

  it('calls made before the failure: data and erasing calls reject with the startup error; flush, dispose and consent resolve', async () => {
    const { pending, reject } = deferred();
    const proxy = createProxy(pending, { triggers: ['abandonment'] });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const calls = callAll(proxy);
    proxy.track('page_view');
    proxy.on('event', () => {});
    proxy.triggers.add('ready-to-buy');
    const err = new TypeError('hunch: option "sessionTimeoutMinutes" must be a finite number (got NaN)');
    reject(err);
    await expect(proxy.ready).rejects.toBe(err);
    await expectSettled(calls, err);
    expect(proxy.triggers.list()).toEqual([]);
  });

  it('calls made after the failure behave the same; sync methods are no-ops that still validate their arguments', async () => {
    const err = new TypeError('hunch: data-auto-capture must be "true" or "false" (got "no")');
    const proxy = createProxy(Promise.reject(err));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(proxy.ready).rejects.toBe(err);
    expect(errors).toHaveBeenCalledWith('[hunch] not started:', err);
    await expectSettled(callAll(proxy), err);
    expect(proxy.track('page_view')).toBeUndefined();
    expect(proxy.on('event', () => {})).toBeUndefined();
    expect(proxy.off('event', () => {})).toBeUndefined();
    expect(proxy.triggers.add('abandonment')).toBeUndefined();
    expect(proxy.triggers.remove('abandonment')).toBeUndefined();
    expect(proxy.triggers.list()).toEqual([]);
    expect(proxy.consentState).toBeUndefined();
    expect(() => proxy.track('nope' as never)).toThrow(TypeError);
    expect(() => proxy.on('event', 1 as never)).toThrow(TypeError);
    expect(() => proxy.triggers.add('bogus')).toThrow(TypeError);
  });
});

describe('script-tag attributes (optionsFromDataset)', () => {
  /** Where each boolean attribute lands in the options. */
  const read = {
    autoCapture: (o: HunchOptions) => o.autoCapture,
    model: (o: HunchOptions) => o.model?.enabled,
    modelWorker: (o: HunchOptions) => o.model?.worker,
    personalizeAuto: (o: HunchOptions) => o.personalize,
  };
  it.each([
    ['autoCapture', 'false', false],
    ['autoCapture', 'FALSE', false],
    ['autoCapture', ' False ', false],
    ['autoCapture', 'true', true],
    ['autoCapture', 'TRUE', true],
    ['model', 'off', false],
    ['model', 'OFF', false],
    ['model', 'false', false],
    ['model', ' False', false],
    ['model', 'on', undefined],
    ['model', 'true', undefined],
    ['model', 'On', undefined],
    ['modelWorker', 'false', false],
    ['modelWorker', 'FALSE', false],
    ['modelWorker', 'true', true],
    ['modelWorker', ' True ', true],
    ['personalizeAuto', 'false', { auto: false }],
    ['personalizeAuto', 'False', { auto: false }],
    ['personalizeAuto', 'true', { auto: true }],
  ] as const)('%s=%j reads as %j', (key, v, expected) => {
    expect(read[key](optionsFromDataset({ [key]: v }))).toEqual(expected);
  });

  it('data-auto-capture absent keeps capture on', () => {
    expect(optionsFromDataset({}).autoCapture).toBe(true);
  });

  it.each([
    ['autoCapture', 'data-auto-capture', 'no', '"true" or "false"'],
    ['autoCapture', 'data-auto-capture', '0', '"true" or "false"'],
    ['model', 'data-model', 'no', '"on", "off", "true" or "false"'],
    ['model', 'data-model', 'disabled', '"on", "off", "true" or "false"'],
    ['modelWorker', 'data-model-worker', 'no', '"true" or "false"'],
    ['modelWorker', 'data-model-worker', 'off', '"true" or "false"'],
    ['personalizeAuto', 'data-personalize-auto', 'no', '"true" or "false"'],
  ])('%s: %s=%j throws a TypeError naming the attribute', (key, attr, value, allowed) => {
    const read = () => optionsFromDataset({ [key]: value });
    expect(read).toThrow(TypeError);
    expect(read).toThrow(`hunch: ${attr} must be ${allowed} (got ${JSON.stringify(value)})`);
  });

  it('a boolean attribute present but empty is on (HTML\'s boolean-attribute idiom)', () => {
    expect(optionsFromDataset({ autoCapture: '' }).autoCapture).toBe(true);
    expect(optionsFromDataset({ modelWorker: '' }).model?.worker).toBe(true);
    expect(optionsFromDataset({ model: '' }).model?.enabled).toBeUndefined();
    expect(optionsFromDataset({ personalizeAuto: ' ' }).personalize).toEqual({ auto: true });
  });

  it('a numeric attribute that is not a number fails in createHunch under the option name', () => {
    const opts = optionsFromDataset({ sessionTimeoutMinutes: 'abc', retentionDays: '30' });
    expect(opts.retention).toEqual({ days: 30 });
    expect(() => resolveOptions(opts)).toThrow(/option "sessionTimeoutMinutes" must be a finite number \(got NaN\)/);
  });
});
