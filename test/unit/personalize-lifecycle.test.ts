// @vitest-environment node
// The personal head and taste across the instance's lifecycle: storage that arrives only when
// consent is granted, a forget from another tab landing mid-run, retention deleting old sessions,
// and automatic runs queued behind manual ones.
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { createIntentService } from '../../src/intent-service';
import { createPersonalizer, PERSONAL_META, type PersonalizeEvent, type StoredPersonalHead } from '../../src/personalize/personalizer';
import { autoDue, endedAfter } from '../../src/personalize/schedule';
import { createRecommendService, TASTE_META, type StoredTaste } from '../../src/recommend-service';
import { factorsKey } from '../../src/recommend/factors';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import { fakePredictor, session, tinyNet } from './personalize-fixture';
import { handSet } from './taste-fixture';

const HOUR = 3_600_000;

/** Sessions that make a run adopt a head (half of them buying). */
async function buyingHistory(store: Store, prefix: string, count = 15, t0 = 0) {
  for (let i = 0; i < count; i++) await store.putEvents(session(`${prefix}${i}`, t0 + i * HOUR, i % 2 ? ['product_view', 'add_to_cart', 'purchase'] : ['product_view', 'product_view', 'add_to_cart']));
}

/** A store whose `method` waits for `release()` on its next call, after calling `entered`. */
function gated(inner: Store, method: 'getMeta' | 'setMeta', entered: () => void) {
  let release!: () => void;
  let armed = true;
  const gate = new Promise<void>((r) => (release = r));
  const store: Store = {
    ...inner,
    [method]: async (...args: unknown[]) => {
      if (armed) {
        armed = false;
        entered();
        await gate;
      }
      return (inner[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    },
  };
  return { store, release };
}

const idleNow = (fn: () => void) => fn();

/** Stores a personal head for `net` (b = 0.3), as an earlier visit's adoption would have. */
async function storedHead(store: Store, net: ReturnType<typeof tinyNet>) {
  const head = { w: new Array(net.H + net.D).fill(0.01), b: 0.3 };
  await store.setMeta(PERSONAL_META, { modelVersion: net.modelVersion, head, previous: null, last: null, endedSessions: 0, at: 1 } satisfies StoredPersonalHead);
}
const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0));
};

describe('personal head: storage that arrives later (consent granted after load)', () => {
  it('is read once storage is there: a later run keeps it as the current head instead of saving over it', async () => {
    const net = tinyNet();
    const store = createMemoryStore();
    await storedHead(store, net);
    let granted = false;
    const p = fakePredictor(net);
    const pers = createPersonalizer({ store: () => (granted ? Promise.resolve(store) : undefined), predictor: async () => p, sessionId: () => 'current', now: () => 5, emit: () => {}, whenIdle: idleNow });
    await pers.restore(p); // consent pending: no storage yet
    expect(p.source).toBe('model');
    granted = true;
    expect((await pers.metrics()).personalized).not.toBeNull(); // scores the stored head
    expect(p.source).toBe('personalized');
    const r = await pers.run(); // too few sessions: skipped, and the stored head stays
    expect(r.skipped).toBeDefined();
    expect((await store.getMeta<StoredPersonalHead>(PERSONAL_META))?.head?.b).toBeCloseTo(0.3, 9);
  });

  it('the intent service puts the stored head in use with the first event after consent is granted', async () => {
    const net = tinyNet();
    const store = createMemoryStore();
    await storedHead(store, net);
    let granted = false;
    const p = fakePredictor(net);
    const svc = createIntentService({ loadPredictor: async () => p, store: () => (granted ? Promise.resolve(store) : undefined), sessionId: () => 's', now: () => 10, emitIntent: () => {}, emitTrigger: () => {}, rules: () => [], problem: () => {}, whenIdle: () => {} });
    expect((await svc.intent()).source).toBe('model');
    granted = true;
    svc.onEvent(session('s', 5_000, ['product_view'])[0]);
    expect((await svc.intent()).source).toBe('personalized');
  });

  it('metrics() of the intent service, asked first, waits for the stored head', async () => {
    const net = tinyNet();
    const store = createMemoryStore();
    await buyingHistory(store, 'm', 4);
    await storedHead(store, net);
    const svc = createIntentService({ loadPredictor: async () => fakePredictor(net), store: () => Promise.resolve(store), sessionId: () => 's', now: () => 10, emitIntent: () => {}, emitTrigger: () => {}, rules: () => [], problem: () => {}, whenIdle: () => {} });
    expect((await svc.metrics()).personalized).not.toBeNull();
  });
});

describe('personal head: a damaged stored record', () => {
  it('is dropped with one warning, and personalization works again at once', async () => {
    const net = tinyNet();
    const store = createMemoryStore();
    await buyingHistory(store, 'd');
    await store.setMeta(PERSONAL_META, { modelVersion: net.modelVersion, head: { w: [1, 2], b: 0 }, previous: null, last: null, endedSessions: 0, at: 1 } satisfies StoredPersonalHead);
    const warnings: string[] = [];
    const p = fakePredictor(net);
    const pers = createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 1e12, emit: () => {}, whenIdle: idleNow, options: { lambda: 1, lambdaBias: 0.1 }, warn: (m) => warnings.push(m) });
    expect((await pers.run()).adopted).toBe(true);
    expect((await pers.metrics()).personalized).not.toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/head\.w/);
    expect((await store.getMeta<StoredPersonalHead>(PERSONAL_META))?.head?.w).toHaveLength(net.H + net.D);
  });
});

describe('personal head: another tab of the same store', () => {
  it("a run starts from the head stored now (another tab's adoption), not the one this page read at load", async () => {
    const net = tinyNet();
    const store = createMemoryStore();
    await buyingHistory(store, 'b');
    const p = fakePredictor(net);
    const pers = createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 1e12, emit: () => {}, whenIdle: idleNow, options: { lambda: 1, lambdaBias: 0.1 } });
    await pers.restore(p); // nothing stored yet
    await storedHead(store, net); // another tab adopts a head
    const r = await pers.run();
    expect(r.before).not.toBeCloseTo(r.base, 9); // judged against the stored head, not the pretrained one
    expect(p.source).toBe('personalized');
  });

  it("rollback() undoes another tab's adoption that this page never read", async () => {
    const net = tinyNet();
    const store = createMemoryStore();
    const p = fakePredictor(net);
    const pers = createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 5, emit: () => {}, whenIdle: idleNow });
    await pers.restore(p);
    await storedHead(store, net);
    expect(await pers.rollback()).toBe(true);
    expect((await store.getMeta<StoredPersonalHead>(PERSONAL_META))?.head).toBeNull();
    expect(p.source).toBe('model');
  });
});

describe('personal head: tabs on different model versions (one loaded before a deploy)', () => {
  /** Tab B on the new model ('tiny-2') adopts a head; tab A, still on the old one ('tiny-1'), loaded before. */
  async function twoVersions() {
    const store = createMemoryStore();
    await buyingHistory(store, 'v');
    const pOld = fakePredictor(tinyNet());
    const pNew = fakePredictor({ ...tinyNet(), modelVersion: 'tiny-2' });
    const events: PersonalizeEvent[] = [];
    const deps = (p: ReturnType<typeof fakePredictor>) => ({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 100 * HOUR, emit: (e: PersonalizeEvent) => events.push(e), whenIdle: idleNow, auto: false, options: { lambda: 1, lambdaBias: 0.1 } });
    const oldTab = createPersonalizer(deps(pOld));
    const newTab = createPersonalizer(deps(pNew));
    await oldTab.restore(pOld);
    await newTab.restore(pNew);
    expect((await newTab.run()).adopted).toBe(true);
    const adopted = await store.getMeta<StoredPersonalHead>(PERSONAL_META);
    expect(adopted?.modelVersion).toBe('tiny-2');
    events.length = 0;
    return { store, oldTab, newTab, pNew, adopted, events };
  }

  it("the old tab's rollback() neither deletes nor undoes the head the new tab adopted, and resolves false", async () => {
    const { store, oldTab, adopted } = await twoVersions();
    expect(await oldTab.rollback()).toBe(false);
    expect(await store.getMeta<StoredPersonalHead>(PERSONAL_META)).toEqual(adopted);
  });

  it("the old tab's run is skipped, saying why, and leaves the new tab's head stored as it was", async () => {
    const { store, oldTab, newTab, pNew, adopted, events } = await twoVersions();
    const r = await oldTab.run();
    expect(r).toMatchObject({ adopted: false, reverted: false });
    expect(r.skipped).toMatch(/another intent model/);
    expect(events.filter((e) => e.status === 'start')).toEqual([]);
    expect(await store.getMeta<StoredPersonalHead>(PERSONAL_META)).toEqual(adopted);
    // the new tab goes on from its own head
    const again = await newTab.run();
    expect(again.before).not.toBeCloseTo(again.base, 9);
    expect(pNew.source).toBe('personalized');
  });

  it('a page load with another model still replaces the stored head', async () => {
    const { store } = await twoVersions();
    const p = fakePredictor(tinyNet());
    await createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 100 * HOUR, emit: () => {}, whenIdle: idleNow }).restore(p);
    expect(await store.getMeta(PERSONAL_META)).toBeUndefined();
    expect(p.source).toBe('model');
  });
});

describe('personal head: a forget (another tab) landing mid-way', () => {
  it('during the run\'s save: the fitted head is not put in use', async () => {
    const net = tinyNet();
    const inner = createMemoryStore();
    await buyingHistory(inner, 'f');
    const p = fakePredictor(net);
    let pers!: ReturnType<typeof createPersonalizer>;
    const { store, release } = gated(inner, 'setMeta', () => void pers.reset(p));
    pers = createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 5, emit: () => {}, whenIdle: idleNow, options: { lambda: 1, lambdaBias: 0.1 } });
    const run = pers.run();
    await settle();
    release();
    await expect(run).rejects.toThrow(/forgotten meanwhile/);
    expect(p.source).toBe('model');
  });

  it('during the restore\'s read: the forgotten head is neither used nor kept for a later run', async () => {
    const net = tinyNet();
    const inner = createMemoryStore();
    await storedHead(inner, net);
    const p = fakePredictor(net);
    let pers!: ReturnType<typeof createPersonalizer>;
    const { store, release } = gated(inner, 'getMeta', () => void pers.reset(p));
    pers = createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 5, emit: () => {}, whenIdle: idleNow });
    const restoring = pers.restore(p);
    await settle();
    release();
    await restoring;
    expect(p.source).toBe('model');
    expect(await pers.rollback()).toBe(false); // nothing was kept to undo
  });
});

describe('automatic runs', () => {
  it('are counted by time, so retention deleting old sessions does not hold them back', () => {
    const s = (id: string, end: number) => ({ id, start: end - 1, end, count: 2, counts: {}, items: [], purchased: false });
    const old = Array.from({ length: 30 }, (_, i) => s(`o${i}`, i * HOUR));
    expect(autoDue(old)).toBe(true); // no run yet
    expect(autoDue(old, { seenUntil: 29 * HOUR, at: 0 })).toBe(false); // the last run saw them all
    // three sessions later, retention deleted the three oldest: the count is the same, the runs are due
    const later = [...old.slice(3), s('n1', 40 * HOUR), s('n2', 41 * HOUR), s('n3', 42 * HOUR)];
    expect(later).toHaveLength(old.length);
    expect(autoDue(later, { seenUntil: 29 * HOUR, at: 0 })).toBe(true);
    expect(autoDue(later.slice(0, -1), { seenUntil: 29 * HOUR, at: 0 })).toBe(false);
  });

  /** Runs once on `store`, lets `between` change it, and returns the events of the automatic check that follows. */
  async function autoAfterRun(store: Store, between: () => Promise<unknown>) {
    const p = fakePredictor(tinyNet());
    const events: PersonalizeEvent[] = [];
    const pers = createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 1e12, emit: (e) => events.push(e), whenIdle: idleNow, options: { lambda: 1, lambdaBias: 0.1 } });
    await pers.run();
    await between();
    events.length = 0;
    pers.maybeAuto();
    await settle();
    return events;
  }

  it('the head: a session recorded while the clock ran ahead does not hold later runs back', async () => {
    const store = createMemoryStore();
    await buyingHistory(store, 'c', 14);
    await buyingHistory(store, 'future', 1, 1e12 + 365 * 24 * HOUR); // a year ahead
    const events = await autoAfterRun(store, () => buyingHistory(store, 'later', 3, 1e12 + HOUR)); // the clock was corrected
    expect(events[0]).toEqual({ status: 'start', reason: 'auto' });
  });

  it('by count, once the last run\'s mark is later than now (a run made while the clock ran ahead, put back since)', () => {
    const s = (id: string, end: number) => ({ id, start: end - 1, end, count: 2, counts: {}, items: [], purchased: false });
    const real = 1e12;
    const ahead = real + 365 * 24 * HOUR;
    const before = [s('a', ahead), s('b', ahead + 1000), s('c', ahead + 2000)];
    const mark = { seenUntil: ahead + 2000, at: ahead + 24 * HOUR, endedSessions: 3 };
    const later = (n: number) => [...before, ...Array.from({ length: n }, (_, i) => s(`n${i}`, real + i * HOUR))];
    expect(autoDue(later(2), mark, real + 10 * HOUR)).toBe(false);
    expect(autoDue(later(3), mark, real + 10 * HOUR)).toBe(true);
    expect(endedAfter(later(3), mark.seenUntil, real + 10 * HOUR, 3).map((x) => x.id)).toEqual(['n0', 'n1', 'n2']);
    // without the clock, or once real time passed the mark, by time as before
    expect(autoDue(later(3), mark)).toBe(false);
    expect(endedAfter(later(3), mark.seenUntil, ahead + 3000, 3)).toEqual([]);
  });

  it('the head: a run made while the clock ran ahead holds neither later runs nor metrics() back once it is put back', async () => {
    const store = createMemoryStore();
    const real = 1e12;
    const ahead = real + 365 * 24 * HOUR;
    await buyingHistory(store, 'r', 12, real - 20 * HOUR);
    await buyingHistory(store, 'a', 3, ahead); // recorded while the clock ran ahead
    let clock = ahead + 24 * HOUR;
    const p = fakePredictor(tinyNet());
    const events: PersonalizeEvent[] = [];
    const pers = createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => clock, emit: (e) => events.push(e), whenIdle: idleNow, options: { lambda: 1, lambdaBias: 0.1 } });
    expect((await pers.run()).adopted).toBe(true); // at the clock ahead
    clock = real + HOUR; // put back; three sessions end
    await buyingHistory(store, 'later', 3, real - 5 * HOUR);
    const m = await pers.metrics();
    expect(m.personalized).toMatchObject({ n: 3 }); // the three sessions since the fit, which it never saw
    expect(m.globalSinceFit).toMatchObject({ n: 3 });
    events.length = 0;
    pers.maybeAuto();
    await settle();
    expect(events[0]).toEqual({ status: 'start', reason: 'auto' });
  });

  it('the head: one that retention made look like nothing new still runs', async () => {
    const store = createMemoryStore();
    await buyingHistory(store, 'k', 15);
    // retention deletes the three oldest sessions; three new ones end
    const events = await autoAfterRun(store, async () => {
      await store.prune({ maxEvents: Infinity, before: 3 * HOUR });
      await buyingHistory(store, 'n', 3, 100 * HOUR);
    });
    expect(events[0]).toEqual({ status: 'start', reason: 'auto' });
  });

  it('the head: an automatic run queued behind a manual one that covered the same sessions does nothing', async () => {
    const net = tinyNet();
    const store = createMemoryStore();
    await buyingHistory(store, 'q', 15);
    const p = fakePredictor(net);
    const events: PersonalizeEvent[] = [];
    const idle: Array<() => void> = [];
    const pers = createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 1e12, emit: (e) => events.push(e), whenIdle: (fn) => idle.push(fn), options: { lambda: 1, lambdaBias: 0.1 } });
    pers.maybeAuto();
    const manual = pers.run();
    for (const fn of idle.splice(0)) fn(); // the automatic check sees the run not done yet
    await manual;
    await settle();
    expect(events.filter((e) => e.status === 'start')).toEqual([{ status: 'start', reason: 'manual' }]);
  });
});

describe('taste: storage later, forget mid-way', () => {
  const ev = (i: number, sessionId: string, itemId: string): HunchEvent => ({ id: `t${i}`, type: 'purchase', ts: 1000 + i, sessionId, itemId });

  it('a taste stored on an earlier visit is read once consent is granted, and a run does not save over it', async () => {
    const { model } = handSet();
    const store = createMemoryStore();
    await store.putEvents([ev(1, 's1', 'b1'), ev(2, 'open', 'x')]);
    await store.setMeta(TASTE_META, { factors: factorsKey(model.factors!), taste: [0.5, 1], previous: null, last: null, endedSessions: 1, at: 1 } satisfies StoredTaste);
    let granted = false;
    const svc = createRecommendService({ url: '/m', store: () => (granted ? Promise.resolve(store) : undefined), flush: async () => {}, loadModel: async () => model, sessionId: () => 'open' });
    const plain = (await svc.recommend({ k: 6 })).map((r) => r.itemId);
    granted = true;
    expect((await svc.recommend({ k: 6 })).map((r) => r.itemId)).not.toEqual(plain); // ranked with the stored taste
    expect((await svc.personalize()).skipped).toBeDefined(); // too few items
    expect((await store.getMeta<StoredTaste>(TASTE_META))?.taste).toEqual([0.5, 1]);
  });

  it('a forget during the restore\'s read keeps nothing of the forgotten taste', async () => {
    const { model } = handSet();
    const inner = createMemoryStore();
    await inner.setMeta(TASTE_META, { factors: factorsKey(model.factors!), taste: [0.5, 1], previous: null, last: null, endedSessions: 1, at: 1 } satisfies StoredTaste);
    let svc!: ReturnType<typeof createRecommendService>;
    const { store, release } = gated(inner, 'getMeta', () => svc.reset());
    svc = createRecommendService({ url: '/m', store: () => Promise.resolve(store), flush: async () => {}, loadModel: async () => model, sessionId: () => 'open' });
    const loading = svc.load();
    await settle();
    release();
    await loading;
    expect(await svc.rollback()).toBe(false); // nothing was kept to undo
  });
});
