/**
 * Starts the lazy half's services once its module has loaded: the intent service (with the model
 * predictor it loads: worker or main-thread runtime, reported as `model` / `warning` events) and,
 * with `recommend.url`, the recommendation service; and answers the instance's methods that use
 * them. Lives in the lazily loaded module (`intent-module.ts`), so this wiring does not weigh on
 * the first script a storefront loads.
 */
import type { Hunch } from './api.js';
import type { HunchEvent } from './events.js';
import { createIntentService, type IntentService } from './intent-service.js';
import { NO_ITEM_MODEL, type LazyServicesDeps } from './lazy-services.js';
import { loadModelPredictor } from './model/client.js';
import { modelUrl, optionUrl, predictorLoader } from './model-wiring.js';
import { createRecommendService, type RecommendService } from './recommend-service.js';
import { stoppedError } from './personalize/personalizer.js';
import { reason } from './validate-event.js';
import { VERSION } from './version.js';

/** The factories {@link startServices} uses (tests pass stubs). */
export interface ServiceFactories {
  createIntentService: typeof createIntentService;
  createRecommendService: typeof createRecommendService;
  loadModelPredictor: typeof loadModelPredictor;
}

/** The instance's methods the services answer (`hunch.intent()` …; `hunch.ts` checks dispose and loads the module first). */
export type ServiceMethods = Pick<Hunch, 'intent' | 'recommend' | 'personalize' | 'metrics' | 'rollback'>;

/** What {@link startServices} started: the services, and the methods over them. */
export interface StartedServices extends ServiceMethods {
  service: IntentService;
  /** Only with a `recommend.url` whose service could start. */
  recs?: RecommendService;
  /** Hands a stored event to every service. */
  onEvent(e: HunchEvent): void;
  /** After `forget()`: resets every service. */
  reset(): void;
  /** From the `dispose()` call on: personalization (head and taste) stops at its next step, saving nothing. */
  halt(): void;
  /** Stops every service. */
  dispose(): void;
}

/**
 * Creates the services for an instance. A recommendation service that cannot start (its URL
 * does not resolve against the page at load time) is said once, as a `recommend-setup` error;
 * the intent service keeps running, and `recommend()` rejects with that error.
 * @throws Error when the loading build is another version (`deps.version`): nothing is started
 */
export function startServices(d: LazyServicesDeps, f: ServiceFactories = { createIntentService, createRecommendService, loadModelPredictor }): StartedServices {
  const { deps, opts, emitter, problem } = d;
  if (deps.version !== undefined && deps.version !== VERSION) {
    throw new Error(`hunch-intent.js is version ${VERSION}, the script that loaded it ${deps.version}: load both from one version (pin it in a CDN URL)`);
  }
  const loadPredictor =
    deps.loadPredictor ??
    predictorLoader(f, opts, () => modelUrl(opts, d.pageUrl(), deps.assetBase), deps.assetBase, {
      emitModel: (x) => emitter.emit('model', x),
      problem,
    });
  // what both services read the instance through; automatic personalization runs at idle time, as documented
  // a session past the timeout has ended, also before this page tracks anything: personalization and
  // the taste fit on it and score it (the last session would otherwise count as open until the next event)
  const open = d.openSessionId ?? d.sessionId;
  const shared = { store: d.store, sessionId: d.sessionId, now: d.now, autoPersonalize: opts.personalize.auto, whenIdle: d.whenIdle, problem };
  const service = f.createIntentService({
    ...shared,
    loadPredictor,
    emitIntent: (i) => emitter.emit('intent', i),
    emitTrigger: (t) => emitter.emit('trigger', t),
    rules: d.rules,
    emitPersonalize: (e) => emitter.emit('personalize', e),
    liveSince: d.createdAt,
    sessionStart: d.sessionStart,
    openSessionId: open,
    tabId: d.tabId,
    lockName: `hunch:${opts.dbName}:triggers`, // the tabs of one store take turns firing capped rules
    flush: d.flush,
  });
  let recs: RecommendService | undefined;
  let recsError: unknown;
  if (opts.recommend.url) {
    try {
      const url = optionUrl(opts.recommend.url, d.pageUrl(), deps.assetBase, 'recommend.url');
      recs = f.createRecommendService({ ...shared, sessionId: open, url, flush: d.flush, emit: (e) => emitter.emit('personalize', e) });
    } catch (err) {
      recsError = err; // intent, its events and triggers go on without recommendations
      problem('error', 'recommend-setup', `recommendations could not start: ${reason(err)}`);
    }
  }
  const all = recs ? [service, recs] : [service];
  let halted = false;
  return {
    service,
    recs,
    ...serviceMethods(service, recs, recsError, () => halted),
    halt() {
      halted = true;
      service.halt();
      recs?.dispose(); // its runs neither save nor apply from here on
    },
    onEvent: (e) => all.forEach((x) => x.onEvent(e)),
    reset: () => all.forEach((x) => x.reset()),
    dispose: () => all.forEach((x) => x.dispose()),
  };
}

/** The methods over the two services; without `recs`, `recommend()` rejects (with `recsError` when its setup failed). */
function serviceMethods(s: IntentService, recs: RecommendService | undefined, recsError: unknown, halted: () => boolean): ServiceMethods {
  return {
    intent: () => s.intent(),
    recommend: async (options) => {
      if (!recs) throw recsError ?? new Error(NO_ITEM_MODEL);
      return recs.recommend(options);
    },
    // with an item model configured, the shopper's taste is fitted too
    // (the taste's wrapper turns the head's failure into `skipped`: a halt is a rejection all the same)
    personalize: () => (recs ? recs.personalizeWith(() => s.personalize()).then((r) => (halted() ? Promise.reject(stoppedError()) : r)) : s.personalize()),
    metrics: () => s.metrics(),
    async rollback() {
      // as personalize(): a head that cannot roll back (no intent model) is head: false; the taste is still undone
      const head = await (recs ? s.rollback().catch((err) => (halted() ? Promise.reject(err) : false)) : s.rollback());
      return recs ? { head, recommend: await recs.rollback() } : { head };
    },
  };
}
