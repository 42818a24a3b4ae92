// A session holding a stored event the encoder refuses (one an older version stored): the restore
// skips it and says so, and the state it saves counts it in `seen`, so the next load resumes from
// that state instead of replaying the whole session and warning again.
import { expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { createIntentService, INTENT_META } from '../../src/intent-service';
import type { SessionState } from '../../src/model/session-state';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import { fakePredictor, tinyNet } from './personalize-fixture';

const T = 1_700_000_000_000;

/** The intent service of page load number `load` (an hour after the last), on `store`; its problems as `'<code>: <message>'`. */
const pageLoad = (store: Store, load: number, problems: string[]) =>
  createIntentService({
    loadPredictor: async () => fakePredictor(tinyNet()),
    store: () => Promise.resolve(store),
    sessionId: () => 's',
    now: () => T + 3_600_000 * load,
    liveSince: T + 3_600_000 * load,
    tabId: `p${load}`,
    emitIntent: () => {},
    emitTrigger: () => {},
    rules: () => [],
    problem: (_k, code, message) => problems.push(`${code}: ${message}`),
    whenIdle: () => {},
  });

it('an unreadable stored event is counted in the saved state: later loads neither replay the session nor warn again', async () => {
  const inner = createMemoryStore();
  const ev = (k: number, price: unknown) => ({ id: `old-${k}`, sessionId: 's', type: 'product_view', ts: T + k * 1000, itemId: `i${k}`, price }) as unknown as HunchEvent;
  await inner.putEvents([ev(1, 10), ev(2, '12'), ...Array.from({ length: 10 }, (_, k) => ev(3 + k, 10))]);
  let wholeReads = 0;
  const store: Store = { ...inner, getEvents: (q) => ((q?.since === undefined && wholeReads++), inner.getEvents(q)) };
  const loads: { wholeReads: number; problems: string[]; events: number }[] = [];
  for (let load = 1; load <= 3; load++) {
    const problems: string[] = [];
    const before = wholeReads;
    const svc = pageLoad(store, load, problems);
    const { events } = await svc.intent();
    await svc.persist(true);
    svc.dispose();
    loads.push({ wholeReads: wholeReads - before, problems, events });
  }
  const warning = 'intent-restore: 1 stored events of the session could not be read and were skipped';
  expect(loads[0]).toEqual({ wholeReads: 1, problems: [warning], events: 11 });
  // old code: each later load read the whole session again and warned again
  expect(loads.slice(1)).toEqual([
    { wholeReads: 0, problems: [], events: 11 },
    { wholeReads: 0, problems: [], events: 11 },
  ]);
  const summary = (await inner.getSessions()).find((x) => x.id === 's');
  expect((await inner.getMeta<SessionState>(INTENT_META.state))?.seen).toBe(summary?.count); // 12: the skipped one too
});

it('a session whose first stored event is unreadable still counts it', async () => {
  const inner = createMemoryStore();
  await inner.putEvents([
    { id: 'old-1', sessionId: 's', type: 'product_view', ts: T, itemId: 'x', price: -3 } as HunchEvent,
    { id: 'old-2', sessionId: 's', type: 'product_view', ts: T + 1000, itemId: 'y', price: 5 } as HunchEvent,
  ]);
  const problems: string[] = [];
  const svc = createIntentService({
    loadPredictor: async () => fakePredictor(tinyNet()),
    store: () => Promise.resolve(inner),
    sessionId: () => 's',
    now: () => T + 60_000,
    liveSince: T + 60_000,
    emitIntent: () => {},
    emitTrigger: () => {},
    rules: () => [],
    problem: (_k, code) => problems.push(code),
    whenIdle: () => {},
  });
  expect((await svc.intent()).events).toBe(1);
  await svc.persist(true);
  svc.dispose();
  expect(problems).toEqual(['intent-restore']);
  const s = await inner.getMeta<SessionState>(INTENT_META.state);
  expect([s?.seen, s?.lastEventId]).toEqual([2, 'old-2']);
});

it("an unreadable LAST stored event is held by the saved state: the next load neither counts it again nor misses another tab's event", async () => {
  const inner = createMemoryStore();
  const ev = (k: number, price: unknown) => ({ id: `old-${k}`, sessionId: 's', type: 'product_view', ts: T + k * 1000, itemId: `i${k}`, price }) as unknown as HunchEvent;
  await inner.putEvents([ev(1, 10), ev(2, 10), ev(3, '12')]); // the last one is unreadable
  const loads: { events: number; warned: number; seen?: number; count?: number }[] = [];
  for (let load = 1; load <= 4; load++) {
    const problems: string[] = [];
    const at = T + 3_600_000 * load;
    const svc = pageLoad(inner, load, problems);
    await svc.intent();
    if (load === 2) {
      const e = { id: 'p2-live', sessionId: 's', type: 'product_view', ts: at + 5, itemId: 'L', price: 3 } as HunchEvent;
      await inner.putEvents([e]);
      svc.onEvent(e);
    }
    const { events } = await svc.intent();
    await svc.persist(true);
    svc.dispose();
    // another tab's event, stored after this page saved and before its own last one by time
    if (load === 2) await inner.putEvents([{ id: 'othertab-X', sessionId: 's', type: 'add_to_cart', ts: at + 1, itemId: 'X', price: 3, quantity: 1 } as HunchEvent]);
    const s = await inner.getMeta<SessionState>(INTENT_META.state);
    if (load === 1) expect(s?.lastEventId).toBe('old-3'); // old code: 'old-2'
    loads.push({ events, warned: problems.length, seen: s?.seen, count: (await inner.getSessions()).find((x) => x.id === 's')?.count });
  }
  // old code: load 2 counted old-3 again (seen 5 of 4 stored, warned again), so load 3 resumed
  // past othertab-X (events 3) instead of replaying the session it had not seen
  expect(loads).toEqual([
    { events: 2, warned: 1, seen: 3, count: 3 },
    { events: 3, warned: 0, seen: 4, count: 5 },
    { events: 4, warned: 1, seen: 5, count: 5 }, // replayed (another tab's event): old-3 read and skipped again
    { events: 4, warned: 0, seen: 5, count: 5 },
  ]);
});
