/**
 * Starts the lazy half's services once its module has loaded: the intent service (with the model
 * predictor it loads: worker or main-thread runtime, reported as `model` / `warning` events) and,
 * with `recommend.url`, the recommendation service. Lives in the lazily loaded module
 * (`intent-module.ts`), so this wiring does not weigh on the first script a storefront loads.
 */
import { createIntentService, type IntentService } from './intent-service.js';
import type { LazyServicesDeps } from './lazy-services.js';
import { loadModelPredictor } from './model/client.js';
import { modelUrl, optionUrl, predictorLoader } from './model-wiring.js';
import { createRecommendService, type RecommendService } from './recommend-service.js';
import { VERSION } from './version.js';

/** The factories {@link startServices} uses (tests pass stubs). */
export interface ServiceFactories {
  createIntentService: typeof createIntentService;
  createRecommendService: typeof createRecommendService;
  loadModelPredictor: typeof loadModelPredictor;
}

/**
 * Creates the services for an instance.
 * @throws Error when `recommend.url` cannot be made absolute (nothing is left running then), or
 *   when the loading build is another version (`deps.version`)
 */
export function startServices(d: LazyServicesDeps, f: ServiceFactories = { createIntentService, createRecommendService, loadModelPredictor }): { service: IntentService; recs?: RecommendService } {
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
  const shared = { store: d.store, sessionId: d.sessionId, now: d.now, autoPersonalize: opts.personalize.auto, whenIdle: d.whenIdle, problem };
  const service = f.createIntentService({
    ...shared,
    loadPredictor,
    emitIntent: (i) => emitter.emit('intent', i),
    emitTrigger: (t) => emitter.emit('trigger', t),
    rules: d.rules,
    emitPersonalize: (e) => emitter.emit('personalize', e),
    liveSince: d.createdAt,
    tabId: d.tabId,
    lockName: `hunch:${opts.dbName}:triggers`, // the tabs of one store take turns firing capped rules
    flush: d.flush,
  });
  if (!opts.recommend.url) return { service };
  let url: string;
  try {
    url = optionUrl(opts.recommend.url, d.pageUrl(), deps.assetBase);
  } catch (err) {
    service.dispose(); // nothing half-built stays running
    throw err;
  }
  const recs = f.createRecommendService({ ...shared, url, flush: d.flush, emit: (e) => emitter.emit('personalize', e) });
  return { service, recs };
}
