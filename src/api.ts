/**
 * The public types of a hunch instance: its methods and the typed event map of `on()`.
 */
import type { EventType, HunchEvent, TrackProps } from './events.js';
import type { Intent } from './intent.js';
import type { RankOptions, Recommendation } from './recommend/rank.js';
import type { TriggerPreset, TriggerRule } from './triggers.js';
import type { Consent } from './options.js';
import type { SessionRecord } from './session.js';
import type { StorageKind } from './store/types.js';
import type { PersonalizeResult } from './personalize/guard.js';
import type { DeviceMetrics, PersonalizeEvent } from './personalize/personalizer.js';
import type { TasteResult } from './personalize/taste.js';
import type { TasteEvent } from './recommend-service.js';

/**
 * Options of `hunch.recommend()`: `k` (default 10, 1..1000), `candidates`, `exclude`,
 * `includePurchased` (default false). The shopper's taste, once `personalize()` adopted one, is
 * applied by the instance.
 */
export type RecommendOptions = Omit<RankOptions, 'taste'>;

/** A problem hunch reports instead of throwing into the page. */
export interface HunchProblem {
  /** Stable machine-readable code, e.g. `'storage-fallback'`, `'storage-write'`, `'capture'`. */
  code: string;
  /** Human-readable explanation. */
  message: string;
}

/** Events emitted by an instance (`hunch.on(name, cb)`). */
export interface HunchEventMap {
  /**
   * An event was accepted by `track()` or auto-capture (after validation and scrubbing). Frozen
   * (the store and the intent model share it): copy it to change it.
   */
  event: Readonly<HunchEvent>;
  /** A batch was written to storage. */
  flush: {
    /** Events in the batch. */
    count: number;
  };
  /** A new session started (with the event that opened it). */
  session: {
    /** The new session's id (`HunchEvent.sessionId` of its events). */
    sessionId: string;
    /**
     * `'timeout'` when an earlier session (of this page or an earlier one, in any tab) had no
     * event for `sessionTimeoutMinutes`; `'start'` when this browser knows no earlier session
     * (first visit, or after `forget()`).
     */
    reason: 'start' | 'timeout';
  };
  /** Consent changed (here or in another tab); a `consent()` with the state it is in already says nothing. */
  consent: Consent;
  /** `forget()` erased everything. */
  forget: void;
  /** Something failed and hunch degraded (said once per code). */
  error: HunchProblem;
  /** Something is not as it should be but everything works (said once per code). */
  warning: HunchProblem;
  /** Intent after an event was applied (every event but `dwell`); frozen, as every {@link Intent}. */
  intent: Intent;
  /** The intent model changed hands (see `status`). */
  model: {
    /**
     * `'ready'` when its first answer is possible (plain-JS kernel, `warmupMs` after loading
     * started), `'runtime'` when the TensorFlow.js runtime took over (`backend`, `thread`,
     * `readyMs`), `'runtime-failed'` when it could not start, or stopped later (a crashed worker,
     * a step not answered in 10 s): the JS kernel keeps answering, with the same state; `error`
     * says why.
     */
    status: 'ready' | 'runtime' | 'runtime-failed';
    /** What answers now: `'js'` (the plain-JS kernel), `'webgl'` or `'cpu'`. */
    backend: string;
    /** Where the TensorFlow.js runtime runs, `'worker'` or `'main'` (thread); with `'runtime'`. */
    thread?: 'worker' | 'main';
    /** Time from the start of loading (download included) to the first answer, ms; with `'ready'`. */
    warmupMs?: number;
    /** Time from the start of loading to the TensorFlow.js runtime's takeover, ms; with `'runtime'`. */
    readyMs?: number;
    /** The loaded model's version hash; with `'ready'`. */
    modelVersion?: string;
    /** Why the runtime could not start or stopped (with `'runtime-failed'`); a short message. */
    error?: string;
  };
  /** A trigger rule fired (see `hunch.triggers`). */
  trigger: {
    /** Id of the rule that fired ({@link TriggerRule}`.id`, or the preset's name). */
    rule: string;
    /** The intent update that made it fire (frozen). */
    intent: Intent;
  };
  /**
   * Personalization: `start` (`reason` `'manual'` or `'auto'`), `progress` (replay / fit), `done`
   * with the run's result (`{ adopted, reverted, before, after, base, examples, sessions, skipped? }`)
   * plus `durationMs` (ms) and `reason`, or `error`; events of the recommendation taste carry
   * `target: 'recommend'` ({@link TasteEvent}), the intent head's none ({@link PersonalizeEvent}),
   * so `e.target === 'recommend'` tells them apart.
   */
  personalize: PersonalizeEvent | TasteEvent;
}

/** The names `on()` accepts, one per key of {@link HunchEventMap} (the compiler keeps them in step). */
export const HUNCH_EVENT_NAMES = Object.keys({
  event: 1,
  flush: 1,
  session: 1,
  consent: 1,
  forget: 1,
  error: 1,
  warning: 1,
  intent: 1,
  model: 1,
  trigger: 1,
  personalize: 1,
} satisfies Record<keyof HunchEventMap, 1>) as ReadonlyArray<keyof HunchEventMap>;

/** Everything `export()` returns: all stored data as plain JSON. */
export interface HunchExport {
  /** Always `'hunch-export'`: tells a file of this kind apart. */
  format: 'hunch-export';
  /** Export format version. */
  version: 1;
  /** Version of the hunch package that wrote it. */
  library: string;
  /** ISO 8601 time of the export. */
  exportedAt: string;
  /** Consent when exported. */
  consent: Consent;
  /**
   * Where the stored events are: `'indexeddb'`, or `'memory'` after a fallback or when nothing was
   * ever stored (it can differ from `hunch.storage`, which says where new events go: while
   * consent is `'pending'` after `'granted'`, the export reads IndexedDB but nothing new is stored).
   */
  storage: StorageKind;
  /**
   * Every stored event, oldest first, then the events held in memory while consent is
   * `'pending'` (stored events are included while pending if consent was granted before).
   */
  events: HunchEvent[];
  /** Session summaries of the stored events (empty when nothing was ever stored). */
  sessions: SessionRecord[];
  /** Named values (model state, per-user weights as plain numbers, settings). */
  meta: Record<string, unknown>;
}

/** A hunch instance, created by `createHunch()`. */
export interface Hunch {
  /**
   * Records an event. Synchronous and cheap: validation, PII scrubbing and a buffer push; the
   * write happens at the end of the current task in one transaction.
   * @throws TypeError naming the invalid field (type, props, or one prop).
   */
  track(type: EventType, props?: TrackProps): void;
  /** Resolves when every event tracked so far is stored. */
  flush(): Promise<void>;
  /** All stored data as plain JSON. */
  export(): Promise<HunchExport>;
  /**
   * Deletes everything this instance stored: its database (`dbName`) and its localStorage keys.
   * Other tabs using the same `dbName` drop what they still hold of it (unwritten events, the
   * session, the intent state) and emit `forget` too. Capture continues per consent. Works after
   * `dispose()` too.
   */
  forget(): Promise<void>;
  /**
   * Sets consent: `'pending'` holds events in memory, `'granted'` stores them, `'denied'` drops them
   * and erases. A `'granted'` given while a deletion runs (a `forget()`, or a start with `'denied'`)
   * opens the new database once the old one is gone (up to the 5 s deletion limit). The state it is
   * in already changes nothing (no `consent` event, nothing told to other tabs: consent tools replay
   * the stored choice on every load), except that a `'denied'` erases again and is told again.
   */
  consent(state: Consent): Promise<void>;
  /**
   * Listens to an event of {@link HunchEventMap}. A listener that throws never stops the others or
   * the library: the throw is reported once as an `error` with code `'listener'`.
   * @throws TypeError when `name` is not one of {@link HUNCH_EVENT_NAMES} or `cb` is not a function
   */
  on<K extends keyof HunchEventMap>(name: K, cb: (payload: HunchEventMap[K]) => void): void;
  /**
   * Removes a listener added with `on()` (nothing happens if that listener was not added).
   * @throws TypeError when `name` is not one of {@link HUNCH_EVENT_NAMES} or `cb` is not a
   *   function, as `on()` does: a misspelt name would otherwise leave the listener in place unnoticed
   */
  off<K extends keyof HunchEventMap>(name: K, cb: (payload: HunchEventMap[K]) => void): void;
  /**
   * The shopper's current intent, after every event tracked so far is applied. Starts the model
   * now if it has not loaded yet; answers from the heuristic when the model cannot load.
   */
  intent(): Promise<Intent>;
  /**
   * Fits a per-user output head on this shopper's ended sessions now (it also runs by itself at
   * idle time after every 3 ended sessions), in short main-thread slices. The guard adopts it only
   * if it beats both the head in use and the pretrained head on the most recent sessions; then
   * `intent().source` is `'personalized'`. A personal head in use that the pretrained head beats
   * there is dropped (`reverted`).
   * With `recommend.url` set and an item model that has factors, it also fits the shopper's taste
   * for recommendations (`recommend` in the result: held-out mean reciprocal rank before / after);
   * then the head part may be skipped (`skipped` says why, e.g. no intent model) instead of rejecting.
   * @throws Error (rejects) without storage consent, or without the intent model (heuristic) when no item model is configured
   */
  personalize(): Promise<PersonalizeResult & { recommend?: TasteResult }>;
  /**
   * Calibration (10 bins, ECE), AUC and Brier of the model's last prediction in each of the 60 most
   * recent ended sessions on this device: the global head on all of them, a personal head only on
   * those that ended after it was fitted (out of sample), beside the global head on the same ones.
   */
  metrics(): Promise<DeviceMetrics>;
  /**
   * Undoes the last change `personalize()` made: the per-user head (and, with an item model, the
   * taste) in use before it is put back and saved, e.g. when a store sees the personal model
   * misbehave. One level: what it replaces is not kept, so a second call goes back to the
   * pretrained head (no taste). Queued behind a run in progress. `head` / `recommend`: whether
   * the one in use changed (`recommend` only with `recommend.url`).
   * @throws Error (rejects) after `dispose()`
   */
  rollback(): Promise<{
    /**
     * Whether the intent head in use changed: false when there was nothing to undo, without
     * storage consent, and (with `recommend.url`) without an intent model.
     */
    head: boolean;
    /** Whether the recommendation taste in use changed; present only with `recommend.url`. */
    recommend?: boolean;
  }>;
  /**
   * Items this shopper may want next, ranked on the device from the current session and recent
   * history (recent, repeated and carted items weigh more; purchased items left out unless
   * `includePurchased`). Options: `k` (default 10, 1..1000), `candidates` and `exclude` (arrays or
   * Sets of item ids), `includePurchased` (default false).
   * Needs `recommend.url` (the store's item model); loads it on first use.
   * @throws TypeError for invalid options, naming the field: options not an object, an unknown key,
   *   a string instead of a list of ids, an element that is not an id, a non-boolean
   *   `includePurchased`, `k` out of range (checked before the model loads, except the elements);
   *   Error when no item model is configured or it cannot be fetched (a later call tries again after
   *   a wait); TypeError naming the field when the item model's files are malformed (not retried)
   */
  recommend(options?: RecommendOptions): Promise<Recommendation[]>;
  /** Trigger rules over intent updates, with frequency capping (fire `on('trigger')`). */
  readonly triggers: {
    /**
     * Adds a rule, or a preset by name ({@link TriggerPreset}: `'abandonment'`, `'ready-to-buy'`);
     * a rule with the id of one already added replaces it.
     * @throws TypeError naming the field for an invalid rule or an unknown preset name
     */
    add(rule: TriggerRule | TriggerPreset): void;
    /** Removes the rule with this id (nothing happens if there is none). */
    remove(id: string): void;
    /** Ids of the active rules. */
    list(): string[];
  };
  /**
   * What answers intent now: `'js'` (the plain-JS kernel, first answers while the TensorFlow.js
   * runtime starts), the TensorFlow.js backend (`'webgl'`, `'cpu'`), or `'none'` before the model
   * loads and for the heuristic.
   */
  readonly backend: string;
  /** Time from starting to load the model (its files' download included) to its first answer, ms (undefined before it loads). */
  readonly warmupMs: number | undefined;
  /** Diagnostics for tests and the dashboard. */
  readonly debug: {
    /** Where and how the model runs, and its live tensor count. */
    runtime(): Promise<{
      /**
       * Where the TensorFlow.js runtime runs (`'main'` until it has started); `'none'` without a
       * model (not loaded yet, or the heuristic).
       */
      thread: 'worker' | 'main' | 'none';
      /** What answers intent now, as {@link Hunch.backend}. */
      backend: string;
      /** Live TensorFlow.js tensors (0 without the runtime); a count that keeps growing between calls suggests a leak. */
      numTensors: number;
      /** Events this page ran through the model (one model step each; a restored session's earlier events are not run again). */
      steps: number;
    }>;
    /**
     * Simulates a GPU reset as browsers do it (`WEBGL_lose_context`: the context is lost, then
     * restored with its textures gone); predictions continue on the fallback backend.
     */
    loseWebGLContext(): Promise<boolean>;
  };
  /**
   * Stops capture, flushes and closes storage, and stops the model (also one still loading).
   * Afterwards `track()` is ignored; `intent()`, `recommend()`, `personalize()`, `metrics()` and
   * `export()` reject; `forget()` and `consent('denied')` still erase. A later instance of the same
   * `dbName` may auto-capture again (see `autoCapture`).
   */
  dispose(): Promise<void>;
  /** Where events are stored now (`'memory'` also while IndexedDB is still opening, before the script tag's `ready`). */
  readonly storage: StorageKind;
  /** Current consent state. */
  readonly consentState: Consent;
  /**
   * Id of the current session: of this page's last event, or, before it has one, of the last
   * session of this `dbName` in this browser (an earlier page or another tab; not while consent is
   * `'denied'`). So after a reload it is set at once, to the session the next event continues when
   * within `sessionTimeoutMinutes`. One that timed out keeps its id until the next event starts a
   * new session. Undefined when no session is known (first visit, after `forget()`).
   */
  readonly sessionId: string | undefined;
}
