/**
 * hunch — private, on-device purchase intent and personalization for online stores.
 * ESM entry: `createHunch` and the public types, nothing else.
 */
import type { Hunch } from './api.js';
import { createHunch as create, type HunchDeps } from './hunch.js';
import type { HunchOptions } from './options.js';

/**
 * Creates a hunch instance: validates options, opens storage (IndexedDB, or memory when that
 * fails), starts auto-capture when asked, and schedules the intent model to load when the page
 * is idle, from the files next to this module (`model.url` overrides).
 * @param options see {@link HunchOptions}; every field is optional
 * @param deps internal: the instance's edges (clock, storage, channel, model loader …), a
 *   testing and injection surface whose shape may change in any release (see {@link HunchDeps});
 *   pages leave it out and get the browser's
 * @throws TypeError (the promise rejects) naming an invalid option
 */
export function createHunch(options?: HunchOptions, deps: HunchDeps = {}): Promise<Hunch> {
  // Object(import.meta): webpack before 5.109 reads a URL built from a literal path and the bare
  // import.meta.url as an asset to bundle, and fails on the directory (webpack#16878); this form
  // it leaves alone
  return create(options, { assetBase: new URL('./', Object(import.meta).url).href, loadIntentModule: () => import('./intent-module.js'), ...deps });
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
