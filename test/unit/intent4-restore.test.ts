// @vitest-environment node
/**
 * Restore cases found by a fourth review pass: an own event another tab's saved state already holds
 * is still answered by the page that tracked it; an unreadable stored event whose id is not a string
 * does not become the saved state's lastEventId.
 */
import { expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import type { Intent } from '../../src/intent';
import { createIntentService, INTENT_META } from '../../src/intent-service';
import { createMemoryStore } from '../../src/store/memory-store';
import { fakePredictor, tinyNet } from './personalize-fixture';

const T = 1_700_000_000_000;
it('an own event held by another tab\'s saved state is answered by the page that tracked it', async () => {
  const store = createMemoryStore();
  let releaseA = () => {};
  const gateA = new Promise<void>((r) => (releaseA = r));
  const mk = (tabId: string, load: () => Promise<any>, intents: Intent[], fired: string[]) =>
    createIntentService({
      loadPredictor: load, store: () => Promise.resolve(store), sessionId: () => 's', now: () => T + 100_000,
      liveSince: T, tabId, emitIntent: (i) => intents.push(i), emitTrigger: (t) => fired.push(t.rule),
      rules: () => [{ id: 'added', when: (i) => i.events >= 1, cap: { perSession: 5 } }],
      problem: (_k, c, m) => { throw new Error(`${c}: ${m}`); }, whenIdle: () => {},
    });
  const aI: Intent[] = [], aF: string[] = [], bI: Intent[] = [], bF: string[] = [];
  const a = mk('a', async () => (await gateA, fakePredictor(tinyNet())), aI, aF);
  const X = { id: 'a-00000001', sessionId: 's', type: 'add_to_cart', ts: T + 1_000, itemId: 'x', price: 20, quantity: 1 } as HunchEvent;
  await store.putEvents([X]); // the writer stores it
  a.onEvent(X); // a's model is still loading
  const b = mk('b', async () => fakePredictor(tinyNet()), bI, bF);
  await b.intent(); // b's restore reads X (not its own: applied silently)
  await b.persist(true); // and saves a state holding X
  releaseA();
  const i = await a.intent();
  expect(i.events).toBe(1);
  expect(aI.map((x) => x.events)).toEqual([1]); // X answered once, on the page that tracked it (the old code: [])
  expect(aF).toEqual(['added']); // and its rules checked (the old code: no tab checked them)
  expect(bI).toEqual([]); // not another tab's to answer
});

it('an unreadable last stored event whose id is not a string: later loads neither find the saved state malformed nor warn again', async () => {
  const inner = createMemoryStore();
  await inner.putEvents([
    { id: 'old-1', sessionId: 's', type: 'product_view', ts: T + 1000, itemId: 'a', price: 10 } as HunchEvent,
    { id: 2, sessionId: 's', type: 'product_view', ts: T + 2000, itemId: 'b', price: '12' } as unknown as HunchEvent,
  ]);
  const all: string[][] = [];
  for (let load = 1; load <= 3; load++) {
    const problems: string[] = [];
    const at = T + 3_600_000 * load;
    const svc = createIntentService({
      loadPredictor: async () => fakePredictor(tinyNet()), store: () => Promise.resolve(inner), sessionId: () => 's',
      now: () => at, liveSince: at, tabId: `p${load}`, emitIntent: () => {}, emitTrigger: () => {}, rules: () => [],
      problem: (_k, c, m) => problems.push(`${c}: ${m}`), whenIdle: () => {},
    });
    await svc.intent();
    await svc.persist(true);
    svc.dispose();
    all.push(problems);
  }
  expect(all[0]).toHaveLength(1); // the first load skips it, and says so
  expect(all.slice(1)).toEqual([[], []]); // the old code: 'saved intent state is malformed' and the skip, on every load
  expect(((await inner.getMeta(INTENT_META.state)) as { lastEventId: unknown }).lastEventId).toBe('2'); // kept as a string: the next load resumes after it by time
});
