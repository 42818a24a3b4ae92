/**
 * The script tag's pieces, pure enough to unit-test: options from `data-*` attributes and the
 * global that becomes `window.hunch` (the instance itself, or a stand-in when it cannot start).
 *
 * Attributes (keyword values are trimmed and case-insensitive):
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
import { createRuleSet } from './triggers.js';
import { quoteValue, validateEvent } from './validate-event.js';

/** Reads a boolean attribute: `true`/`false` (or `on`/`off` with `onOff`), trimmed, any case. */
function bool(attr: string, v: string, onOff = false): boolean {
  const k = v.trim().toLowerCase();
  if (k === '' || k === 'true' || (onOff && k === 'on')) return true; // present and empty: HTML's boolean-attribute idiom
  if (k === 'false' || (onOff && k === 'off')) return false;
  const allowed = onOff ? '"on", "off", "true" or "false"' : '"true" or "false"';
  throw new TypeError(`hunch: ${attr} must be ${allowed} (got ${quoteValue(v)})`);
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
  const kw = (v: string) => v.trim().toLowerCase(); // keywords: trimmed, any case
  const num = (v: string) => Number(v);
  const on = (attr: string) => (v: string) => bool(attr, v);
  const table: Array<[string, string, string, (v: string) => unknown]> = [
    ['dbName', '', 'dbName', str],
    ['consent', '', 'consent', kw],
    ['sessionTimeoutMinutes', '', 'sessionTimeoutMinutes', num],
    ['retentionDays', 'retention', 'days', num],
    ['retentionMaxEvents', 'retention', 'maxEvents', num],
    ['modelUrl', 'model', 'url', str],
    ['modelBackend', 'model', 'backend', kw],
    ['model', 'model', 'enabled', (v) => (bool('data-model', v, true) ? undefined : false)], // on is the default
    ['modelWorker', 'model', 'worker', on('data-model-worker')],
    ['recommendUrl', 'recommend', 'url', str],
    ['personalizeAuto', 'personalize', 'auto', on('data-personalize-auto')],
    ['triggers', '', 'triggers', (v) => kw(v).split(',').map((t) => t.trim()).filter(Boolean)],
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

/** The instance's methods, as the stand-in answers them. */
const METHODS = ['track', 'flush', 'export', 'forget', 'consent', 'on', 'off', 'dispose', 'intent', 'personalize', 'metrics', 'rollback', 'recommend'] as const;

/** Read-only properties: the instance's, undefined on the stand-in. */
type Props = 'storage' | 'consentState' | 'sessionId' | 'backend' | 'warmupMs' | 'debug';

/** The global: the instance, plus `ready` (the properties are undefined on the stand-in). */
export type HunchGlobal = Omit<Hunch, Props> &
  Partial<Pick<Hunch, Props>> & {
    /**
     * Resolves with the instance once its storage is open (IndexedDB, or memory after a fallback);
     * rejects with the startup error (e.g. a TypeError naming an invalid `data-*` attribute) when
     * hunch could not start.
     */
    ready: Promise<Hunch>;
  };

/** With no instance, these settle as done: there is nothing to flush, stop or record. */
function resolvesWithoutInstance(name: string, args: unknown[]): boolean {
  return name === 'flush' || name === 'dispose' || (name === 'consent' && (args[0] === 'granted' || args[0] === 'pending'));
}

/**
 * Builds `window.hunch`. `pending` is `createHunch`'s promise (it resolves once storage is open);
 * `instance` is the instance it created at once, before storage opened.
 *
 * With an instance, the global *is* the instance, with `ready` added: the page's calls go straight
 * to it from the moment the script ran, as in an SPA, so a tracked event keeps the time and order
 * it was tracked in, is spilled with the page's other unwritten events when the page leaves before
 * storage has opened, and a listener hears every event from when it was added.
 *
 * Without one (an invalid attribute or option: `ready` rejects, and the error is logged), a stand-in:
 * - `track`, `on` and `triggers.add` still judge their arguments and throw the TypeError naming
 *   the field that the instance would throw; otherwise they, `off` and `triggers.remove` do
 *   nothing; `triggers.list()` is `[]`; the properties are undefined.
 * - Calls that return data or delete data reject with the startup error: `export`, `intent`,
 *   `personalize`, `metrics`, `rollback`, `recommend`, `forget`, `consent('denied')` (and a consent value
 *   that is not valid), because the page would otherwise take an empty answer for a real one,
 *   or believe data stored on earlier visits was erased when it was not. (A page that ignores
 *   such a promise gets an `unhandledrejection`, as it would for any failed call.)
 * - `flush`, `dispose` and `consent('granted' | 'pending')` resolve: with no instance there is
 *   nothing to flush, stop or record, and pages commonly fire and forget them, so they do not
 *   add an unhandled rejection to the logged startup error.
 */
export function scriptGlobal(pending: Promise<Hunch>, instance?: Hunch): HunchGlobal {
  pending.catch((err) => console.error('[hunch] not started:', err));
  if (instance) return Object.assign(instance, { ready: pending });
  const standIn: Record<string, unknown> = {
    ready: pending,
    triggers: { add: (rule: Parameters<Hunch['triggers']['add']>[0]) => createRuleSet().add(rule), remove() {}, list: () => [] },
  };
  for (const name of METHODS) {
    standIn[name] = (...args: unknown[]) => {
      if (name === 'track') validateEvent(args[0], args[1]);
      else if (name === 'on') checkListener(args[0] as keyof HunchEventMap, args[1], HUNCH_EVENT_NAMES);
      else if (name !== 'off') return resolvesWithoutInstance(name, args) ? Promise.resolve() : pending.then(() => undefined);
    };
  }
  return standIn as unknown as HunchGlobal;
}
