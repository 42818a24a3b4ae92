/**
 * The instance's lazy half: the intent module (`intent-module.ts`; `hunch-intent.js` for the script
 * tag) is loaded when the page is idle or when a method first needs it. From it come the intent
 * service and, with `recommend.url`, the recommendation service. Events tracked before then are
 * held for them (the first and the newest, {@link MAX_INTENT_BACKLOG} in all). A module that cannot load is reported
 * once as an `intent-module` error.
 */
import type { HunchEventMap } from './api.js';
import type { HunchDeps } from './deps.js';
import type { Emitter } from './emitter.js';
import type { HunchEvent } from './events.js';
import type { IntentService } from './intent-service.js';
import type { ResolvedOptions } from './options.js';
import type { ServiceMethods, StartedServices } from './start-services.js';
import type { Store } from './store/types.js';
import type { TriggerRule } from './triggers.js';
import { reason } from './validate-event.js';

/** Events held for the intent service while its module loads (the first kept, then the oldest dropped first). */
export const MAX_INTENT_BACKLOG = 500;

/** What the lazy half needs from the instance. */
export interface LazyServicesDeps {
  deps: Pick<HunchDeps, 'loadIntentModule' | 'loadPredictor' | 'assetBase' | 'version'>;
  opts: ResolvedOptions;
  /** The page's URL when the module loads (relative model URLs resolve against it). */
  pageUrl(): string | undefined;
  emitter: Emitter<HunchEventMap>;
  problem(kind: 'error' | 'warning', code: string, message: string): void;
  /** The store while consent is granted, else undefined. */
  store(): Promise<Store> | undefined;
  sessionId(): string | undefined;
  /**
   * The session still open (its last event within the session timeout), else undefined: what
   * personalization and the taste leave out as not yet ended. Default: `sessionId` (the last
   * session counts as open until a new one starts).
   */
  openSessionId?(): string | undefined;
  /** When the current session started, ms since the epoch (undefined before the first event). */
  sessionStart?(): number | undefined;
  now(): number;
  /** Resolves when every event tracked so far is stored. */
  flush(): Promise<void>;
  whenIdle(fn: () => void): void;
  rules(): readonly TriggerRule[];
  /** When the instance was created, ms since the epoch (its own events count as live). */
  createdAt: number;
  /** The instance's tab id: its events' ids start with `<tabId>-` (`ids.ts`). */
  tabId: string;
}

/** The lazy half's face. */
export interface LazyServices {
  /** Loads the module once and creates the services (rejects when it cannot load); resolves to the instance's methods they answer. */
  load(): Promise<ServiceMethods>;
  /** Hands a stored event to the services, or holds it until they exist. */
  feed(e: HunchEvent): void;
  /** The intent service once loaded. */
  intents(): IntentService | undefined;
  /** After `forget()`: drops held events and resets both services. */
  reset(): void;
  /** The page came back from the back/forward cache: the intent service reads the stored session again (`IntentService.pageRestored`); no-op before it loads. */
  pageRestored(): void;
  /** From the `dispose()` call on: personalization stops at its next step (also in services still loading). */
  halt(): void;
  /**
   * `dispose()`: the services stop, also when their module is still loading (its service is
   * disposed as soon as it exists, so no model worker starts); later loads reject.
   */
  dispose(): void;
}

/** What every method of a disposed instance rejects with (from the `dispose()` call on). */
export const gone = (): Promise<never> => Promise.reject(new Error('hunch: this instance was disposed'));

/** What `recommend()` rejects with when no item model is configured (`recommend.url`). */
export const NO_ITEM_MODEL = 'hunch.recommend: no item model (set recommend.url)';

/** Creates the lazy half; nothing loads until {@link LazyServices.load}. */
export function createLazyServices(d: LazyServicesDeps): LazyServices {
  const { deps, problem } = d;
  let backlog: HunchEvent[] = [];
  let started: StartedServices | undefined;
  let loading: Promise<ServiceMethods> | undefined;
  let disposed = false;
  let halted = false;
  const load = (): Promise<ServiceMethods> => {
    if (disposed) return gone();
    if (!loading) {
      if (!deps.loadIntentModule) return Promise.reject(new Error('hunch: no intent module in this build'));
      const imported = deps.loadIntentModule();
      loading = imported.then((m) => {
        const s = m.startServices(d);
        for (const e of backlog.splice(0)) s.onEvent(e);
        started = s;
        if (halted) s.halt();
        if (disposed) s.dispose(); // disposed while the module loaded
        return s;
      });
      const failed = loading;
      failed.catch((err) => problem('error', 'intent-module', `intent could not load: ${reason(err)}`));
      // a module that did not arrive (a network blip) is not forever: the next call imports it
      // again. A failure after it arrived (e.g. a half of another version) would only repeat.
      imported.catch(() => {
        if (loading === failed) loading = undefined;
      });
    }
    return loading;
  };
  return {
    load,
    feed(e) {
      if (started) started.onEvent(e);
      else {
        backlog.push(e);
        // the first stays: a session this page started is told by its first event (`intent-service.ts`)
        if (backlog.length > MAX_INTENT_BACKLOG) backlog.splice(1, 1);
      }
    },
    intents: () => started?.service,
    reset() {
      backlog = [];
      started?.reset();
    },
    pageRestored: () => started?.service.pageRestored(),
    halt() {
      halted = true;
      started?.halt();
    },
    dispose() {
      disposed = true;
      backlog = [];
      started?.dispose();
    },
  };
}
