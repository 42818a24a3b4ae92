import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hunch } from '../../src/api';
import type { HunchEvent } from '../../src/events';
import { createHunch, type HunchDeps } from '../../src/hunch';
import type { TabChannel } from '../../src/deps';
import type { LazyServicesDeps } from '../../src/lazy-services';
import { startServices, type ServiceFactories } from '../../src/start-services';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';

const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
  document.body.innerHTML = '';
  document.head.innerHTML = '';
  localStorage.clear();
});

async function make(opts: Parameters<typeof createHunch>[0] = {}, deps: HunchDeps = {}) {
  const store = createMemoryStore();
  const openStore = vi.fn(async () => store);
  const h = await createHunch(opts, { openStore, window, whenIdle: () => {}, ...deps });
  instances.push(h);
  return { h, store, openStore };
}

const types = (events: HunchEvent[]) => events.map((e) => e.type);

/** A stand-in for the lazily loaded intent module: its real service wiring over stub services. */
function stubModule(createIntentService: (d: never) => unknown, createRecommendService?: (d: never) => unknown) {
  const f = { createIntentService, createRecommendService, loadModelPredictor: () => Promise.reject(new Error('no model in this test')) } as unknown as ServiceFactories;
  return { startServices: (d: LazyServicesDeps) => startServices(d, f) } as unknown as Awaited<ReturnType<NonNullable<HunchDeps['loadIntentModule']>>>;
}

/** A memory store whose writes hang until `release()`, as a transaction does while the browser tears the page down. */
/** A store that calls itself IndexedDB and rejects every write while `state.fail` is on, as a broken disk does. */
function flakyStore(fail: boolean) {
  const inner = createMemoryStore();
  const state = { fail };
  const flaky: Store = { ...inner, kind: 'indexeddb', putEvents: (list) => (state.fail ? Promise.reject(Object.assign(new Error('disk'), { name: 'UnknownError' })) : inner.putEvents(list)) };
  /** The next page load, with IndexedDB working again: it writes what was spilled; returns what the store holds. */
  const nextLoad = async () => {
    state.fail = false;
    const { h } = await make({}, { openStore: async () => flaky, localStorage });
    await h.flush();
    return (await inner.getEvents()).map((e) => e.itemId);
  };
  return { inner, flaky, state, nextLoad };
}

function gatedStore() {
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const inner = createMemoryStore();
  const slow: Store = { ...inner, putEvents: async (list) => (await gate, inner.putEvents(list)) };
  return { slow, release };
}


describe('createHunch', () => {
  it('rejects invalid options with a TypeError naming the option', async () => {
    await expect(createHunch({ sessionTimeoutMinutes: -1 })).rejects.toThrow(/sessionTimeoutMinutes/);
  });

  it.each([undefined, false])('passes personalize.auto = %s on to the intent and recommendation services', async (auto) => {
    const seen: Array<[string, boolean | undefined]> = [];
    const stub = { onEvent: () => {}, intent: async () => null, persist: async () => {}, dispose: () => {}, reset: () => {}, halt: () => {}, wake: () => {} } as unknown;
    const loadIntentModule = async () =>
      stubModule(
        (d: { autoPersonalize?: boolean }) => (seen.push(['intent', d.autoPersonalize]), stub),
        (d: { autoPersonalize?: boolean }) => (seen.push(['recommend', d.autoPersonalize]), stub),
      );
    const { h } = await make({ recommend: { url: '/m/manifest.json' }, ...(auto === undefined ? {} : { personalize: { auto } }) }, { loadIntentModule });
    await h.intent();
    expect(seen).toEqual([
      ['intent', auto ?? true],
      ['recommend', auto ?? true],
    ]);
  });

  it('tracks synchronously, stores on flush, exports plain JSON', async () => {
    const { h, store } = await make();
    h.track('product_view', { itemId: 'a', price: 10 });
    h.track('add_to_cart', { itemId: 'a', price: 10 });
    expect(await store.countEvents()).toBe(0); // nothing written inside the task
    await h.flush();
    const data = await h.export();
    expect(types(data.events)).toEqual(['product_view', 'add_to_cart']);
    expect(data.events[1].quantity).toBe(1);
    expect(data.sessions).toHaveLength(1);
    expect(data.sessions[0].count).toBe(2);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(h.storage).toBe('memory'); // the injected store is a memory store
  });

  it('throws a TypeError for bad events and stores nothing for them', async () => {
    const { h } = await make();
    expect(() => h.track('nope' as never)).toThrow(TypeError);
    expect(() => h.track('purchase', { price: NaN })).toThrow(/"price"/);
    await h.flush();
    expect((await h.export()).events).toHaveLength(0);
  });

  it('splits sessions after the inactivity timeout', async () => {
    let t = 1_000_000;
    const sessions: string[] = [];
    const { h } = await make({ sessionTimeoutMinutes: 30 }, { now: () => t });
    h.on('session', (s) => sessions.push(s.reason));
    h.track('page_view');
    t += 29 * 60_000;
    h.track('page_view');
    t += 31 * 60_000;
    h.track('page_view');
    await h.flush();
    const { events } = await h.export();
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(2);
    expect(sessions).toEqual(['start', 'timeout']);
  });

  it("pruning at start removes a previous session older than retention.days (it has timed out, so it is not the current one)", async () => {
    const DAY = 86_400_000;
    let t = 1_000 * DAY;
    const store = createMemoryStore();
    const first = await createHunch({ retention: { days: 90 } }, { openStore: async () => store, window, whenIdle: () => {}, now: () => t });
    first.track('product_view', { itemId: 'old' });
    await first.dispose();
    t += 100 * DAY;
    const { h } = await make({ retention: { days: 90 } }, { openStore: async () => store, now: () => t });
    await h.flush();
    await vi.waitFor(async () => expect(await store.countEvents()).toBe(0));
    h.track('product_view', { itemId: 'new' });
    await h.flush();
    expect((await store.getEvents()).map((e) => e.itemId)).toEqual(['new']);
  });

  it('a reload within the timeout continues the session: activity held back by the pointer write slack is written at pagehide', async () => {
    let t = 5_000_000;
    const { h } = await make({}, { now: () => t });
    h.track('page_view');
    t += 4_000; // within the slack: not written yet
    h.track('product_view', { itemId: 'a' });
    window.dispatchEvent(new Event('pagehide'));
    const stored = JSON.parse(localStorage.getItem('hunch:hunch:session') ?? '{}');
    expect(stored.last).toBe(t);
    t += 30 * 60_000 - 2_000; // 29 min 58 s after the last event: still the same session
    const { h: next } = await make({}, { now: () => t });
    const reasons: string[] = [];
    next.on('session', (s) => reasons.push(s.reason));
    next.track('page_view');
    await next.flush();
    expect(reasons).toEqual([]);
    expect(new Set((await next.export()).events.map((e) => e.sessionId)).size).toBe(1);
  });

  it('dispose() is one teardown however often it is called, and completes when its last write fails', async () => {
    const store = createMemoryStore();
    const failing: Store = { ...store, putEvents: async () => Promise.reject(new Error('disk gone')) };
    const disposedService = vi.fn();
    const stub = { onEvent: () => {}, intent: async () => null, persist: async () => Promise.reject(new Error('disk gone')), dispose: disposedService, reset: () => {}, halt: () => {}, wake: () => {} };
    const { h } = await make({}, { openStore: async () => failing, loadIntentModule: async () => stubModule(() => stub) });
    const warnings: string[] = [];
    h.on('warning', (p) => warnings.push(p.code));
    await h.intent().catch(() => {});
    h.track('page_view');
    const a = h.dispose();
    const b = h.dispose();
    expect(b).toBe(a);
    await a; // resolves: a failing last write is said, not thrown at the page
    expect(warnings).toContain('dispose');
    expect(disposedService).toHaveBeenCalledTimes(1);
    await expect(h.intent()).rejects.toThrow(/disposed/);
  });

  it('a failed load of the intent module is not forever: the next call loads it again', async () => {
    const problems: string[] = [];
    const stub = { onEvent: () => {}, intent: async () => ({ purchase: 0.5 }), persist: async () => {}, dispose: () => {}, reset: () => {}, halt: () => {}, wake: () => {} };
    const loadIntentModule = vi.fn().mockRejectedValueOnce(new Error('network blip')).mockResolvedValue(stubModule(() => stub));
    const { h } = await make({}, { loadIntentModule });
    h.on('error', (p) => problems.push(p.code));
    await expect(h.intent()).rejects.toThrow(/network blip/);
    expect(await h.intent()).toEqual({ purchase: 0.5 });
    expect(loadIntentModule).toHaveBeenCalledTimes(2);
    expect(problems).toEqual(['intent-module']);
  });

  it("a lazy half of another version than the script that loads it is refused, saying which (an unversioned CDN URL can pair a cached script with a newer half)", async () => {
    const problems: string[] = [];
    const created = vi.fn(() => ({ onEvent: () => {}, intent: async () => ({ purchase: 0.5 }), persist: async () => {}, dispose: () => {}, reset: () => {}, halt: () => {}, wake: () => {} }));
    const { h } = await make({}, { loadIntentModule: async () => stubModule(created), version: '0.0.1-older' });
    h.on('error', (p) => problems.push(`${p.code}: ${p.message}`));
    await expect(h.intent()).rejects.toThrow(/hunch-intent\.js is version .*, the script that loaded it 0\.0\.1-older/);
    expect(created).not.toHaveBeenCalled(); // nothing of the other version runs
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^intent-module: /);
  });

  it('forget() whose database deletion fails (blocked) still drops what the page holds and the local keys, tells the other tabs, and rejects saying so', async () => {
    const store = createMemoryStore();
    const blocked: Store = { ...store, destroy: async () => Promise.reject(new Error('deleting IndexedDB "hunch" timed out after 5000 ms')) };
    const sent: unknown[] = [];
    const channel = () => ({ postMessage: (m: unknown) => sent.push(m), close: () => {}, onmessage: null }) as unknown as TabChannel;
    const { h } = await make({}, { openStore: async () => blocked, channel });
    const forgot: number[] = [];
    h.on('forget', () => forgot.push(1));
    h.track('product_view', { itemId: 'a' });
    await h.flush();
    expect(localStorage.getItem('hunch:hunch:session')).not.toBeNull();
    await expect(h.forget()).rejects.toThrow(/timed out/);
    expect(localStorage.getItem('hunch:hunch:session')).toBeNull();
    expect(forgot).toHaveLength(1);
    expect(sent).toContainEqual({ forget: expect.any(Number) });
  });

  it("consent 'denied' at start whose deletion fails: createHunch still resolves (one storage-erase error), and nothing is stored", async () => {
    const { h, store } = await make({ consent: 'denied' }, { deleteStore: async () => Promise.reject(new Error('blocked')) });
    const errors: Array<{ code: string; message: string }> = [];
    h.on('error', (p) => errors.push(p));
    h.track('page_view');
    await h.flush();
    await new Promise((r) => setTimeout(r, 0)); // problems found during creation are said on the next task
    expect(await store.countEvents()).toBe(0);
    expect(errors).toEqual([{ code: 'storage-erase', message: expect.stringMatching(/could not delete the stored data: blocked/) }]);
  });

  it("consent('denied') whose deletion fails still tells the other tabs, says 'consent', and stores nothing more", async () => {
    const store = createMemoryStore();
    const blocked: Store = { ...store, destroy: async () => Promise.reject(new Error('deleting IndexedDB "hunch" timed out after 5000 ms')) };
    const sent: unknown[] = [];
    const channel = () => ({ postMessage: (m: unknown) => sent.push(m), close: () => {}, onmessage: null }) as unknown as TabChannel;
    const { h } = await make({}, { openStore: async () => blocked, channel });
    const consents: string[] = [];
    h.on('consent', (c) => consents.push(c));
    h.track('page_view');
    await h.flush();
    await expect(h.consent('denied')).rejects.toThrow(/timed out/);
    expect(sent).toContainEqual({ consent: 'denied' });
    expect(consents).toEqual(['denied']);
    expect(h.consentState).toBe('denied');
    h.track('page_view');
    await h.flush();
    expect(localStorage.getItem('hunch:hunch:session')).toBeNull();
  });

  it('a page closed while forget() deletes the database does not write the forgotten session back', async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const store = createMemoryStore();
    const slow: Store = { ...store, destroy: async () => (await gate, store.destroy()) };
    let t = 1_000_000;
    const { h } = await make({}, { openStore: async () => slow, now: () => t });
    h.track('page_view');
    t += 3000; // within the pointer's write slack
    h.track('page_view');
    const f = h.forget();
    await new Promise((r) => setTimeout(r, 0));
    window.dispatchEvent(new Event('pagehide')); // the page goes away while the deletion runs
    expect(localStorage.getItem('hunch:hunch:session')).toBeNull();
    release();
    await f;
  });

  it('a load that fails after the intent module arrived (a half of another version) leaves no service running and is not retried forever', async () => {
    let created = 0;
    let disposed = 0;
    const stub = { onEvent: () => {}, intent: async () => null, persist: async () => {}, dispose: () => void disposed++, reset: () => {}, halt: () => {}, wake: () => {} };
    const loadIntentModule = vi.fn(async () => stubModule(() => (created++, stub), () => stub));
    const { h } = await make({ recommend: { url: '/m/manifest.json' } }, { loadIntentModule, version: '0.0.0-other' });
    for (let i = 0; i < 3; i++) await expect(h.intent()).rejects.toThrow(/version/);
    expect(loadIntentModule).toHaveBeenCalledTimes(1);
    expect(created - disposed).toBe(0);
  });

  it.each([
    [{ recommend: { url: 'http://[::1' } }, /^hunch: option "recommend\.url" must be a URL \(got "http:\/\/\[::1"\)/],
    [{ model: { url: 'http://[' } }, /^hunch: option "model\.url" must be a URL/],
  ])('a malformed URL option %o rejects createHunch with a TypeError naming it, before anything starts', async (opts, msg) => {
    const openStore = vi.fn(async () => createMemoryStore());
    const p = createHunch(opts, { openStore, window, whenIdle: () => {} });
    await expect(p).rejects.toThrow(TypeError);
    await expect(p).rejects.toThrow(msg);
    expect(openStore).not.toHaveBeenCalled();
  });

  it('a recommendation service that cannot start leaves intent, its events and triggers running; recommend() rejects naming recommend.url', async () => {
    const problems: string[] = [];
    let recsCreated = 0;
    const intentStub = { onEvent: () => {}, intent: async () => 'INTENT', persist: async () => {}, dispose: () => {}, reset: () => {}, halt: () => {}, wake: () => {} };
    const f = { createIntentService: () => intentStub, createRecommendService: () => (recsCreated++, {}), loadModelPredictor: () => Promise.reject(new Error('none')) } as unknown as ServiceFactories;
    const emitter = { emit: () => {} };
    // a page whose URL no longer resolves a relative URL when the half loads (validated against another at createHunch)
    const d = { deps: {}, opts: { dbName: 'x', model: { enabled: false }, personalize: { auto: false }, recommend: { url: '/m/manifest.json' } }, pageUrl: () => 'about:blank', emitter, problem: (_k: string, code: string) => problems.push(code) } as unknown as LazyServicesDeps;
    const started = startServices(d, f);
    expect(started.service).toBe(intentStub);
    expect(started.recs).toBeUndefined();
    expect(recsCreated).toBe(0);
    expect(await started.intent()).toBe('INTENT');
    await expect(started.recommend({ k: 3 })).rejects.toThrow(/option "recommend\.url" must be a URL \(got "\/m\/manifest\.json"\)/);
    expect(problems).toEqual(['recommend-setup']);
  });

  it("consent 'denied' at start, then granted: the intent half loads at idle time as at a start with that consent (intent events, triggers), not only on intent()", async () => {
    const idle: Array<() => void> = [];
    const stub = { onEvent: () => {}, intent: async () => null, persist: async () => {}, dispose: () => {}, reset: () => {}, halt: () => {}, wake: () => {} };
    const loadIntentModule = vi.fn(async () => stubModule(() => stub));
    const { h } = await make({ consent: 'denied' }, { whenIdle: (fn) => idle.push(fn), loadIntentModule });
    expect(idle).toHaveLength(0);
    await h.consent('pending');
    expect(idle).toHaveLength(1);
    await h.consent('granted'); // from pending: scheduled already
    expect(idle).toHaveLength(1);
    idle[0]();
    await new Promise((r) => setTimeout(r, 0));
    expect(loadIntentModule).toHaveBeenCalledTimes(1);
  });

  it("consent() with the state it is in already emits no 'consent' and tells no other tab; a repeated 'denied' still erases", async () => {
    const sent: unknown[] = [];
    const channel = () => ({ postMessage: (m: unknown) => sent.push(m), close: () => {}, onmessage: null }) as unknown as TabChannel;
    const deleteStore = vi.fn(async () => {});
    const { h } = await make({}, { channel, deleteStore });
    const seen: string[] = [];
    h.on('consent', (c) => seen.push(c));
    await h.consent('granted');
    await h.consent('granted');
    expect(seen).toEqual([]);
    expect(sent).toEqual([]);
    await h.consent('pending');
    await h.consent('pending');
    expect(seen).toEqual(['pending']);
    expect(sent).toEqual([{ consent: 'pending' }]);
    await h.consent('denied');
    h.track('page_view'); // not stored (denied), but a replayed denial erases again all the same
    await h.consent('denied');
    expect(seen).toEqual(['pending', 'denied']);
    expect(sent.filter((m) => (m as { consent?: string }).consent === 'denied')).toHaveLength(2);
    expect(sent.filter((m) => 'forget' in (m as object))).toHaveLength(2);
  });

  it('pending consent stores nothing and never opens storage; granting stores what was held', async () => {
    const { h, openStore, store } = await make({ consent: 'pending' });
    h.track('product_view', { itemId: 'x' });
    await h.flush();
    expect(openStore).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
    await h.consent('granted');
    expect(await store.countEvents()).toBe(1);
  });

  it('denied consent erases and stores nothing', async () => {
    const { h, store } = await make();
    h.track('product_view', { itemId: 'x' });
    await h.flush();
    await h.consent('denied');
    h.track('product_view', { itemId: 'y' });
    await h.flush();
    expect(await store.countEvents()).toBe(0);
    expect(localStorage.length).toBe(0);
    await expect(h.consent('maybe' as never)).rejects.toThrow(/"consent"/);
  });

  it('falls back to memory when storage cannot open, saying so once', async () => {
    const warnings: string[] = [];
    const h = await createHunch({}, { window, whenIdle: () => {}, openStore: () => Promise.reject(new Error('blocked')) });
    instances.push(h);
    h.on('warning', (w) => warnings.push(w.code));
    h.track('page_view');
    await h.flush();
    await new Promise((r) => setTimeout(r, 0));
    expect(warnings).toEqual(['storage-fallback']);
    expect(h.storage).toBe('memory');
    expect((await h.export()).events).toHaveLength(1);
  });

  it('moves to memory without losing a batch when a write fails', async () => {
    const broken: Store = { ...createMemoryStore(), kind: 'indexeddb', putEvents: () => Promise.reject(Object.assign(new Error('gone'), { name: 'UnknownError' })) };
    const errors: string[] = [];
    const { h } = await make({}, { openStore: async () => broken });
    h.on('error', (e) => errors.push(e.code));
    for (let i = 0; i < 5; i++) h.track('product_view', { itemId: `i${i}` });
    await h.flush();
    expect(errors).toEqual(['storage-write']);
    expect(h.storage).toBe('memory');
    expect((await h.export()).events).toHaveLength(5);
  });

  it('export() after a failed write moved storage to memory still shows what IndexedDB holds from before', async () => {
    const { flaky, state } = flakyStore(false);
    const { h } = await make({}, { openStore: async () => flaky });
    h.track('product_view', { itemId: 'before' });
    await h.flush();
    state.fail = true;
    h.track('product_view', { itemId: 'after' });
    await h.flush();
    expect(h.storage).toBe('memory');
    const out = await h.export();
    expect(out.events.map((e) => e.itemId)).toEqual(['before', 'after']);
    expect(out.sessions).toHaveLength(1);
    expect(out.sessions[0].count).toBe(2);
  });

  it('events kept in memory after a failed write are spilled at pagehide and written to IndexedDB by the next load', async () => {
    const { flaky, state, nextLoad } = flakyStore(false);
    const { h } = await make({}, { openStore: async () => flaky, localStorage });
    h.track('product_view', { itemId: 'stored' });
    await h.flush();
    state.fail = true;
    h.track('product_view', { itemId: 'failed' }); // this batch fails: storage moves to memory
    await h.flush();
    h.track('add_to_cart', { itemId: 'later' }); // written to memory
    await h.flush();
    expect(h.storage).toBe('memory');
    window.dispatchEvent(new Event('pagehide'));
    const keys = () => Object.keys(localStorage).filter((k) => k.includes(':spill:'));
    expect(keys()).toHaveLength(1);
    // the spill stays after the (memory) flush confirms: only the page's memory holds these
    await h.flush();
    await Promise.resolve();
    expect(JSON.parse(localStorage.getItem(keys()[0])!).map((e: HunchEvent) => e.itemId)).toEqual(['failed', 'later']);
    await h.dispose();
    // the next load, with IndexedDB working again, writes them once
    expect(await nextLoad()).toEqual(['stored', 'failed', 'later']);
    expect(keys()).toEqual([]);
  });

  it('dispose() after a failed write spills what only memory holds, for the next load', async () => {
    const { flaky, nextLoad } = flakyStore(true);
    const { h } = await make({}, { openStore: async () => flaky, localStorage });
    h.track('product_view', { itemId: 'kept' });
    await h.dispose();
    expect(await nextLoad()).toEqual(['kept']);
  });

  it('forget() drops the events kept in memory after a failed write: nothing is spilled for them', async () => {
    const { flaky } = flakyStore(true);
    const { h } = await make({}, { openStore: async () => flaky, localStorage, deleteStore: async () => {} });
    h.track('product_view', { itemId: 'secret' });
    await h.flush();
    expect(h.storage).toBe('memory');
    await h.forget();
    window.dispatchEvent(new Event('pagehide'));
    expect(Object.keys(localStorage).filter((k) => k.includes(':spill:'))).toEqual([]);
  });

  it('forget() while a failing write is in flight: the batch is neither retried in a reopened database, nor kept in memory, nor spilled', async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let puts = 0;
    const flaky: Store = { ...createMemoryStore(), kind: 'indexeddb', putEvents: async () => (puts++, await gate, Promise.reject(Object.assign(new Error('disk'), { name: 'UnknownError' }))) };
    const openStore = vi.fn(async () => flaky);
    const { h } = await make({}, { openStore, localStorage, deleteStore: async () => {} });
    const errors: string[] = [];
    h.on('error', (e) => errors.push(e.code));
    h.track('product_view', { itemId: 'secret' });
    for (let i = 0; i < 3; i++) await Promise.resolve(); // the batch reaches the store's write
    expect(puts).toBe(1);
    const forgetting = h.forget();
    release(); // …and fails once forget() has begun
    await forgetting;
    await new Promise((r) => setTimeout(r, 20));
    window.dispatchEvent(new Event('pagehide'));
    expect(Object.keys(localStorage).filter((k) => k.includes(':spill:'))).toEqual([]);
    expect(openStore).toHaveBeenCalledTimes(1); // no reopen to retry in: that would create the database again
    expect(puts).toBe(1);
    expect(errors).toEqual([]); // no fall-back to memory either
    expect((await h.export()).events).toEqual([]);
  });

  it("an earlier page's spill is carried on when IndexedDB does not open on this load, and written by the next load that has it", async () => {
    const t = Date.now();
    localStorage.setItem('hunch:hunch:spill:deadtab', JSON.stringify([{ id: 'x-1', type: 'product_view', ts: t, sessionId: 's', itemId: 'kept' }]));
    const { h } = await make({}, { openStore: () => Promise.reject(new Error('no IndexedDB here')), localStorage });
    h.track('product_view', { itemId: 'this-page' }); // IndexedDB unavailable: kept for this page only, as documented
    await h.flush();
    window.dispatchEvent(new Event('pagehide'));
    await h.dispose();
    const inner = createMemoryStore();
    const { h: next } = await make({}, { openStore: async () => inner, localStorage });
    await next.flush();
    expect((await inner.getEvents()).map((e) => e.itemId)).toEqual(['kept']);
  });

  it('prunes and retries on QuotaExceededError, keeping the current session', async () => {
    const inner = createMemoryStore();
    let failures = 1;
    const prune = vi.fn(inner.prune);
    const quota: Store = {
      ...inner,
      prune,
      putEvents(list) {
        if (failures-- > 0) return Promise.reject(Object.assign(new Error('full'), { name: 'QuotaExceededError' }));
        return inner.putEvents(list);
      },
    };
    await inner.putEvents([{ id: 'old-1', type: 'page_view', ts: 1, sessionId: 'old' }]);
    const { h } = await make({}, { openStore: async () => quota });
    h.track('add_to_cart', { itemId: 'a' });
    await h.flush();
    expect(prune).toHaveBeenCalled();
    expect(prune.mock.calls.at(-1)![0].keepSession).toBe(h.sessionId);
    expect((await inner.getEvents({ sessionId: h.sessionId })).map((e) => e.type)).toEqual(['add_to_cart']);
  });

  it('spills a batch still in flight at pagehide to localStorage, written again by the next instance', async () => {
    const { slow, release } = gatedStore();
    const { h } = await make({}, { openStore: async () => slow, localStorage });
    for (let i = 0; i < 3; i++) h.track('product_view', { itemId: `f${i}` });
    await Promise.resolve();
    window.dispatchEvent(new Event('pagehide'));
    const spilled = Object.keys(localStorage).filter((k) => k.includes(':spill:'));
    expect(spilled).toHaveLength(1);
    expect(JSON.parse(localStorage.getItem(spilled[0])!).map((e: HunchEvent) => e.itemId)).toEqual(['f0', 'f1', 'f2']);
    // the page lives on (bfcache, or the commit won the race): the confirmed write removes the spill
    release();
    await h.flush();
    await vi.waitFor(() => expect(Object.keys(localStorage).filter((k) => k.includes(':spill:'))).toEqual([]));

    // the page died first: the next instance writes the spill once (ids are keys)
    const fresh: Store = { ...createMemoryStore(), kind: 'indexeddb' }; // (a memory store would carry the spilled events on as only memory holds them)
    const t = Date.now() - 1000;
    await fresh.putEvents([{ id: 'x-1', type: 'page_view', ts: t, sessionId: 's' }]);
    localStorage.setItem('hunch:hunch:spill:deadtab', JSON.stringify([{ id: 'x-1', type: 'page_view', ts: t, sessionId: 's' }, { id: 'x-2', type: 'add_to_cart', ts: t + 1, sessionId: 's', itemId: 'a' }]));
    const { h: next } = await make({}, { openStore: async () => fresh, localStorage });
    await next.flush();
    expect((await fresh.getEvents()).map((e) => e.id)).toEqual(['x-1', 'x-2']);
    expect(Object.keys(localStorage).filter((k) => k.includes(':spill:'))).toEqual([]);
  });

  it("spills the page's last dwell too: capture's pagehide records it before the lifecycle's spill", async () => {
    const { slow, release } = gatedStore();
    let t = Date.now();
    const { h } = await make({ autoCapture: true }, { openStore: async () => slow, localStorage, now: () => t });
    t += 5_000; // five seconds on the page
    window.dispatchEvent(new Event('pagehide'));
    const spilled = Object.keys(localStorage).filter((k) => k.includes(':spill:'));
    expect(spilled).toHaveLength(1);
    const events: HunchEvent[] = JSON.parse(localStorage.getItem(spilled[0])!);
    expect(events.map((e) => e.type)).toEqual(['page_view', 'dwell']);
    expect(events[1].dwellMs).toBe(5_000);
    release();
    await h.dispose();
  });

  it('does not spill at pagehide while forget() runs (its batches are about to be erased)', async () => {
    const { slow, release } = gatedStore();
    const { h } = await make({}, { openStore: async () => slow, localStorage });
    h.track('product_view', { itemId: 'secret' });
    await Promise.resolve();
    const forgetting = h.forget();
    window.dispatchEvent(new Event('pagehide'));
    const spilled = Object.keys(localStorage).filter((k) => k.includes(':spill:'));
    release();
    await forgetting;
    expect(spilled).toEqual([]);
    expect(localStorage.length).toBe(0);
  });

  it('isolates throwing listeners', async () => {
    const { h } = await make();
    const seen: string[] = [];
    const errors: string[] = [];
    h.on('error', (e) => errors.push(e.code));
    h.on('event', () => {
      throw new Error('listener bug');
    });
    h.on('event', (e) => seen.push(e.type));
    expect(() => h.track('page_view')).not.toThrow();
    expect(seen).toEqual(['page_view']);
    expect(errors).toEqual(['listener']);
  });

  it('a listener cannot change what is stored: the event it gets is frozen (a write throws, reported as a listener error)', async () => {
    const { h, store } = await make();
    const errors: string[] = [];
    h.on('error', (e) => errors.push(e.code));
    h.on('event', (e) => {
      (e as { itemId?: string }).itemId = 'call me +1 415 555 0100';
      (e as { email?: string }).email = 'jane.doe@example.com';
    });
    h.track('product_view', { itemId: 'sku-1' });
    await h.flush();
    const [stored] = await store.getEvents();
    expect(stored.itemId).toBe('sku-1');
    expect(stored).not.toHaveProperty('email');
    expect(errors).toEqual(['listener']);
  });

  it("an async listener's rejection, and a throw of a value that cannot be printed, are listener errors: the other listeners still run and track() never throws", async () => {
    const { h } = await make();
    const errors: string[] = [];
    const seen: string[] = [];
    h.on('error', (e) => errors.push(`${e.code}: ${e.message}`));
    h.on('event', () => {
      throw Object.create(null);
    });
    h.on('event', (e) => seen.push(e.type));
    expect(() => h.track('page_view')).not.toThrow();
    expect(seen).toEqual(['page_view']);
    expect(errors).toHaveLength(1);
    const other = (await make()).h;
    const problems: string[] = [];
    other.on('error', (e) => problems.push(e.code));
    other.on('event', async () => Promise.reject(new Error('async listener bug')));
    other.track('page_view');
    await new Promise((r) => setTimeout(r, 0));
    expect(problems).toEqual(['listener']);
  });

  it('track() inside an event listener: the model hears the events in the order they are stored', async () => {
    const heard: string[] = [];
    const stub = { onEvent: (e: HunchEvent) => heard.push(e.type), intent: async () => null, persist: async () => {}, dispose: () => {}, reset: () => {}, halt: () => {}, wake: () => {} };
    const { h, store } = await make({}, { loadIntentModule: async () => stubModule(() => stub) });
    await h.intent();
    h.on('event', (e) => {
      if (e.type === 'add_to_cart') h.track('begin_checkout');
    });
    h.track('add_to_cart', { itemId: 'a' });
    await h.flush();
    expect(types(await store.getEvents())).toEqual(['add_to_cart', 'begin_checkout']);
    expect(heard).toEqual(['add_to_cart', 'begin_checkout']);
  });

  it('forget() erases the store and local keys', async () => {
    const destroyed = vi.fn();
    const inner = createMemoryStore();
    const { h } = await make({}, { openStore: async () => ({ ...inner, destroy: async () => (destroyed(), inner.destroy()) }), localStorage });
    h.track('page_view');
    await h.flush();
    expect(localStorage.length).toBeGreaterThan(0);
    await h.forget();
    expect(destroyed).toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
    expect(await inner.countEvents()).toBe(0);
  });
});

/** An in-memory BroadcastChannel: messages go to the other open channels of the same name, a task later. */
function channelBus() {
  const open = new Map<string, Set<TabChannel>>();
  return (name: string): TabChannel => {
    const peers = open.get(name) ?? open.set(name, new Set()).get(name)!;
    const me: TabChannel = {
      onmessage: null,
      postMessage: (data) => peers.forEach((p) => p !== me && setTimeout(() => p.onmessage?.({ data }), 0)),
      close: () => peers.delete(me),
    };
    peers.add(me);
    return me;
  };
}
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('forget, dispose and export at the edges', () => {
  it('another tab deleting the database (its forget) makes this instance drop what it holds: nothing old is written back', async () => {
    let hooks: { deleted(): void } | undefined;
    const store = createMemoryStore();
    const { h } = await make({}, { openStore: async (_name, x) => ((hooks = x), store), localStorage });
    const forgets: unknown[] = [];
    h.on('forget', () => forgets.push(1));
    h.track('product_view', { itemId: 'SECRET' });
    await h.flush();
    const before = h.sessionId;
    h.track('add_to_cart', { itemId: 'SECRET' }); // tracked, not yet written when the other tab deletes
    hooks!.deleted(); // the other tab's forget, announced to this connection before the database goes…
    await store.destroy(); // …and done
    await h.flush();
    expect(forgets).toHaveLength(1);
    expect(await store.countEvents()).toBe(0);
    h.track('product_view', { itemId: 'NEW' });
    await h.flush();
    const { events } = await h.export();
    expect(events.map((e) => e.itemId)).toEqual(['NEW']);
    expect(events[0].sessionId).not.toBe(before);
  });

  it('dispose() after forget() does not open the store again (no empty database comes back)', async () => {
    const loadIntentModule = () => import('../../src/intent-module.js');
    const { h, openStore } = await make({ model: { enabled: false } }, { loadIntentModule });
    h.track('product_view', { itemId: 'a' });
    await h.intent(); // the intent service holds this session's state
    await h.flush();
    await h.forget();
    const opened = openStore.mock.calls.length;
    await h.dispose();
    expect(openStore.mock.calls.length).toBe(opened);
  });

  it('dispose() before the idle-time load: the intent module never loads, or its service is disposed as soon as it exists', async () => {
    const idle: Array<() => void> = [];
    const loadIntentModule = vi.fn();
    const { h } = await make({}, { whenIdle: (fn) => idle.push(fn), loadIntentModule });
    await h.dispose();
    idle.forEach((fn) => fn());
    expect(loadIntentModule).not.toHaveBeenCalled();

    let finish: (m: unknown) => void = () => {};
    const disposed = vi.fn();
    const stub = { onEvent: () => {}, intent: async () => null, persist: async () => {}, dispose: disposed, reset: () => {}, halt: () => {}, wake: () => {} };
    const slow = () => new Promise((r) => (finish = r as (m: unknown) => void)) as ReturnType<NonNullable<HunchDeps['loadIntentModule']>>;
    const idle2: Array<() => void> = [];
    const { h: h2 } = await make({}, { whenIdle: (fn) => idle2.push(fn), loadIntentModule: slow });
    idle2.forEach((fn) => fn()); // loading starts…
    await h2.dispose(); // …and the instance goes before it ends
    finish(stubModule(() => stub));
    await new Promise((r) => setTimeout(r, 0));
    expect(disposed).toHaveBeenCalledTimes(1);
  });

  it('from the dispose() call on (before it settles), reading methods reject and nothing loads the intent half; export() does not read a store being closed', async () => {
    const loadIntentModule = vi.fn();
    const { h } = await make({}, { loadIntentModule });
    h.track('page_view');
    const done = h.dispose();
    for (const call of [() => h.intent(), () => h.export(), () => h.metrics(), () => h.personalize(), () => h.rollback(), () => h.recommend()]) {
      await expect(call()).rejects.toThrow(/disposed/);
    }
    await done;
    expect(loadIntentModule).not.toHaveBeenCalled();
  });

  it('recommend() without recommend.url rejects at once, without loading the intent half', async () => {
    const loadIntentModule = vi.fn();
    const { h } = await make({}, { loadIntentModule });
    await expect(h.recommend()).rejects.toThrow('hunch.recommend: no item model (set recommend.url)');
    expect(loadIntentModule).not.toHaveBeenCalled();
  });

  it('after dispose(): reading methods reject with a clear error, track() is ignored, forget() and consent("denied") still erase', async () => {
    const { h, store } = await make();
    h.track('page_view');
    await h.dispose();
    for (const call of [() => h.intent(), () => h.export(), () => h.metrics(), () => h.personalize(), () => h.rollback(), () => h.recommend()]) {
      await expect(call()).rejects.toThrow(/disposed/);
    }
    expect(() => h.track('page_view')).not.toThrow();
    expect(await store.countEvents()).toBe(1);
    await h.consent('denied');
    expect(await store.countEvents()).toBe(0);
    expect(h.consentState).toBe('denied');
  });

  it("export() while 'pending' after 'granted' returns what is stored, then what is held", async () => {
    const { h } = await make();
    h.track('product_view', { itemId: 'STORED' });
    await h.flush();
    await h.consent('pending');
    h.track('product_view', { itemId: 'HELD' });
    const ex = await h.export();
    expect(ex).toMatchObject({ consent: 'pending', storage: 'memory' });
    expect(ex.events.map((e) => e.itemId)).toEqual(['STORED', 'HELD']);
    expect(ex.sessions).toHaveLength(1);
    const fresh = await make({ consent: 'pending' });
    fresh.h.track('page_view');
    expect(fresh.openStore).not.toHaveBeenCalled();
    expect((await fresh.h.export()).events).toHaveLength(1);
    expect(fresh.openStore).not.toHaveBeenCalled(); // pending from the start: export opens nothing
  });

  it("consent() and forget() reach the other tabs of the same dbName: 'denied' there stops storing and erases, 'granted' stores what was held", async () => {
    const channel = channelBus();
    const shared = createMemoryStore();
    const a = await make({}, { channel, openStore: async () => shared });
    const b = await make({}, { channel, openStore: async () => shared });
    const seen: string[] = [];
    b.h.on('consent', (c) => seen.push(c));
    b.h.track('product_view', { itemId: 'B1' });
    await b.h.flush();
    await a.h.consent('denied');
    await settle();
    expect(b.h.consentState).toBe('denied');
    expect(seen).toEqual(['denied']);
    b.h.track('product_view', { itemId: 'B2' });
    await b.h.flush();
    expect(await shared.countEvents()).toBe(0); // erased, and nothing stored after
    await a.h.consent('pending');
    await settle();
    b.h.track('product_view', { itemId: 'HELD' });
    await a.h.consent('granted');
    await settle();
    await b.h.flush();
    expect(b.h.consentState).toBe('granted');
    expect((await shared.getEvents()).map((e) => e.itemId)).toEqual(['HELD']);
    // forget() in one tab also drops what a pending tab holds in memory
    await b.h.consent('pending');
    await settle();
    a.h.track('product_view', { itemId: 'A-HELD' });
    await b.h.forget();
    await settle();
    expect((await a.h.export()).events.map((e) => e.itemId)).not.toContain('A-HELD');
  });

  it('a tab follows each forget once: the database deletion and the message of one forget do not drop later events; a pending tab follows every forget', async () => {
    const channel = channelBus();
    let hooks: { deleted(): void } | undefined;
    const shared = createMemoryStore();
    const a = await make({}, { channel, openStore: async () => shared });
    const b = await make({}, { channel, openStore: async (_n, x) => ((hooks = x), shared) });
    const c = await make({ consent: 'pending' }, { channel });
    const forgot = { b: 0, c: 0 };
    b.h.on('forget', () => forgot.b++);
    c.h.on('forget', () => forgot.c++);
    const destroy = shared.destroy;
    shared.destroy = async () => (hooks!.deleted(), destroy()); // as IndexedDB tells b's connection
    await a.h.forget();
    b.h.track('product_view', { itemId: 'AFTER' }); // after the deletion, before the message arrives
    await settle();
    await b.h.flush();
    expect(forgot).toEqual({ b: 1, c: 1 });
    expect((await shared.getEvents()).map((e) => e.itemId)).toEqual(['AFTER']);
    c.h.track('product_view', { itemId: 'HELD-2' });
    await a.h.forget(); // a second forget still reaches the pending tab
    await settle();
    expect(forgot.c).toBe(2);
    expect((await c.h.export()).events).toEqual([]);
  });

  it('a pending tab follows a forget made after the clock was set back, so it never writes the forgotten data back on a later grant', async () => {
    const channel = channelBus();
    let t = Date.UTC(2025, 0, 1, 12);
    const shared = createMemoryStore();
    const a = await make({}, { channel, now: () => t, openStore: async () => shared });
    const p = await make({ consent: 'pending' }, { channel, now: () => t, openStore: async () => shared });
    let forgets = 0;
    p.h.on('forget', () => forgets++);
    p.h.track('product_view', { itemId: 'BEFORE' });
    await a.h.forget();
    await settle();
    expect(forgets).toBe(1);
    t -= 60 * 60_000; // the system clock is corrected an hour back
    p.h.track('product_view', { itemId: 'SECRET' });
    await a.h.forget();
    await settle();
    expect(forgets).toBe(2);
    expect((await p.h.export()).events).toEqual([]);
    await p.h.consent('granted');
    await p.h.flush();
    expect(await shared.getEvents()).toEqual([]);
  });

  it("a 'denied' from another tab drops what this tab holds without erasing again or echoing a forget", async () => {
    const channel = channelBus();
    const shared = createMemoryStore();
    const destroyed = vi.fn();
    const a = await make({}, { channel, openStore: async () => shared });
    const b = await make({}, { channel, openStore: async () => ({ ...shared, destroy: async () => (destroyed(), shared.destroy()) }) });
    const aForgets: unknown[] = [];
    a.h.on('forget', () => aForgets.push(1));
    b.h.track('product_view', { itemId: 'B' });
    await a.h.consent('denied');
    await a.h.consent('granted'); // the shopper changes their mind at once
    a.h.track('product_view', { itemId: 'A-AFTER' });
    await settle();
    await a.h.flush();
    expect(b.h.consentState).toBe('granted');
    expect(destroyed).not.toHaveBeenCalled(); // b did not erase a second time
    expect(aForgets).toHaveLength(1); // and sent no forget back to a
    expect((await shared.getEvents()).map((e) => e.itemId)).toEqual(['A-AFTER']);
  });

  it("after dispose(), forget() still reaches the other tabs", async () => {
    const channel = channelBus();
    const a = await make({}, { channel });
    const b = await make({ consent: 'pending' }, { channel });
    b.h.track('product_view', { itemId: 'HELD' });
    await a.h.dispose();
    await a.h.forget();
    await settle();
    expect((await b.h.export()).events).toEqual([]);
  });

  it('a batch whose database is deleted under it (another tab\'s forget) is dropped, not written into a new database', async () => {
    let hooks: { deleted(): void } | undefined;
    const { slow, release } = gatedStore();
    const fresh = createMemoryStore();
    const stores = [slow, fresh];
    const deleted = Object.assign(new Error('IndexedDB "hunch" was deleted'), { name: 'DatabaseDeletedError' });
    const gone: Store = { ...slow, putEvents: async (list) => (await slow.putEvents(list), Promise.reject(deleted)) };
    stores[0] = gone;
    const { h } = await make({}, { openStore: async (_n, x) => ((hooks = x), stores.shift() ?? fresh) });
    const errors: string[] = [];
    h.on('error', (e) => errors.push(e.code));
    h.track('product_view', { itemId: 'OLD' });
    const flushing = h.flush(); // the batch is in flight…
    hooks!.deleted(); // …when another tab deletes the database
    release();
    await flushing;
    h.track('product_view', { itemId: 'NEW' });
    await h.flush();
    expect((await fresh.getEvents()).map((e) => e.itemId)).toEqual(['NEW']);
    expect(errors).toEqual([]); // no 'storage-write' fallback to memory storage
  });

  it('on() refuses an unknown event name with a TypeError naming it', async () => {
    const { h } = await make();
    expect(() => h.on('triggers' as 'trigger', () => {})).toThrow(/unknown event "triggers"/);
    expect(() => h.on('trigger', () => {})).not.toThrow();
    expect(() => h.off('triggers' as 'trigger', () => {})).toThrow(/hunch\.off: unknown event "triggers"/);
  });

  it('consent() with a value that is not a consent state is a TypeError naming it, whatever the value (a BigInt, a cycle)', async () => {
    const { h } = await make();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const v of [1n, cyclic, 'grantd']) await expect(h.consent(v as never)).rejects.toThrow(/"consent" must be one of/);
    await expect(h.consent('grantd' as never)).rejects.toThrow(/"consent" must be one of .*got "grantd"/);
  });
});

describe('auto-capture', () => {
  it('a newer live instance of a dbName takes auto-capture over (one duplicate-instance warning on the older, whose track() still works); disposing the older leaves the newer capturing', async () => {
    const a = await make({ autoCapture: true });
    const warnings: string[] = [];
    a.h.on('warning', (w) => warnings.push(w.code));
    const b = await make({ autoCapture: true });
    const other = await make({ autoCapture: true, dbName: 'other' });
    const got = { a: 0, b: 0, other: 0 };
    a.h.on('event', () => got.a++);
    b.h.on('event', () => got.b++);
    other.h.on('event', () => got.other++);
    await new Promise((r) => setTimeout(r, 10));
    expect(warnings).toEqual(['duplicate-instance']);
    history.pushState({}, '', '/p/1');
    expect(got).toEqual({ a: 0, b: 1, other: 1 });
    a.h.track('add_to_cart', { itemId: 'X' });
    expect(got.a).toBe(1);
    await a.h.dispose(); // the older one going away must not take capture from the newer
    history.pushState({}, '', '/p/2');
    expect(got.b).toBe(2);
  });

  it("React StrictMode's double mount: the effect's cleanup disposes the first instance only after the second one started; the second still auto-captures", async () => {
    const first = createHunch({ autoCapture: true }, { openStore: async () => createMemoryStore(), window, whenIdle: () => {} });
    const cleanup = first.then((h) => h.dispose()); // cleanup can only reach the instance through its promise
    const second = await make({ autoCapture: true }); // the effect runs again at once
    await cleanup;
    let heard = 0;
    second.h.on('event', (e) => void (e.type === 'page_view' && heard++));
    history.pushState({}, '', '/p/strict');
    expect(heard).toBe(1); // was 0: the second had been refused capture, and the first's dispose freed it for nobody
  });

  it('records page views, JSON-LD products, marked-up clicks, search forms, SPA navigation and dwell', async () => {
    document.head.innerHTML = `<script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@type': 'Product', sku: 'SKU-1', offers: { price: '19.90' }, category: 'mugs' })}</script>`;
    document.body.innerHTML = `
      <button id="buy" data-hunch-event="add_to_cart" data-hunch-item="SKU-1" data-hunch-price="19.90" data-hunch-quantity="2"><span id="inner">Add</span></button>
      <button id="bad" data-hunch-event="add_to_cart" data-hunch-price="free">Bad</button>
      <form id="f" data-hunch-event="search" action="javascript:void 0"><input type="search" name="q" value="blue mug for bob@example.com"></form>`;
    const errors: string[] = [];
    let t = 1_000_000;
    const { h } = await make({ autoCapture: true }, { now: () => t });
    h.on('error', (e) => errors.push(e.code));
    await new Promise((r) => setTimeout(r, 10));
    (document.getElementById('inner') as HTMLElement).click();
    expect(() => (document.getElementById('bad') as HTMLElement).click()).not.toThrow();
    document.getElementById('f')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    document.head.innerHTML = '';
    t += 5000;
    history.pushState({}, '', '/cart?token=secret');
    await h.flush();
    const { events } = await h.export();
    expect(document.visibilityState).toBe('visible');
    expect(types(events)).toEqual(['page_view', 'product_view', 'add_to_cart', 'search', 'dwell', 'page_view']);
    expect(events[4].dwellMs).toBe(5000);
    const byType = Object.fromEntries(events.map((e) => [e.type, e]));
    expect(byType.product_view).toMatchObject({ itemId: 'SKU-1', price: 19.9, categoryId: 'mugs' });
    expect(byType.add_to_cart).toMatchObject({ itemId: 'SKU-1', price: 19.9, quantity: 2 });
    expect(byType.search.query).toBe('blue mug for [email]');
    expect(events.at(-1)!.url).toMatch(/\/cart\?token=$/);
    expect(errors).toEqual(['capture']);
  });
});
