/**
 * hunch — private, on-device purchase intent and personalization for online stores.
 * ESM entry: `createHunch` and the public types, nothing else.
 */
export { createHunch, type HunchDeps } from './hunch';
export type { Hunch, HunchEventMap, HunchExport, HunchProblem } from './api';
export { EVENT_TYPES, type EventType, type EventProps, type HunchEvent, type StoredEventType } from './events';
export type { HunchOptions, Consent } from './options';
export type { SessionRecord } from './session';
export type { StorageKind } from './store/types';
export { VERSION } from './version';
