/**
 * dispose() while a personalization run is under way (a `personalize()` call, or the automatic
 * run at idle time): the run stops at its next step, from the dispose() call on (not once its
 * last writes are done), so it neither reopens the IndexedDB store dispose() closed nor saves or
 * adopts a head, and the call rejects, also with an item model configured.
 */
import 'fake-indexeddb/auto';
import { afterEach, expect, it } from 'vitest';
import type { EventType } from '../../src/events';
import { createHunch, type HunchDeps } from '../../src/hunch';
import { openIdbStore } from '../../src/store/idb-store';
import { fakePredictor, tinyNet } from './personalize-fixture';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** A database holding 20 ended sessions of one shopper (a third of them buying); the deps to open it with. */
async function history(dbName: string) {
  let t = Date.UTC(2026, 0, 1);
  const net = tinyNet();
  const deps: HunchDeps = { now: () => t, window, localStorage, channel: () => undefined, whenIdle: () => {}, loadIntentModule: () => import('../../src/intent-module'), loadPredictor: async () => fakePredictor(net) };
  const earlier = await createHunch({ dbName, personalize: { auto: false } }, deps);
  for (let s = 0; s < 20; s++) {
    for (const type of ['product_view', 'product_view', 'add_to_cart', ...(s % 3 ? [] : ['purchase'])] as EventType[]) {
      earlier.track(type, { itemId: 'i' + (s % 5), price: 10 });
      t += 20_000;
    }
    await earlier.flush();
    t += 3_600_000;
  }
  await earlier.dispose();
  return deps;
}

const storedHead = async (dbName: string) => {
  const s = await openIdbStore({ dbName });
  const head = await s.getMeta('personal:head');
  s.close();
  return head;
};

it('a personalize() run in flight at dispose() opens no connection after it and saves no head', async () => {
  let opened = 0;
  const origOpen = indexedDB.open.bind(indexedDB);
  indexedDB.open = ((...a: Parameters<IDBFactory['open']>) => {
    const req = origOpen(...a);
    req.addEventListener('success', () => opened++);
    return req;
  }) as IDBFactory['open'];
  try {
    const deps = await history('dispose-run');
    const h = await createHunch({ dbName: 'dispose-run', personalize: { auto: false } }, deps);
    let disposing: Promise<void> | undefined;
    h.on('personalize', (e) => void (e.status === 'start' && (disposing ??= h.dispose())));
    const run = h.personalize().then(() => 'resolved', (e: Error) => e.message);
    while (!disposing) await new Promise((r) => setTimeout(r, 0));
    await disposing;
    const openedAtDispose = opened;
    expect(await run).toMatch(/stopped/);
    await new Promise((r) => setTimeout(r, 50));
    expect(opened).toBe(openedAtDispose);
  } finally {
    indexedDB.open = origOpen;
  }
  expect(await storedHead('dispose-run')).toBeUndefined();
});

it('dispose() at the fit\'s last step (its own last writes still to come) stops the run before it saves', async () => {
  // where the fit's last progress event falls, from a run nobody stops
  const control = await createHunch({ dbName: 'dispose-late-control', personalize: { auto: false } }, await history('dispose-late-control'));
  let fits = 0;
  control.on('personalize', (e) => void (e.status === 'progress' && e.phase === 'fit' && fits++));
  expect((await control.personalize()).adopted).toBe(true);
  await control.dispose();
  expect(await storedHead('dispose-late-control')).toBeDefined();

  const h = await createHunch({ dbName: 'dispose-late', personalize: { auto: false } }, await history('dispose-late'));
  let seen = 0;
  h.track('page_view'); // dispose() first writes this and the session state: the run would save meanwhile
  h.on('personalize', (e) => void (e.status === 'progress' && e.phase === 'fit' && ++seen === fits && h.dispose()));
  await expect(h.personalize()).rejects.toThrow(/stopped/);
  await h.dispose();
  expect(await storedHead('dispose-late')).toBeUndefined();
});

it('with recommend.url set, personalize() in flight at dispose() rejects too (the taste wrapper does not turn it into a skip)', async () => {
  globalThis.fetch = (async () => {
    throw new TypeError('network down');
  }) as typeof fetch;
  const deps = await history('dispose-recs');
  const h = await createHunch({ dbName: 'dispose-recs', personalize: { auto: false }, recommend: { url: 'https://shop.example/items/manifest.json' } }, deps);
  let disposing: Promise<void> | undefined;
  h.on('personalize', (e) => void (e.status === 'start' && e.target !== 'recommend' && (disposing ??= h.dispose())));
  await expect(h.personalize()).rejects.toThrow(/stopped/);
  await disposing;
});
