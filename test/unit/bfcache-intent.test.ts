// The intent service around the back/forward cache: pagehide writes no state (Chromium evicts a
// page that wrote it at or after pagehide once the next page of the store touches it), and a
// page restored from the cache reads the session again before its next update, as a reload
// would, instead of overwriting what other pages saved meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import type { Intent } from '../../src/intent';
import { createIntentService, INTENT_META, type IntentService, type IntentServiceDeps } from '../../src/intent-service';
import { createLazyServices } from '../../src/lazy-services';
import type { SessionState } from '../../src/model/session-state';
import { resolveOptions } from '../../src/options';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import type { TriggerRule } from '../../src/triggers';
import { fakePredictor, tinyNet } from './personalize-fixture';

const problems: string[] = [];
afterEach(() => {
  expect(problems.splice(0)).toEqual([]);
});

const T = 1_700_000_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One page of the shop: its tab id prefixes its events' ids; what it emitted and fired is logged. */
function page(store: Store, tabId: string, liveSince: number, rules: TriggerRule[] = [], more: Partial<IntentServiceDeps> = {}) {
  const intents: Intent[] = [];
  const fired: string[] = [];
  let n = 0;
  const svc = createIntentService({
    loadPredictor: async () => fakePredictor(tinyNet()),
    store: () => Promise.resolve(store),
    sessionId: () => 's',
    now: () => T + 100_000,
    liveSince,
    tabId,
    emitIntent: (i) => intents.push(i),
    emitTrigger: (t) => fired.push(t.rule),
    rules: () => rules,
    problem: (_k, code, message) => problems.push(`${code}: ${message}`),
    whenIdle: () => {},
    ...more,
  });
  /** Tracks one event: stored (as the writer does), then fed live. */
  const track = async (type: HunchEvent['type'], ts: number) => {
    const e = { id: `${tabId}-${String(++n).padStart(8, '0')}`, sessionId: 's', type, ts, itemId: `${tabId}${n}`, price: 20 } as HunchEvent;
    await store.putEvents([e]);
    svc.onEvent(e);
    return e;
  };
  return { svc, intents, fired, track };
}

const saved = (store: Store) => store.getMeta<SessionState>(INTENT_META.state);

/** The tiny model, whose steps wait for `release()` while `hold` is set: a step still running when the page is cached. */
function gatedModel() {
  let open = () => {};
  const gate = new Promise<void>((r) => (open = r));
  const base = fakePredictor(tinyNet());
  const g = {
    hold: false,
    release: () => open(),
    predictor: { ...base, step: async (h: number[], x: Float32Array) => (g.hold && (await gate), base.step(h, x)) },
  };
  return g;
}

/** A store whose meta writes (the fired log's) take a few ms, as IndexedDB's do: the page can be cached and back meanwhile. */
const slowMeta = (inner: Store): Store => ({ ...inner, setMeta: async (k, v) => (await sleep(5), inner.setMeta(k, v)) });

/**
 * A page (rule `every` on each update, meta writes that take a few ms) whose second event's step
 * was still running when it was cached and ends after it is back: that event is late. Returns
 * once the page is back, with the emits so far cleared; `on(f)` runs `f` on each later `intent`
 * until it returns true (to act, e.g. cache the page again, at a chosen answer).
 */
async function lateAfterRestore() {
  const g = gatedModel();
  let hook = (_i: Intent) => true;
  const every: TriggerRule = { id: 'every', when: () => true, cap: { perSession: 10 } };
  const a = page(slowMeta(createMemoryStore()), 'a', T, [every], { loadPredictor: async () => g.predictor, emitIntent: (i) => (a.intents.push(i), hook(i) && (hook = () => true)) });
  await a.track('page_view', T + 1_000);
  await a.svc.intent();
  g.hold = true;
  await a.track('product_view', T + 2_000);
  await sleep(10);
  void a.svc.persist(); // pagehide
  a.svc.pageRestored(); // pageshow: e2 is late
  g.release();
  await sleep(20);
  a.intents.length = 0;
  a.fired.length = 0;
  return { a, on: (f: (i: Intent) => boolean) => void (hook = f) };
}

describe('pagehide writes no intent state', () => {
  it('nothing is written at pagehide nor from a task after it; restored from the cache, its trailing save writes nothing stale and its next update reads the session again and saves it', async () => {
    const inner = createMemoryStore();
    const writes: string[] = [];
    const store: Store = {
      ...inner,
      async setMeta(key, value) {
        if (key === INTENT_META.state) writes.push((value as SessionState).lastEventId ?? '');
        return inner.setMeta(key, value);
      },
    };
    let slow = false;
    const base = fakePredictor(tinyNet());
    // a step that takes a round trip (the model worker's answer comes in a later task)
    const predictor = { ...base, step: async (h: number[], x: Float32Array) => (slow && (await sleep(20)), base.step(h, x)) };
    const p = page(store, 'a', T, [], { loadPredictor: async () => predictor });
    await p.track('page_view', T + 1);
    await p.svc.intent(); // saved at once (the first save)
    await p.track('product_view', T + 2);
    await p.svc.intent(); // within a second of the last save: left to the trailing save
    expect(writes).toEqual(['a-00000001']);

    slow = true;
    const last = await p.track('add_to_cart', T + 3); // still stepping when the page leaves
    const leaving = p.svc.persist(); // pagehide
    await sleep(300); // the queued step is applied meanwhile
    expect(writes).toEqual(['a-00000001']); // old code: the state after the queued step, from a task after pagehide
    // a page that is unloaded never runs the trailing save (the next page resumes from a-00000001
    // and the stored events); one restored from the cache runs it only after pageshow, where
    // pageRestored() came first: its state is about to be read again, so the timer writes nothing
    p.svc.pageRestored(); // pageshow, persisted
    await leaving; // the trailing save ran (PERSIST_EVERY_MS on)
    expect(writes).toEqual(['a-00000001']);
    // the next update reads the saved state and the stored events after it, and saves the result
    expect((await p.svc.intent()).events).toBe(3);
    await p.svc.persist(true);
    expect(writes).toEqual(['a-00000001', last.id]);
    expect((await saved(inner))?.seen).toBe(3);
    p.svc.dispose();
  });
});

/**
 * Page a (3 events, saved) → page b of the same session (5 more, saved) → back to a, restored
 * from the cache. With `queued`, a was still stepping an event when it was cached (the model
 * worker's answer comes after it is back), its pagehide dwell queued behind it.
 */
async function backAfterAnotherPage(rules: TriggerRule[] = [], options: { queued?: boolean; bSaves?: boolean; bRules?: TriggerRule[] } = {}) {
  const store = createMemoryStore();
  const g = gatedModel();
  const a = page(store, 'a', T, rules, { loadPredictor: async () => g.predictor });
  await a.track('page_view', T + 1_000);
  await a.track('product_view', T + 2_000);
  await a.track('add_to_cart', T + 3_000);
  expect((await a.svc.intent()).events).toBe(3);
  if (options.queued) {
    g.hold = true;
    await a.track('product_view', T + 3_400);
    await a.track('dwell', T + 3_500);
  }
  const leaving = a.svc.persist(); // pagehide
  if (!options.queued) await leaving;
  const b = page(store, 'b', T + 4_000, options.bRules ?? rules);
  for (let k = 0; k < 4; k++) await b.track('product_view', T + 5_000 + k * 1_000);
  await b.track('begin_checkout', T + 9_000);
  const before = options.queued ? 4 : 3;
  expect((await b.svc.intent()).events).toBe(before + 5);
  if (options.bSaves !== false) await b.svc.persist();
  else await store.deleteMeta(INTENT_META.state); // its save lost: a is to replay the stored session
  b.svc.dispose();
  a.intents.length = 0;
  a.fired.length = 0;
  (a.svc as Partial<IntentService>).pageRestored?.(); // pageshow, persisted
  g.release();
  return { store, a, b, before };
}

describe('pageRestored: a page back from the back/forward cache reads the session again', () => {
  it("its next update is made on the state another page saved after this one's last update", async () => {
    const { store, a } = await backAfterAnotherPage();
    const e = await a.track('product_view', T + 10_000);
    const i = await a.svc.intent();
    expect(i.events).toBe(9); // old code: 4 (its own 3 and this one)
    // one intent, for this event, compared with the session's last update (b's 'ready')
    expect(a.intents.map((x) => [x.events, x.stage])).toEqual([[9, i.stage]]);
    await a.svc.persist();
    expect((await saved(store))?.lastEventId).toBe(e.id);
    expect((await saved(store))?.seen).toBe(9);
    a.svc.dispose();
  });

  for (const bSaves of [true, false]) {
    it(`an update still queued when it was cached is applied once, and answered once after the re-read, with the session's state (${bSaves ? "b's saved state" : 'the stored session replayed'})`, async () => {
      const { store, a } = await backAfterAnotherPage([], { queued: true, bSaves });
      await a.svc.intent();
      // its product_view never had an answer (the step ended after pageshow): it gets one, with the
      // session as read (b's 9 events), not the stale one at its place (4); old code: none at all
      expect(a.intents.map((x) => x.events)).toEqual([9]);
      await a.track('product_view', T + 10_000);
      const i = await a.svc.intent();
      expect(i.events).toBe(10);
      expect(a.intents.map((x) => x.events)).toEqual([9, 10]); // nothing for the events answered before
      await a.svc.persist();
      expect((await saved(store))?.seen).toBe(11); // 10 events and the dwell, each once
      a.svc.dispose();
    });
  }

  it('fires no rule from its stale state, and a rule another page fired stays fired', async () => {
    const long: TriggerRule = { id: 'long-session', when: (i) => i.events >= 8 }; // b fires it (once per session)
    const fourth: TriggerRule = { id: 'fourth-event', when: (i) => i.events === 4 }; // a's rule: its stale state's next update
    const { a, b } = await backAfterAnotherPage([fourth, long], { bRules: [long] });
    expect(b.fired).toEqual(['long-session']);
    await a.track('product_view', T + 10_000);
    await a.svc.intent();
    expect(a.fired).toEqual([]); // old code: ['fourth-event']
    a.svc.dispose();
  });

  it('back from the cache while its first read was under way: the events tracked before and after it are answered once each', async () => {
    const inner = createMemoryStore();
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let gated = true;
    let duringRead = async () => {};
    const store: Store = {
      ...inner,
      async getEvents(q) {
        if (!gated) return inner.getEvents(q);
        gated = false;
        await gate;
        const r = await inner.getEvents(q);
        await duringRead();
        return r;
      },
    };
    const every: TriggerRule = { id: 'every', when: () => true, cap: { perSession: 5 } };
    const a = page(store, 'a', T, [every]);
    await a.track('page_view', T + 1_000); // its restore starts: the event read waits
    await sleep(20);
    void a.svc.persist(); // pagehide
    a.svc.pageRestored(); // pageshow, persisted
    duringRead = async () => void (await a.track('product_view', T + 2_000)); // tracked once the page is back
    release();
    expect((await a.svc.intent()).events).toBe(2);
    expect(a.intents.map((x) => x.events)).toEqual([1, 2]); // old code: []
    expect(a.fired).toEqual(['every', 'every']); // old code: []
    await a.track('add_to_cart', T + 3_000);
    await a.svc.intent();
    expect(a.intents.map((x) => x.events)).toEqual([1, 2, 3]);
    a.svc.dispose();
  });

  it('cached and back again while the re-read answers a late event: the late event is answered once, not again by the next re-read', async () => {
    const { a, on } = await lateAfterRestore();
    // cached and back again while the re-read is under way: during the fired-log write after e3's answer
    on((i) => {
      if (i.events !== 3) return false;
      setTimeout(() => a.svc.pageRestored(), 1);
      return true;
    });
    await a.track('add_to_cart', T + 3_000);
    await a.svc.intent();
    await sleep(20);
    expect(a.intents.map((i) => i.events)).toEqual([2, 3]); // old code: [2, 3, 3] (e2 answered again)
    expect(a.fired).toEqual(['every', 'every']); // old code: fired 3 times
    a.svc.dispose();
  });

  it("cached and back again after the grant's read checked the rules of the events answered while pending: they are not checked again", async () => {
    const inner = createMemoryStore();
    const store = slowMeta(inner);
    let granted = false;
    let onIntent = (_i: Intent) => {};
    // fires on an update whose previous one is the session's start: e1's, checked once its read replayed it
    const fromStart: TriggerRule = { id: 'from-start', when: (_i, prev) => (prev?.events ?? 0) === 0, cap: { perSession: 10 } };
    const a = page(store, 'a', T, [fromStart], {
      store: () => (granted ? Promise.resolve(store) : undefined),
      sessionStart: () => T, // a session another page started: what it fired is unknown until read
      emitIntent: (i) => (a.intents.push(i), onIntent(i)),
    });
    await a.track('page_view', T + 1_000); // consent 'pending': answered, its rules unchecked
    await a.svc.intent();
    expect([a.intents.map((i) => i.events), a.fired]).toEqual([[1], []]);
    granted = true;
    // the grant's read says e1's update again and checks its rules; during the fired-log write the
    // page is cached and back, so e2 (tracked meanwhile) is answered by the next re-read
    onIntent = (i) => {
      if (i.events !== 1) return;
      onIntent = () => {};
      setTimeout(() => a.svc.pageRestored(), 1);
    };
    await a.track('product_view', T + 2_000);
    await a.svc.intent();
    await sleep(20);
    expect(a.intents.map((i) => i.events)).toEqual([1, 1, 2]);
    expect(a.fired).toEqual(['from-start']); // old code: fired again (e1 checked again, from the session's start)
    a.svc.dispose();
  });

  it('cached and back again while the re-read gives its last answer: an event tracked just before is answered by the next re-read', async () => {
    const { a, on } = await lateAfterRestore();
    // the re-read's last answer (e2's): e3 is tracked, then the page is cached and back during the fired-log write
    on((i) => {
      if (i.events !== 2) return false;
      void a.track('add_to_cart', T + 3_000);
      setTimeout(() => a.svc.pageRestored(), 1);
      return true;
    });
    a.svc.wake();
    await sleep(30);
    await a.svc.intent();
    expect(a.intents.map((i) => i.events)).toEqual([2, 3]); // old code: [2] (the abandoned read settled e3 unanswered)
    a.svc.dispose();
  });

  it('before anything was read it changes nothing; the lazy services forward it to the started intent service, and ignore it before', async () => {
    const store = createMemoryStore();
    const a = page(store, 'a', T);
    a.svc.pageRestored(); // no update yet: the first one reads the session anyway
    await a.track('page_view', T + 1_000);
    expect((await a.svc.intent()).events).toBe(1);
    a.svc.dispose();

    const calls: string[] = [];
    const service = { pageRestored: () => calls.push('pageRestored') } as unknown as IntentService;
    const started = { service, onEvent() {}, reset() {}, halt() {}, dispose() {} };
    const lazy = createLazyServices({
      deps: { loadIntentModule: async () => ({ startServices: () => started }) as never },
      opts: resolveOptions({}),
      pageUrl: () => undefined,
      emitter: { emit() {} } as never,
      problem: () => {},
      store: () => undefined,
      sessionId: () => undefined,
      now: () => T,
      flush: async () => {},
      whenIdle: () => {},
      rules: () => [],
      createdAt: T,
      tabId: 't',
    });
    lazy.pageRestored(); // not loaded: nothing to tell
    await lazy.load();
    lazy.pageRestored();
    expect(calls).toEqual(['pageRestored']);
  });
});
