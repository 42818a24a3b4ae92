// @vitest-environment node
// stop() (the instance's dispose()): a run under way ends at its next step, with no store call, no
// save and no head put in use; later runs, rollbacks and scores reject, restores and automatic runs
// do nothing. Before stop() existed, a run in flight at dispose() read on (reopening the closed
// IndexedDB), saved `personal:head` and put the fitted head in use.
import { describe, expect, it } from 'vitest';
import { createPersonalizer, PERSONAL_META, type PersonalizeEvent, type Personalizer } from '../../src/personalize/personalizer';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import { fakePredictor, session, tinyNet } from './personalize-fixture';

const HOUR = 3_600_000;

/** A memory store with 15 ended sessions that make a run adopt a head, counting calls made once `after()` is true. */
async function history(after: () => boolean) {
  const inner = createMemoryStore();
  for (let i = 0; i < 15; i++) await inner.putEvents(session(`s${i}`, i * HOUR, i % 2 ? ['product_view', 'add_to_cart', 'purchase'] : ['product_view', 'product_view', 'add_to_cart']));
  const late: string[] = [];
  const store = new Proxy(inner, {
    get(t, k) {
      const v = Reflect.get(t, k) as unknown;
      return typeof v === 'function' ? (...a: unknown[]) => (after() && late.push(String(k)), v.apply(t, a)) : v;
    },
  }) as Store;
  return { inner, store, late };
}

/** A personalizer over `store` that calls `onEvent` with each event it emits. */
function personalizer(store: Store, onEvent: (e: PersonalizeEvent, pers: Personalizer) => void = () => {}) {
  const p = fakePredictor(tinyNet());
  const events: PersonalizeEvent[] = [];
  const idle: Array<() => void> = [];
  const pers: Personalizer = createPersonalizer({
    store: () => Promise.resolve(store),
    predictor: async () => p,
    sessionId: () => 'current',
    now: () => 100 * HOUR,
    emit: (e) => (events.push(e), onEvent(e, pers)),
    whenIdle: (fn) => idle.push(fn),
    options: { lambda: 1, lambdaBias: 0.1 },
  });
  return { p, pers, events, idle };
}

// optional call: on the old code (no stop) the same scenario runs to its end and saves the head
const stop = (pers: Personalizer) => (pers as Partial<Personalizer>).stop?.();
const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('personalizer stop()', () => {
  it('the scenario without a stop adopts and saves a head (so the cases below test something)', async () => {
    const { inner, store } = await history(() => false);
    const { p, pers } = personalizer(store);
    expect((await pers.run()).adopted).toBe(true);
    expect(await inner.getMeta(PERSONAL_META)).toBeDefined();
    expect(p.source).toBe('personalized');
  });

  it.each([
    ['at the start (before the replay reads the sessions)', (e: PersonalizeEvent) => e.status === 'start'],
    ['during the replay', (e: PersonalizeEvent) => e.status === 'progress' && e.phase === 'replay' && e.done === 3],
    ['during the fit', (e: PersonalizeEvent) => e.status === 'progress' && e.phase === 'fit'],
  ])('stopped %s: the run rejects, with no store call after the stop, nothing saved and no head in use', async (_, when) => {
    let stopped = false;
    const { inner, store, late } = await history(() => stopped);
    const { p, pers, events } = personalizer(store, (e, pers) => {
      if (!stopped && when(e)) {
        stopped = true;
        stop(pers);
      }
    });
    await expect(pers.run()).rejects.toThrow(/instance was disposed/);
    expect(late).toEqual([]);
    expect(await inner.getMeta(PERSONAL_META)).toBeUndefined();
    expect(p.source).toBe('model');
    expect(events.filter((e) => e.status === 'done' || e.status === 'error')).toEqual([]);
  });

  it('stopped while the save is under way: the saved head is not put in use', async () => {
    const { inner } = await history(() => false);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let pers!: Personalizer;
    const store: Store = {
      ...inner,
      setMeta: async (k, v) => {
        stop(pers);
        await gate;
        return inner.setMeta(k, v);
      },
    };
    const made = personalizer(store);
    pers = made.pers;
    const run = pers.run();
    await settle();
    release();
    await expect(run).rejects.toThrow(/instance was disposed/);
    expect(made.p.source).toBe('model');
  });

  it('after a stop: runs, rollbacks and scores reject, restores and automatic runs do nothing, none calls the store', async () => {
    let stopped = false;
    const { inner, store, late } = await history(() => stopped);
    const { p, pers, idle, events } = personalizer(store);
    await pers.run(); // a head to roll back, and a record to score
    pers.maybeAuto(); // queued for idle time, which comes after the stop
    stopped = true;
    stop(pers);
    await expect(pers.run()).rejects.toThrow(/instance was disposed/);
    await expect(pers.rollback()).rejects.toThrow(/instance was disposed/);
    await expect(pers.metrics()).rejects.toThrow(/instance was disposed/);
    await pers.restore(fakePredictor(tinyNet()));
    for (const fn of idle) fn();
    await settle();
    expect(late).toEqual([]);
    expect(p.source).toBe('personalized'); // the rollback did not run
    expect((await inner.getMeta<{ head: unknown }>(PERSONAL_META))?.head).not.toBeNull();
    expect(events.filter((e) => e.status === 'error' || (e.status === 'start' && e.reason === 'auto'))).toEqual([]);
  });
});
