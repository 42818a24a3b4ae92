/**
 * Instances for the intent-lifecycle tests: `createHunch` over a given store with the tiny test
 * model (`personalize-fixture.ts`), the real intent module loaded at idle, happy-dom's window and
 * localStorage. Every instance opened is disposed by `afterEach` (and localStorage cleared).
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
  localStorage.clear();
});

/** An instance on `store` with the tiny test model; `deps` override the defaults. */
export async function openOnStore(store: Store, options: HunchOptions, deps: Partial<HunchDeps> = {}): Promise<Hunch> {
  const h = await createHunch(options, {
    openStore: async () => store,
    window,
    localStorage,
    whenIdle: (fn) => void setTimeout(fn, 0),
    loadIntentModule: () => import('../../src/intent-module'),
    loadPredictor: async () => fakePredictor(tinyNet()),
    ...deps,
  } as HunchDeps);
  instances.push(h);
  return h;
}
