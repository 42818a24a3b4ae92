/**
 * The script tag's pieces, pure enough to unit-test: options from `data-*` attributes and the
 * queueing proxy that becomes `window.hunch` (calls before the instance is ready are queued).
 *
 * Attributes (values are trimmed; the keywords are case-insensitive):
 * - `data-db-name`: IndexedDB database name.
 * - `data-consent`: `granted`, `pending` or `denied`.
 * - `data-auto-capture`: `true` (the default) or `false`.
 * - `data-session-timeout-minutes`, `data-retention-days`, `data-retention-max-events`: numbers
 *   (ranges as in `createHunch`; a value that is not a number fails under the option's name).
 * - `data-model-url`, `data-model-backend` (`auto`, `webgl`, `cpu`).
 * - `data-model`: `on`/`true` (the default) or `off`/`false` (intent from the heuristic only).
 * - `data-model-worker`: `true` (the default) or `false` (the model runs on the main thread).
 * - `data-triggers`: comma-separated presets, e.g. `abandonment,ready-to-buy`.
 * - `data-recommend-url`: the store's item model manifest for `hunch.recommend()`.
 * - `data-personalize-auto`: `true` (the default) or `false` (personalization only through
 *   explicit `hunch.personalize()` calls).
 *
 * A boolean attribute present but empty is on (HTML's idiom: `<script data-auto-capture …>`).
 * Any other value of a boolean attribute (`"no"`, `"0"`, …) is an error, not "on": hunch
 * does not start, `hunch.ready` rejects with a TypeError naming the attribute
 * (`hunch: data-auto-capture must be "true" or "false" (got "no")`), and the error is logged.
 */
import { HUNCH_EVENT_NAMES, type Hunch, type HunchEventMap } from './api.js';
import { checkListener } from './emitter.js';
import type { HunchOptions } from './options.js';
import { createRuleSet, resolveRule, type RuleSet } from './triggers.js';
import { validateEvent } from './validate-event.js';

/** Reads a boolean attribute: `true`/`false` (or `on`/`off` with `onOff`), trimmed, any case. */
function bool(attr: string, v: string, onOff = false): boolean {
  const k = v.trim().toLowerCase();
  if (k === '' || k === 'true' || (onOff && k === 'on')) return true; // present and empty: HTML's boolean-attribute idiom
  if (k === 'false' || (onOff && k === 'off')) return false;
  const allowed = onOff ? '"on", "off", "true" or "false"' : '"true" or "false"';
  throw new TypeError(`hunch: ${attr} must be ${allowed} (got ${JSON.stringify(v.slice(0, 40))})`);
}

/**
 * Reads createHunch options from a script element's dataset (pure; exported for tests).
 * @throws TypeError naming the attribute for a boolean attribute that is not one of its keywords
 *   (other values, numbers included, are checked by `createHunch` under the option's name).
 */
export function optionsFromDataset(d: DOMStringMap): HunchOptions {
  const opts: Record<string, unknown> & HunchOptions = { autoCapture: d.autoCapture === undefined ? true : bool('data-auto-capture', d.autoCapture) };
  // dataset key → [option group (or '' for top level), option name, how the value is read]
  const str = (v: string) => v;
  const num = (v: string) => Number(v);
  const on = (attr: string) => (v: string) => bool(attr, v);
  const table: Array<[string, string, string, (v: string) => unknown]> = [
    ['dbName', '', 'dbName', str],
    ['consent', '', 'consent', str],
    ['sessionTimeoutMinutes', '', 'sessionTimeoutMinutes', num],
    ['retentionDays', 'retention', 'days', num],
    ['retentionMaxEvents', 'retention', 'maxEvents', num],
    ['modelUrl', 'model', 'url', str],
    ['modelBackend', 'model', 'backend', str],
    ['model', 'model', 'enabled', (v) => (bool('data-model', v, true) ? undefined : false)], // on is the default
    ['modelWorker', 'model', 'worker', on('data-model-worker')],
    ['recommendUrl', 'recommend', 'url', str],
    ['personalizeAuto', 'personalize', 'auto', on('data-personalize-auto')],
    ['triggers', '', 'triggers', (v) => v.split(',').map((t) => t.trim()).filter(Boolean)],
  ];
  for (const [key, group, name, read] of table) {
    const v = d[key];
    if (v === undefined) continue;
    const value = read(v);
    const target = group ? ((opts[group] ??= {}) as Record<string, unknown>) : opts;
    if (value !== undefined) target[name] = value;
  }
  return opts;
}

/** Methods forwarded to the instance; calls before it is ready are queued. */
const METHODS = ['track', 'flush', 'export', 'forget', 'consent', 'on', 'off', 'dispose', 'intent', 'personalize', 'metrics', 'rollback', 'recommend'] as const;
/** Read-only properties read through to the instance once ready. */
const PROPS = ['storage', 'consentState', 'sessionId', 'backend', 'warmupMs', 'debug'] as const;

/** The global: the instance's methods, plus `ready`. */
export type HunchGlobal = Pick<Hunch, (typeof METHODS)[number] | 'triggers'> & { ready: Promise<Hunch> } & Partial<Pick<Hunch, (typeof PROPS)[number]>>;

/** A queued call: runs on the instance, or learns that there will be none. */
interface Queued {
  run(h: Hunch): void;
  fail(err: unknown): void;
  /** A queued `off(name, cb)`: a later `on` of the same listener cancels it. */
  off?: readonly [unknown, unknown];
}

/** With no instance, these settle as done: there is nothing to flush, stop or record. */
function resolvesWithoutInstance(name: string, args: unknown[]): boolean {
  return name === 'flush' || name === 'dispose' || (name === 'consent' && (args[0] === 'granted' || args[0] === 'pending'));
}

/**
 * Builds the queueing proxy around a pending instance. `options.triggers` (the presets the
 * instance starts with) lets `triggers.list()` answer before ready.
 *
 * Before ready:
 * - Calls are judged when they are made, and throw to the caller as the instance would:
 *   `track` (invalid event), `on` (listener not a function), `triggers.add` (invalid rule or
 *   unknown preset), each a TypeError naming the field; a call that throws is not queued.
 *   `track` queues a copy of the event, so a props object the page changes afterwards does not
 *   alter it.
 * - Queued calls run in the order they were made, with one exception: `on`, `triggers.add` and
 *   `triggers.remove` (in their own call order) run before the other calls, so listeners and
 *   rules registered before ready hear the events queued before ready. `off` keeps its place
 *   among the other calls, so a listener hears what was tracked before it was removed; an `on`
 *   of the same listener after an `off` cancels that `off`.
 * - `triggers.list()` answers what will be active: the starting presets, then the queued adds
 *   and removes.
 * - The promise-returning methods return a promise that settles with the instance's answer.
 *
 * If the instance fails to start (`ready` rejects; the error is also logged):
 * - `track`, `on`, `off` and `triggers.add`/`remove` still validate their arguments (and throw
 *   as above), and otherwise do nothing; `triggers.list()` is `[]`; the properties are undefined.
 * - Calls that return data or delete data reject with the startup error: `export`, `intent`,
 *   `personalize`, `metrics`, `rollback`, `recommend`, `forget`, `consent('denied')` (and a consent value
 *   that is not valid), because the page would otherwise take an empty answer for a real one,
 *   or believe data stored on earlier visits was erased when it was not. (A page that ignores
 *   such a promise gets an `unhandledrejection`, as it would for any failed call.)
 * - `flush`, `dispose` and `consent('granted' | 'pending')` resolve: with no instance there is
 *   nothing to flush, stop or record, and pages commonly fire and forget them, so they do not
 *   add an unhandled rejection to the logged startup error.
 * The same holds for calls queued before the failure.
 */
export function createProxy(pending: Promise<Hunch>, options: Pick<HunchOptions, 'triggers'> = {}): HunchGlobal {
  let inst: Hunch | undefined;
  let failed = false;
  let failure: unknown;
  // on/off/triggers.* first (in their call order), then everything else (in its call order)
  const setup: Queued[] = [];
  const calls: Queued[] = [];
  // what triggers.list() will say once ready; an unknown starting preset makes createHunch fail
  let shadow: RuleSet;
  try {
    shadow = createRuleSet(options.triggers ?? []);
  } catch {
    shadow = createRuleSet();
  }
  const ready = pending.then((h) => {
    inst = h;
    for (const call of [...setup.splice(0), ...calls.splice(0)]) {
      try {
        call.run(h);
      } catch (err) {
        console.error('[hunch]', err);
      }
    }
    return h;
  });
  ready.catch((err) => {
    failed = true;
    failure = err;
    for (const call of [...setup.splice(0), ...calls.splice(0)]) call.fail(err);
    console.error('[hunch] not started:', err);
  });
  const sync = (queue: Queued[], run: (h: Hunch) => void, off?: Queued['off']) => {
    if (!failed) queue.push({ run, fail: () => {}, off });
  };
  const proxy = { ready } as Record<string, unknown>;
  for (const name of METHODS) {
    proxy[name] = (...args: unknown[]) => {
      const fn = (h: Hunch) => (h[name] as (...a: unknown[]) => unknown)(...args);
      if (inst) return fn(inst);
      if (name === 'track') {
        // judge the call now: the TypeError reaches the caller, and the queue keeps a copy, so a
        // props object the page reuses or changes before ready cannot alter or lose the event
        const v = validateEvent(args[0], args[1]);
        sync(calls, (h) => h.track(v.type, v.props));
        return undefined;
      }
      if (name === 'on') {
        // the instance's own check: an unknown event name or a listener that is not a function
        checkListener(args[0] as keyof HunchEventMap, args[1], HUNCH_EVENT_NAMES);
        // listeners go first, so they hear the queued events; an earlier queued off() of this
        // listener is cancelled (on after off leaves it listening)
        for (let i = calls.length - 1; i >= 0; i--) if (calls[i].off?.[0] === args[0] && calls[i].off?.[1] === args[1]) calls.splice(i, 1);
        sync(setup, fn);
        return undefined;
      }
      if (name === 'off') {
        // in call order with the events: the listener hears what was tracked before off()
        sync(calls, fn, [args[0], args[1]]);
        return undefined;
      }
      if (failed) return resolvesWithoutInstance(name, args) ? Promise.resolve(undefined) : Promise.reject(failure);
      return new Promise((resolve, reject) => {
        calls.push({
          run: (h) => {
            try {
              resolve(fn(h));
            } catch (err) {
              reject(err);
            }
          },
          fail: (err) => (resolvesWithoutInstance(name, args) ? resolve(undefined) : reject(err)),
        });
      });
    };
  }
  for (const name of PROPS) Object.defineProperty(proxy, name, { get: () => inst?.[name], enumerable: true });
  const triggers: Hunch['triggers'] = {
    add: (rule) => {
      if (inst) return inst.triggers.add(rule);
      // judged now (the instance's own validation); the queue keeps what was judged
      const r = typeof rule === 'string' ? rule : resolveRule(rule);
      shadow.add(r);
      sync(setup, (h) => h.triggers.add(r));
    },
    remove: (id) => {
      if (inst) return inst.triggers.remove(id);
      shadow.remove(id);
      sync(setup, (h) => h.triggers.remove(id));
    },
    list: () => (inst ? inst.triggers.list() : failed ? [] : shadow.list()),
  };
  proxy.triggers = triggers;
  return proxy as unknown as HunchGlobal;
}
