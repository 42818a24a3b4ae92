// A clock set back while the page is open (NTP, the shopper) gives this page's events a `ts` before
// the page started: the intent restore must still know them as its own (the live feed delivers
// them), not apply them a second time from the store.
import { expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory-store';
import { openOnStore } from './instance-fixture';

const T = Date.UTC(2025, 5, 1, 12);

async function run(stepBackMs: number) {
  let t = T;
  const store = createMemoryStore();
  let idle: (() => void) | undefined;
  const h = await openOnStore(store, { dbName: 'clk' }, { now: () => t, whenIdle: (fn) => void (idle = fn) });
  const intents: number[] = [];
  h.on('intent', (i) => intents.push(i.events));
  t -= stepBackMs;
  for (let i = 0; i < 5; i++) {
    t += 100;
    h.track('product_view', { itemId: `i${i}`, price: 10 });
  }
  await h.flush();
  idle?.();
  const answer = await h.intent();
  await new Promise((r) => setTimeout(r, 50));
  return { events: answer.events, stage: answer.stage, stored: (await store.getEvents()).length, intents };
}

it.each([0, 2000, 60_000])('each event is applied once with the clock set back %i ms after the page started', async (back) => {
  const r = await run(back);
  expect(r.stored).toBe(5);
  expect(r.events).toBe(5);
  expect(r.intents).toEqual([1, 2, 3, 4, 5]);
  expect(r.stage).not.toBe('considering'); // five different items: no item returned to
});
