/**
 * The instance's edges (clock, window, storage, model and module loaders, idle scheduling) as
 * injected dependencies: `createHunch` supplies the browser's, unit tests pass fakes.
 */
import type { Hunch } from './api.js';
import type { Predictor } from './model/predictor.js';
import type { Store } from './store/types.js';

/**
 * A message channel between the tabs of one origin (the shape of `BroadcastChannel`).
 * @internal part of {@link HunchDeps}
 */
export interface TabChannel {
  /** Sends a structured-cloneable message to the other tabs (not to this one). */
  postMessage(message: unknown): void;
  /** Called with each message another tab sent (`ev.data`). */
  onmessage: ((ev: { data: unknown }) => void) | null;
  /** Stops sending and receiving. */
  close(): void;
}

/**
 * Edges of the instance; defaults are the browser's.
 *
 * Internal: a testing and injection surface (unit tests pass fakes, the script tag its loaders),
 * not part of the documented API. Its shape, and that of the types it brings in (the store, the
 * predictor, the intent module's services), may change in any release; their members are
 * documented in the source, not all of them here.
 * @internal
 */
export interface HunchDeps {
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Window for auto-capture and lifecycle events. Default `globalThis.window` when present. */
  window?: Window;
  /**
   * Opens the persistent store. Default: IndexedDB via `openIdbStore`. `hooks.deleted` is called
   * when another tab or instance deletes the database (its `forget()`).
   */
  openStore?: (dbName: string, hooks?: { deleted(): void }) => Promise<Store>;
  /**
   * Deletes the persistent store without opening it (`forget()` before anything was opened, or
   * while storage fell back to memory). Default: `deleteDB` of IndexedDB, when `openStore` is not
   * given; otherwise the store is opened and destroyed.
   */
  deleteStore?: (dbName: string) => Promise<void>;
  /**
   * Opens the channel that carries `consent()` changes and `forget()` to the other tabs using the
   * same `dbName` (messages `{ consent }` or `{ forget: <ms> }`, the forget's start time; never event data). Default: the
   * window's `BroadcastChannel` named `hunch:<dbName>`, when it has one.
   */
  channel?: (name: string) => TabChannel | undefined;
  /** Storage for the cross-tab session pointer. Default `window.localStorage` when usable. */
  localStorage?: Storage;
  /**
   * URL of the folder holding the hunch build (runtime files); the default model is `../models/intent/`
   * from it. Undefined: the location is unknown (a bundler replaced `import.meta`): `model.url` and
   * `model.runtimeUrl` then say where the files are.
   */
  assetBase?: string;
  /** Starts the intent model. Default: worker or main-thread runtime from `assetBase`. */
  loadPredictor?: () => Promise<Predictor>;
  /** Runs a function when the page is idle. Default `requestIdleCallback` (timeout 3 s) or a 1 s timer. */
  whenIdle?: (fn: () => void) => void;
  /** Called with the instance as soon as it exists, before storage has opened (the script tag makes it the page's global at once). */
  created?: (instance: Hunch) => void;
  /**
   * Loads the intent half of the library (`intent-module.ts`). The ESM entry imports its chunk,
   * the script tag loads `hunch-intent.js` next to itself. Without it, `intent()` rejects.
   */
  loadIntentModule?: () => Promise<typeof import('./intent-module.js')>;
  /**
   * The version of the build that loads the intent half (the script tag sets it): a half of
   * another version is refused. An unversioned CDN URL (`unpkg.com/hunch/dist/…`) can serve a
   * newer `hunch-intent.js` next to an older cached script, and the halves' interface may differ.
   * Default: not checked (the ESM build's chunks come from one build).
   */
  version?: string;
}
