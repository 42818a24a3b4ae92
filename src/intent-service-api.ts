/**
 * The intent service's contract with the instance (`intent-service.ts` implements it): what it
 * needs injected, and what it offers.
 */
import type { HunchEvent } from './events.js';
import type { Intent } from './intent.js';
import type { Predictor } from './model/predictor.js';
import type { DeviceMetrics, PersonalizeEvent } from './personalize/personalizer.js';
import type { PersonalizeResult } from './personalize/guard.js';
import type { Store } from './store/types.js';
import type { TriggerRule } from './triggers.js';

/** What the service needs from the instance. */
export interface IntentServiceDeps {
  /** Starts the model; rejects when it cannot (the heuristic takes over). `undefined`: model disabled. */
  loadPredictor?: () => Promise<Predictor>;
  /** Storage for state, or undefined while consent does not allow storing. */
  store(): Promise<Store> | undefined;
  /** Current session id: the last session, also once it has timed out (what `intent()` answers for). */
  sessionId(): string | undefined;
  /**
   * The session still open (its last event within the session timeout), else undefined: the one
   * personalization neither fits on nor scores. Default: `sessionId`.
   */
  openSessionId?(): string | undefined;
  now(): number;
  emitIntent(i: Intent): void;
  emitTrigger(t: { rule: string; intent: Intent }): void;
  /** The active trigger rules (owned by the instance, so rules added before loading count). */
  rules(): readonly TriggerRule[];
  problem(kind: 'error' | 'warning', code: string, message: string): void;
  /** Runs `fn` when the page is idle. */
  whenIdle(fn: () => void): void;
  /**
   * Events at or after this time (ms since the epoch) are this page's own: when restore finds them
   * in the store before the live feed delivers them, they still emit `intent` and run triggers.
   * Default 0 (every restored event counts as live).
   */
  liveSince?: number;
  /**
   * When the current session started (ms since the epoch; the session pointer's `start`): a
   * session whose start is this page's first event in it was started by this page. Default:
   * unknown (every session counts as this page's: rules are checked as events come, also while
   * nothing can be stored).
   */
  sessionStart?(): number | undefined;
  /**
   * This page's tab id (event ids are `<tabId>-<n>`, `ids.ts`): a restored event counts as this
   * page's own only when its id says so, so another tab's events stored after this page was
   * created emit no `intent` and fire no trigger here. Default: any event from `liveSince` on.
   */
  tabId?: string;
  /**
   * Name of the Web Lock (`web-lock.ts`) held while a firing rule re-reads, merges and writes the
   * stored fired log, so tabs sharing the store cannot both fire a capped rule in the same moment.
   * Default: none (the read-merge-write runs unlocked: exact within a tab, across tabs except when
   * two tabs interleave within one storage round trip).
   */
  lockName?: string;
  /** Resolves once everything tracked so far is stored (a restore after a late grant reads it back). */
  flush?(): Promise<void>;
  /** Personalization progress and results (issue #8). */
  emitPersonalize?(e: PersonalizeEvent): void;
  /** Automatic personalization runs (option `personalize.auto`). Default true. */
  autoPersonalize?: boolean;
}

/** The service's public face (used by the instance). */
export interface IntentService {
  /** Feeds one accepted event. */
  onEvent(e: HunchEvent): void;
  /** Storage became readable (consent granted): restores the session and fires the rules that waited for it. */
  wake(): void;
  /** From the `dispose()` call on: a personalization run, rollback or `metrics()` stops at its next step. */
  halt(): void;
  /** The current intent, after every event so far is applied. Starts the model if needed. */
  intent(): Promise<Intent>;
  readonly backend: string;
  readonly warmupMs: number | undefined;
  readonly predictor: Predictor | undefined;
  /** Events this page ran through the predictor (restored state is not recomputed). */
  readonly stepsRun: number;
  /** Fits and (if the guard accepts it) adopts a per-user head now (`personalize/personalizer.ts`). */
  personalize(): Promise<PersonalizeResult>;
  /** Calibration, AUC and Brier of past predictions on this device, global vs personalized. */
  metrics(): Promise<DeviceMetrics>;
  /** Goes back to the per-user head in use before the last change (`Personalizer.rollback`). */
  rollback(): Promise<boolean>;
  /** `hunch.debug.runtime()`: where and how the model runs, its live tensors, steps run. */
  runtimeInfo(): Promise<{ thread: 'worker' | 'main' | 'none'; backend: string; numTensors: number; steps: number }>;
  /** `hunch.debug.loseWebGLContext()`: simulates a GPU reset; false without a WebGL runtime. */
  loseContext(): Promise<boolean>;
  /**
   * `pagehide`: nothing is written now (a write at `pagehide` gets the page evicted from the
   * back/forward cache); the session state and the updates still queued are left to the trailing
   * save (`PERSIST_EVERY_MS`, 1 s, on: `intent-persist.ts`; resolves after it). A page restored
   * from the cache runs that timer only after {@link pageRestored}, and then writes nothing: its
   * next update reads the session again and saves that. A page unloaded never runs it; the next
   * page resumes from the last saved state and the stored events. `ifLoaded` (dispose): writes
   * after the updates queued so far, and resolves at once while the model has not loaded yet
   * (there is no state to write).
   */
  persist(ifLoaded?: boolean): Promise<void>;
  /**
   * The page came back from the back/forward cache (`pageshow` with `persisted`): other pages may
   * have gone on with the session meanwhile, so the next update reads the saved state, the
   * session's stored events and the fired log again, as a reload would (a read under way when the
   * page was cached is read again). It emits no `intent` and fires no rule for the events this
   * page answered before it was cached; those it had not answered yet (a step still running, an
   * update queued, a read under way) are answered once after that read, with the session's state
   * as read, and the events tracked since at their place. No-op before the first read.
   */
  pageRestored(): void;
  /** Forgets the state and fired log. */
  reset(): void;
  /** Stops the service: later events are ignored and the predictor (worker) is released, also one still loading. */
  dispose(): void;
}
