/**
 * The script tag's global (`window.hunch`, src/script-proxy.ts): the instance itself (a fake one
 * here, built from the real emitter and rule set), or the stand-in when hunch cannot start; and
 * the `data-*` attribute parsing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hunch, HunchEventMap } from '../../src/api';
import { createEmitter } from '../../src/emitter';
import { resolveOptions, type HunchOptions } from '../../src/options';
import { optionsFromDataset, scriptGlobal } from '../../src/script-proxy';
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

describe('script-tag global with an instance', () => {
  it('is the instance itself with ready added: calls reach it at once, before storage has opened', async () => {
    const { pending, resolve } = deferred();
    const { h, log } = fakeInstance();
    const global = scriptGlobal(pending, h);
    expect(global).toBe(h);
    const heard: string[] = [];
    global.on('event', (e) => void heard.push((e as { type: string }).type));
    global.track('page_view');
    void global.flush();
    expect(log).toEqual(['track:page_view', 'flush']); // nothing waits for ready
    expect(heard).toEqual(['page_view']);
    resolve(h);
    expect(await global.ready).toBe(h);
  });
});

describe('script-tag stand-in (no instance): invalid arguments throw the TypeError the instance throws', () => {
  const standIn = () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    return scriptGlobal(Promise.reject(new TypeError('hunch: option "consent" must be …')));
  };

  it('on() with a listener that is not a function, or an unknown event name', () => {
    const g = standIn();
    expect(() => g.on('event', 'nope' as never)).toThrow(thrown(() => createEmitter<HunchEventMap>().on('event', 'nope' as never)));
    expect(() => g.on('triggers' as 'trigger', () => {})).toThrow(/unknown event "triggers"/);
  });

  it.each([
    ['an unknown preset', 'bogus'],
    ['a rule without when', { id: 'x' }],
    ['a rule with an empty id', { id: '', when: (): boolean => true }],
    ['a rule with a bad cap', { id: 'x', when: (): boolean => true, cap: { perSession: 0 } }],
    ['null', null],
  ])('triggers.add(%s)', (_, rule) => {
    const g = standIn();
    expect(() => g.triggers.add(rule as never)).toThrow(TypeError);
    expect(() => g.triggers.add(rule as never)).toThrow(thrown(() => createRuleSet().add(rule as never)));
    expect(g.triggers.list()).toEqual([]);
  });
});

describe('script-tag proxy: the instance fails to start', () => {
  const DATA = ['export', 'intent', 'personalize', 'metrics', 'recommend', 'forget'] as const;

  /** Calls every promise-returning method; attaches handlers at once (no unhandled rejection here). */
  function callAll(proxy: ReturnType<typeof scriptGlobal>) {
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

  it('calls made before the failure is known: data and erasing calls reject with the startup error; flush, dispose and consent resolve', async () => {
    const { pending, reject } = deferred();
    const proxy = scriptGlobal(pending);
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
    const proxy = scriptGlobal(Promise.reject(err));
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
    expect(() => proxy.triggers.add('bogus' as never)).toThrow(TypeError);
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

  it('keyword attributes (consent, model backend, trigger presets) are trimmed and read in any case, so createHunch accepts them', () => {
    const o = optionsFromDataset({ consent: ' Granted ', modelBackend: 'CPU', triggers: 'Abandonment, READY-to-buy' });
    expect(o).toMatchObject({ consent: 'granted', model: { backend: 'cpu' }, triggers: ['abandonment', 'ready-to-buy'] });
    expect(() => resolveOptions(o)).not.toThrow();
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
