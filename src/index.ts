/**
 * hunch — private, on-device purchase intent and personalization for online stores.
 * ESM entry: `createHunch` and the public types, nothing else.
 */
import type { Hunch } from './api';
import { createHunch as create, type HunchDeps } from './hunch';
import type { HunchOptions } from './options';

/**
 * Creates a hunch instance: validates options, opens storage (IndexedDB, or memory when that
 * fails), starts auto-capture when asked, and schedules the intent model to load when the page
 * is idle, from the files next to this module (`model.url` overrides).
 * @throws TypeError (the promise rejects) naming an invalid option
 */
export function createHunch(options?: HunchOptions, deps: HunchDeps = {}): Promise<Hunch> {
  return create(options, { assetBase: new URL('./', import.meta.url).href, loadIntentModule: () => import('./intent-module'), ...deps });
}
export type { HunchDeps };
export type { Hunch, HunchEventMap, HunchExport, HunchProblem } from './api';
export { EVENT_TYPES, type EventType, type EventProps, type HunchEvent, type StoredEventType } from './events';
export type { HunchOptions, Consent } from './options';
export type { SessionRecord } from './session';
export type { Intent, IntentReason, IntentSource, Stage } from './intent';
export { PRESETS as TRIGGER_PRESETS, type TriggerRule, type TriggerCap } from './triggers';
export type { StorageKind } from './store/types';
export { VERSION } from './version';
