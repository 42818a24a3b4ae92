/**
 * Instances for the unit tests: `createHunch` with the tiny test model (`personalize-fixture.ts`),
 * the real intent module loaded at idle, and whatever deps the test gives (`openOnStore`: a given
 * store, happy-dom's window and localStorage). Every instance opened is disposed by `afterEach`
 * (and the global localStorage, where there is one, cleared).
 */
import { afterEach } from 'vitest';
import type { Hunch } from '../../src/api';
import { createHunch, type HunchDeps } from '../../src/hunch';
import type { HunchOptions } from '../../src/options';
import type { Store } from '../../src/store/types';
import { fakePredictor, tinyNet } from './personalize-fixture';

/** The instances opened and not yet disposed (a test that disposes one itself empties it). */
export const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
  globalThis.localStorage?.clear(); // none in a test run in the node environment
});

/** An instance with the tiny test model, loaded at idle; `deps` add to or override the defaults. */
export async function openInstance(options: HunchOptions, deps: Partial<HunchDeps> = {}): Promise<Hunch> {
  const h = await createHunch(options, {
    whenIdle: (fn) => void setTimeout(fn, 0),
    loadIntentModule: () => import('../../src/intent-module'),
    loadPredictor: async () => fakePredictor(tinyNet()),
    ...deps,
  } as HunchDeps);
  instances.push(h);
  return h;
}

/** An instance on `store` with happy-dom's window and localStorage; `deps` override the defaults. */
export const openOnStore = (store: Store, options: HunchOptions, deps: Partial<HunchDeps> = {}): Promise<Hunch> =>
  openInstance(options, { openStore: async () => store, window, localStorage, ...deps });
