/**
 * The script tag's pieces, pure enough to unit-test: options from `data-*` attributes and the
 * queueing proxy that becomes `window.hunch` (calls before the instance is ready are queued).
 *
 * Attributes: `data-db-name`, `data-consent`, `data-auto-capture` ("false" turns it off),
 * `data-session-timeout-minutes`, `data-retention-days`, `data-retention-max-events`,
 * `data-model-url`, `data-model-backend`, `data-model` ("off" disables the model),
 * `data-model-worker` ("false" keeps the model on the main thread), `data-triggers`
 * (comma-separated presets, e.g. "abandonment,ready-to-buy"), `data-recommend-url` (the store's
 * item model manifest for `hunch.recommend()`), `data-personalize-auto` ("false" keeps
 * personalization to explicit `hunch.personalize()` calls).
 */
import type { Hunch } from './api.js';
import type { HunchOptions } from './options.js';
import { validateEvent } from './validate-event.js';

/** Reads createHunch options from a script element's dataset (pure; exported for tests). */
export function optionsFromDataset(d: DOMStringMap): HunchOptions {
  const opts: HunchOptions = { autoCapture: d.autoCapture !== 'false' };
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  if (d.dbName !== undefined) opts.dbName = d.dbName;
  if (d.consent !== undefined) opts.consent = d.consent as HunchOptions['consent'];
  if (d.sessionTimeoutMinutes !== undefined) opts.sessionTimeoutMinutes = num(d.sessionTimeoutMinutes);
  if (d.retentionDays !== undefined || d.retentionMaxEvents !== undefined) {
    opts.retention = {};
    if (d.retentionDays !== undefined) opts.retention.days = num(d.retentionDays);
    if (d.retentionMaxEvents !== undefined) opts.retention.maxEvents = num(d.retentionMaxEvents);
  }
  if (d.modelUrl !== undefined || d.modelBackend !== undefined || d.model !== undefined || d.modelWorker !== undefined) {
    opts.model = {};
    if (d.modelUrl !== undefined) opts.model.url = d.modelUrl;
    if (d.modelBackend !== undefined) opts.model.backend = d.modelBackend as 'auto';
    if (d.model === 'off') opts.model.enabled = false;
    if (d.modelWorker !== undefined) opts.model.worker = d.modelWorker !== 'false';
  }
  if (d.recommendUrl !== undefined) opts.recommend = { url: d.recommendUrl };
  if (d.personalizeAuto !== undefined) opts.personalize = { auto: d.personalizeAuto !== 'false' };
  if (d.triggers !== undefined) opts.triggers = d.triggers.split(',').map((t) => t.trim()).filter(Boolean);
  return opts;
}

/** Methods forwarded to the instance; calls before it is ready are queued. */
const METHODS = ['track', 'flush', 'export', 'forget', 'consent', 'on', 'off', 'dispose', 'intent', 'personalize', 'metrics', 'recommend'] as const;
/** Read-only properties read through to the instance once ready. */
const PROPS = ['storage', 'consentState', 'sessionId', 'backend', 'warmupMs', 'debug'] as const;

/** The global: the instance's methods, plus `ready`. */
export type HunchGlobal = Pick<Hunch, (typeof METHODS)[number] | 'triggers'> & { ready: Promise<Hunch> } & Partial<Pick<Hunch, (typeof PROPS)[number]>>;

/** Builds the queueing proxy around a pending instance. */
export function createProxy(pending: Promise<Hunch>): HunchGlobal {
  let inst: Hunch | undefined;
  let failed = false;
  const queue: Array<(h: Hunch) => void> = [];
  const ready = pending.then((h) => {
    inst = h;
    for (const call of queue.splice(0)) {
      try {
        call(h);
      } catch (err) {
        console.error('[hunch]', err);
      }
    }
    return h;
  });
  ready.catch((err) => {
    failed = true;
    queue.length = 0;
    console.error('[hunch] not started:', err);
  });
  const proxy = { ready } as Record<string, unknown>;
  for (const name of METHODS) {
    proxy[name] = (...args: unknown[]) => {
      const fn = (h: Hunch) => (h[name] as (...a: unknown[]) => unknown)(...args);
      if (inst) return fn(inst);
      if (name === 'track') {
        // judge the call now: the TypeError reaches the caller, and the queue keeps a copy, so a
        // props object the page reuses or changes before ready cannot alter or lose the event
        const v = validateEvent(args[0], args[1]);
        if (!failed) queue.push((h) => h.track(v.type, v.props));
        return undefined;
      }
      if (name === 'on' || name === 'off') {
        if (!failed) queue.unshift(fn); // listeners first, so they hear queued events
        return undefined;
      }
      return ready.then(fn, () => undefined);
    };
  }
  for (const name of PROPS) Object.defineProperty(proxy, name, { get: () => inst?.[name], enumerable: true });
  // triggers: added before ready are queued like listeners
  const triggers: Hunch['triggers'] = {
    add: (rule) => (inst ? inst.triggers.add(rule) : void queue.unshift((h) => h.triggers.add(rule))),
    remove: (id) => (inst ? inst.triggers.remove(id) : void queue.push((h) => h.triggers.remove(id))),
    list: () => inst?.triggers.list() ?? [],
  };
  proxy.triggers = triggers;
  return proxy as unknown as HunchGlobal;
}

