/**
 * Options of `createHunch`, their defaults, validation and clamping. Invalid values throw a
 * TypeError naming the option and why; out-of-range numbers are rejected, not silently changed.
 */
import { isPreset, unknownPresetMessage, type TriggerPreset } from './triggers.js';
import { describeValue, quoteValue } from './validate-event.js';

/** Consent state. `'pending'` keeps events in memory only; `'denied'` stores nothing and erases. */
export type Consent = 'granted' | 'denied' | 'pending';

/** Options accepted by `createHunch`. */
export interface HunchOptions {
  /** IndexedDB database name. Default `'hunch'`. 1–64 chars of `[A-Za-z0-9_.-]`. */
  dbName?: string;
  /** Initial consent. Default `'granted'`. */
  consent?: Consent;
  /**
   * Capture page views, JSON-LD products, marked-up clicks/forms and dwell. Default `false` (ESM),
   * `true` for the script tag. One live instance per `dbName` and page captures: a second one
   * (a hot reload, a framework mounting twice without `dispose()`) would store every captured event
   * twice, so it records its `track()` calls only and says so once (warning `duplicate-instance`).
   */
  autoCapture?: boolean;
  /** Inactivity after which the next event starts a new session, in minutes. Default 30; 1..1440. */
  sessionTimeoutMinutes?: number;
  /** What is kept. */
  retention?: {
    /** Events older than this are deleted, in days. Default 90; 1..3650. */
    days?: number;
    /** The store keeps at most this many events (oldest pruned first). Default 50,000; an integer, 100..1,000,000. */
    maxEvents?: number;
  };
  /** Intent model loading (used by the model runtime). */
  model?: {
    /**
     * Folder URL of the model files (`model.json`, weights, meta), relative to the page's URL when
     * the model loads (idle time: after an SPA route change, the new route's; prefer `/…`). Default: `../models/intent/` from the hunch build's folder. One that does not parse as a URL
     * throws a TypeError naming `model.url`.
     */
    url?: string;
    /**
     * Folder URL of the TensorFlow.js runtime files (`hunch-worker.js`, `hunch-runtime.js`, copied
     * from the package's `dist/`), relative to the page's URL when the instance is created. Default:
     * the hunch build's folder (the ESM module's, the script tag's). Needed where a bundler moved
     * hunch away from those files (webpack, Parcel, Vite's dev pre-bundling, Vite and Rollup production
     * builds); without a location
     * the plain-JS kernel answers (one `warning`, code `model-runtime`). One that does not parse
     * as a URL throws a TypeError naming `model.runtimeUrl`.
     */
    runtimeUrl?: string;
    /** `false` disables the model; intent comes from the heuristic. Default `true`. */
    enabled?: boolean;
    /**
     * TensorFlow.js backend. Default `'auto'`: WebGL, falling back to CPU (also mid-session, e.g.
     * on a lost context). `'webgl'`: WebGL only at start, in the worker or, where workers lack it,
     * on the main thread (where neither has it, the plain-JS kernel keeps answering; a context lost
     * mid-session still moves to CPU). `'cpu'`: CPU only.
     */
    backend?: 'auto' | 'webgl' | 'cpu';
    /** Run the model in a Web Worker (OffscreenCanvas WebGL) when the browser can. Default `true`. */
    worker?: boolean;
    /**
     * Longest wait for the model files, in ms. Default 30,000; an integer, 1,000..600,000. When
     * they do not arrive in time, intent comes from the heuristic (one `error`, code `model-load`).
     */
    timeoutMs?: number;
  };
  /**
   * Trigger presets to enable at start ({@link TriggerPreset}: `'abandonment'`, `'ready-to-buy'`).
   * Default none. An unknown name throws a TypeError naming `triggers[i]`.
   */
  triggers?: readonly TriggerPreset[];
  /** On-device personalization (`hunch.personalize()`). */
  personalize?: {
    /**
     * Run by itself at idle time once 3 sessions have ended since the last run. Default `true`;
     * `false` leaves it to explicit `personalize()` calls (a head or taste already adopted stays in use).
     */
    auto?: boolean;
  };
  /** Recommendations (`hunch.recommend()`). */
  recommend?: {
    /**
     * URL of the store's item model `manifest.json` (written by `npm run train:next-item`),
     * relative to the page's URL. No default: the model is the store's own. One that does not
     * parse as a URL throws a TypeError naming `recommend.url`.
     */
    url?: string;
  };
}

/** Options after defaults are applied. */
export interface ResolvedOptions {
  dbName: string;
  consent: Consent;
  autoCapture: boolean;
  sessionTimeoutMinutes: number;
  retention: { days: number; maxEvents: number };
  model: { url: string | undefined; runtimeUrl?: string; enabled: boolean; backend: 'auto' | 'webgl' | 'cpu'; worker: boolean; timeoutMs: number };
  triggers: readonly TriggerPreset[];
  personalize: { auto: boolean };
  recommend: { url: string | undefined };
}

/** The defaults, in one place. */
export const DEFAULTS: Readonly<ResolvedOptions> = Object.freeze({
  dbName: 'hunch',
  consent: 'granted',
  autoCapture: false,
  sessionTimeoutMinutes: 30,
  retention: Object.freeze({ days: 90, maxEvents: 50_000 }),
  model: Object.freeze({ url: undefined, enabled: true, backend: 'auto' as const, worker: true, timeoutMs: 30_000 }),
  triggers: Object.freeze([]),
  personalize: Object.freeze({ auto: true }),
  recommend: Object.freeze({ url: undefined }),
});

const CONSENTS: readonly Consent[] = ['granted', 'denied', 'pending'];
const BACKENDS = ['auto', 'webgl', 'cpu'] as const;

function fail(field: string, why: string): never {
  throw new TypeError(`hunch: option "${field}" ${why}`);
}

function num(field: string, v: unknown, min: number, max: number, dflt: number, integer = false): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    fail(field, `must be a finite ${integer ? 'integer' : 'number'} (got ${describeValue(v)})`);
  }
  if (v < min || v > max) fail(field, `must be between ${min} and ${max} (got ${v})`);
  return v;
}

/**
 * A URL option: undefined, or a non-empty string that parses as a URL against `base`; returned
 * as given, or made absolute when `absolute` is set.
 */
function url(field: string, v: unknown, base: string | undefined, absolute?: 1): string | undefined {
  if (v !== undefined) {
    try {
      if (typeof v != 'string' || !v) throw 0;
      const u = new URL(v, base);
      if (absolute) return u.href;
    } catch {
      fail(field, `must be a URL (got ${quoteValue(v)})`);
    }
  }
  return v as string | undefined;
}

/** A boolean option: `dflt` when undefined. */
function bool(field: string, v: unknown, dflt: boolean): boolean {
  if (v !== undefined && typeof v !== 'boolean') fail(field, 'must be a boolean');
  return (v as boolean | undefined) ?? dflt;
}

function obj(field: string, v: unknown): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(field, 'must be an object');
  return v as Record<string, unknown>;
}

function known(field: string, o: Record<string, unknown>, keys: readonly string[]) {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(field ? `${field}.${k}` : k, `is not a known option (allowed: ${keys.join(', ')})`);
}

/** Validates a consent value. @throws TypeError naming `field`. */
export function validateConsent(v: unknown, field = 'consent'): Consent {
  if (!CONSENTS.includes(v as Consent)) fail(field, `must be one of ${CONSENTS.join(', ')} (got ${quoteValue(v)})`);
  return v as Consent;
}

/**
 * Applies defaults and validates.
 * @param base absolute URL that a relative `model.url` / `model.runtimeUrl` / `recommend.url`
 *   resolves against (the page's URL, else the build's folder); without one, only absolute URLs
 *   pass. `model.runtimeUrl` comes back absolute, the others as given (resolved when used).
 * @throws TypeError naming the first invalid option (`hunch: option "retention.days" must be …`;
 *   for trigger names, `hunch: option "triggers[0]" is an unknown preset "nope" (known: …)`).
 */
export function resolveOptions(input: unknown = {}, base?: string): ResolvedOptions {
  const o = obj('options', input);
  known('', o, ['dbName', 'consent', 'autoCapture', 'sessionTimeoutMinutes', 'retention', 'model', 'triggers', 'personalize', 'recommend']);
  const pers = obj('personalize', o.personalize);
  known('personalize', pers, ['auto']);
  const rec = obj('recommend', o.recommend);
  known('recommend', rec, ['url']);
  let dbName = DEFAULTS.dbName;
  if (o.dbName !== undefined) {
    if (typeof o.dbName !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(o.dbName)) fail('dbName', 'must be 1–64 characters of A–Z a–z 0–9 _ . -');
    dbName = o.dbName;
  }
  const consent = o.consent === undefined ? DEFAULTS.consent : validateConsent(o.consent);
  const r = obj('retention', o.retention);
  known('retention', r, ['days', 'maxEvents']);
  const m = obj('model', o.model);
  known('model', m, ['url', 'runtimeUrl', 'enabled', 'backend', 'worker', 'timeoutMs']);
  if (o.triggers !== undefined) {
    if (!Array.isArray(o.triggers)) fail('triggers', 'must be an array of preset names');
    // every index, holes included (forEach would skip a hole, which then fails unnamed later)
    for (let i = 0; i < o.triggers.length; i++) {
      const t: unknown = o.triggers[i];
      if (typeof t !== 'string') fail(`triggers[${i}]`, `must be a preset name (got ${describeValue(t)})`);
      if (!isPreset(t)) fail(`triggers[${i}]`, `is an ${unknownPresetMessage(t)}`);
    }
  }
  if (m.backend !== undefined && !(BACKENDS as readonly unknown[]).includes(m.backend)) fail('model.backend', `must be one of ${BACKENDS.join(', ')}`);
  return {
    dbName,
    consent,
    autoCapture: bool('autoCapture', o.autoCapture, DEFAULTS.autoCapture),
    sessionTimeoutMinutes: num('sessionTimeoutMinutes', o.sessionTimeoutMinutes, 1, 1440, DEFAULTS.sessionTimeoutMinutes),
    retention: {
      days: num('retention.days', r.days, 1, 3650, DEFAULTS.retention.days),
      maxEvents: num('retention.maxEvents', r.maxEvents, 100, 1_000_000, DEFAULTS.retention.maxEvents, true),
    },
    model: {
      url: url('model.url', m.url, base),
      runtimeUrl: url('model.runtimeUrl', m.runtimeUrl, base, 1),
      enabled: bool('model.enabled', m.enabled, DEFAULTS.model.enabled),
      backend: (m.backend as ResolvedOptions['model']['backend'] | undefined) ?? DEFAULTS.model.backend,
      worker: bool('model.worker', m.worker, DEFAULTS.model.worker),
      timeoutMs: num('model.timeoutMs', m.timeoutMs, 1_000, 600_000, DEFAULTS.model.timeoutMs, true),
    },
    triggers: [...((o.triggers as TriggerPreset[] | undefined) ?? [])],
    personalize: { auto: bool('personalize.auto', pers.auto, DEFAULTS.personalize.auto) },
    recommend: { url: url('recommend.url', rec.url, base) },
  };
}
