/**
 * dispose() while a personalization run is under way (a `personalize()` call, or the automatic
 * run at idle time): the run stops at its next step, so it neither reopens the IndexedDB store
 * dispose() closed nor saves or adopts a head.
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import type { EventType } from '../../src/events';
import { createHunch } from '../../src/hunch';
import { openIdbStore } from '../../src/store/idb-store';
import { fakePredictor, tinyNet } from './personalize-fixture';

it('a personalize() run in flight at dispose() opens no connection after it and saves no head', async () => {
  let opened = 0;
  const origOpen = indexedDB.open.bind(indexedDB);
  indexedDB.open = ((...a: Parameters<IDBFactory['open']>) => {
    const req = origOpen(...a);
    req.addEventListener('success', () => opened++);
    return req;
  }) as IDBFactory['open'];
  try {
    let t = Date.UTC(2026, 0, 1);
    const net = tinyNet();
    const deps = { now: () => t, window, localStorage, channel: () => undefined, whenIdle: () => {}, loadIntentModule: () => import('../../src/intent-module'), loadPredictor: async () => fakePredictor(net) };
    const earlier = await createHunch({ dbName: 'dispose-run', personalize: { auto: false } }, deps);
    for (let s = 0; s < 20; s++) {
      for (const type of ['product_view', 'product_view', 'add_to_cart', ...(s % 3 ? [] : ['purchase'])] as EventType[]) {
        earlier.track(type, { itemId: 'i' + (s % 5), price: 10 });
        t += 20_000;
      }
      await earlier.flush();
      t += 3_600_000;
    }
    await earlier.dispose();

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
    const s = await openIdbStore({ dbName: 'dispose-run' });
    expect(await s.getMeta('personal:head')).toBeUndefined();
    s.close();
  } finally {
    indexedDB.open = origOpen;
  }
});
