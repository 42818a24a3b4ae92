/**
 * hunch — private, on-device purchase intent and personalization for online stores.
 * ESM entry: `createHunch` and the public types, nothing else.
 */
import type { Hunch } from './api.js';
import { assetBaseOf } from './asset-base.js';
import { createHunch as create, type HunchDeps } from './hunch.js';
import type { HunchOptions } from './options.js';

/**
 * Creates a hunch instance: validates options, opens storage (IndexedDB, or memory when that
 * fails), starts auto-capture when asked, and schedules the intent model to load when the page
 * is idle, from the files next to this module (`model.url` and `model.runtimeUrl` override).
 * Where a bundler left no `http:`/`https:` URL for this module (esbuild's iife/cjs output,
 * webpack's and Parcel's default `import.meta`), capture and storage work all the same; the model
 * needs `model.url`, and its TensorFlow.js runtime `model.runtimeUrl`.
 * @param options see {@link HunchOptions}; every field is optional
 * @param deps internal: the instance's edges (clock, storage, channel, model loader …), a
 *   testing and injection surface whose shape may change in any release (see {@link HunchDeps});
 *   pages leave it out and get the browser's
 * @returns a promise that rejects, never a synchronous throw, on any failure to start
 * @throws TypeError (the promise rejects) naming an invalid option
 */
export function createHunch(options?: HunchOptions, deps: HunchDeps = {}): Promise<Hunch> {
  try {
    // Object(import.meta).url, not a URL built from a literal path and the bare import.meta.url: webpack releases without the
    // fix for webpack#16878 try to bundle that directory as a module and fail the build (5.113
    // compiles it to the page's base URL, the wrong folder). This form is left as it is by Rollup
    // and Vite builds (the module's real URL); webpack and Parcel turn it into the build
    // machine's file: URL, esbuild's iife/cjs into undefined: assetBaseOf drops both.
    return create(options, { assetBase: assetBaseOf(Object(import.meta).url), loadIntentModule: () => import('./intent-module.js'), ...deps });
  } catch (err) {
    return Promise.reject(err);
  }
}
export type { HunchDeps };
export { HUNCH_EVENT_NAMES, type Hunch, type HunchEventMap, type HunchExport, type HunchProblem, type RecommendOptions } from './api.js';
export type { Recommendation } from './recommend/rank.js';
export type { PersonalizeResult } from './personalize/guard.js';
export type { TasteResult } from './personalize/taste.js';
export type { DeviceMetrics, PersonalizeEvent } from './personalize/personalizer.js';
export type { ScoreSummary, ReliabilityBin } from './personalize/metrics.js';
export type { TasteEvent } from './recommend-service.js';
export type { HunchGlobal } from './script-proxy.js';
export { EVENT_TYPES, type EventType, type EventProps, type TrackProps, type HunchEvent, type StoredEventType } from './events.js';
export type { HunchOptions, Consent } from './options.js';
export type { SessionRecord } from './session.js';
export type { Intent, IntentReason, IntentSource, Stage } from './intent.js';
export { PRESETS as TRIGGER_PRESETS, type TriggerPreset, type TriggerRule, type TriggerCap } from './triggers.js';
export type { StorageKind } from './store/types.js';
export { VERSION } from './version.js';
