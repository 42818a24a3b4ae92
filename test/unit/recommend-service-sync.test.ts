// @vitest-environment node
// The recommendation service's carried history and model load against storage that changes under
// it: consent granted later, other tabs' events and tastes, forget() and live events during a read.
import { describe, expect, it, vi } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { createRecommendService, TASTE_META, type RecommendServiceDeps, type StoredTaste } from '../../src/recommend-service';
import { createCarriedHistory } from '../../src/recommend/history';
import { loadNextItemModel } from '../../src/recommend/load';
import { MODEL_RETRY_MS } from '../../src/recommend/load-retry';
import type { NextItemModel } from '../../src/recommend/model';
import type { RecHistory } from '../../src/recommend/prefix';
import { rank } from '../../src/recommend/rank';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import { bought, handSet } from './taste-fixture';

let n = 0;
const ev = (sessionId: string, itemId: string, type: HunchEvent['type'] = 'purchase', ts = 1000 + n): HunchEvent => ({ id: `e${++n}`, type, ts, sessionId, itemId });
const ids = (list: { itemId: string }[]) => list.map((r) => r.itemId);
const K = { k: 20 }; // the whole fixture catalogue (13 items)

/** A b-shopper's three ended sessions, then the open one (a view of x). */
async function history() {
  const store = createMemoryStore();
  await store.putEvents([ev('s1', 'b1'), ev('s1', 'b2'), ev('s2', 'b3'), ev('s2', 'x'), ev('s3', 'b5'), ev('open', 'x', 'product_view')]);
  return store;
}
/** What Node's rank() is given for that history: the open session, the ended ones as past. */
const stored = (...more: { itemId: string; type: string }[]): RecHistory => ({ session: [{ itemId: 'x', type: 'product_view' }, ...more], past: bought('b1', 'b2', 'b3', 'x', 'b5') });

function service(model: NextItemModel, over: Partial<RecommendServiceDeps> & Pick<RecommendServiceDeps, 'store'>) {
  return createRecommendService({ url: '/m/manifest.json', flush: async () => {}, loadModel: async () => model, sessionId: () => 'open', autoPersonalize: false, ...over });
}

/** A promise and its resolver. */
function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}

describe('recommend service: the carried history follows storage', () => {
  it('a page that starts with consent pending ranks with the stored history once storage is readable', async () => {
    const { model } = handSet();
    const store = await history();
    let granted = false;
    const svc = service(model, { store: () => (granted ? Promise.resolve(store) : undefined) });
    const before = await svc.recommend(K);
    expect(before).toEqual(rank(model, [], K)); // nothing readable yet
    expect(ids(before)).toContain('b1');
    granted = true; // consent('granted')
    const after = await svc.recommend(K);
    expect(after).toEqual(rank(model, stored(), K));
    for (const id of ['b1', 'b2', 'b3', 'b5', 'x']) expect(ids(after)).not.toContain(id);
  });

  it("another tab's stored purchase reaches this tab's ranking", async () => {
    const { model } = handSet();
    const store = await history();
    const here = service(model, { store: () => Promise.resolve(store) });
    const there = service(model, { store: () => Promise.resolve(store) });
    const first = await here.recommend(K);
    expect(ids(first)).toContain('b4');
    const bought4 = ev('open', 'b4');
    there.onEvent(bought4); // the other tab's shopper buys b4; that tab writes it
    await store.putEvents([bought4]);
    const second = await here.recommend(K);
    expect(ids(second)).not.toContain('b4');
    expect(second).toEqual(rank(model, stored({ itemId: 'b4', type: 'purchase' }), K));
  });

  it("another tab's purchase is found also when this tab stored a newer event of its own since", async () => {
    const { model } = handSet();
    const store = await history();
    const here = service(model, { store: () => Promise.resolve(store) });
    expect(ids(await here.recommend(K))).toContain('b4');
    await store.putEvents([ev('open', 'b4')]); // the other tab's purchase…
    const mine = ev('open', 'y', 'product_view');
    here.onEvent(mine); // …then this tab's own view, stored after it
    await store.putEvents([mine]);
    expect(ids(await here.recommend(K))).not.toContain('b4');
  });

  it('a forget() landing while the check for newer events runs: recommend() still answers (the deleted store is not read)', async () => {
    const { model } = handSet();
    const inner = await history();
    const check = gate();
    let gone = false;
    let checking = false;
    const getEvents: Store['getEvents'] = async (q) => {
      if (gone) throw Object.assign(new Error('gone'), { name: 'DatabaseDeletedError' });
      if (checking && q?.limit !== undefined && q.limit < 100) await check.p;
      return inner.getEvents(q);
    };
    const store: Store = { ...inner, getEvents };
    const svc = service(model, { store: () => Promise.resolve(store) });
    await svc.recommend(K);
    checking = true;
    const pending = svc.recommend(K);
    await new Promise((r) => setTimeout(r, 5));
    svc.reset(); // forget(): the database goes
    gone = true;
    check.open();
    await expect(pending).resolves.toEqual(rank(model, [], K));
  });

  it('a rebuild (another tab stored an event) keeps the purchases the replaced stream remembered, also those older than the events it reads', async () => {
    const { model } = handSet();
    const store = createMemoryStore();
    const h = createCarriedHistory({ store: () => Promise.resolve(store), flush: async () => {}, now: () => 1e6, limit: 5 });
    await h.current(model);
    const buy = ev('open', 'b4');
    h.onEvent(buy);
    await store.putEvents([buy]);
    for (let i = 0; i < 8; i++) {
      const view = ev('open', `a${i % 3}`, 'product_view');
      h.onEvent(view);
      await store.putEvents([view]);
    }
    await store.putEvents([ev('open', 'a1', 'product_view')]); // another tab's event: a rebuild from the newest 5
    const s = await h.current(model);
    expect(s.purchased.has('b4')).toBe(true);
    expect(ids(s.rank(K))).not.toContain('b4');
  });

  it('a page load remembers the purchases stored before the newest events it replays (not recommended again), not those forgotten', async () => {
    const { model } = handSet();
    const store = createMemoryStore();
    await store.putEvents([ev('s0', 'b4'), ev('s0', 'b6', 'product_view'), ev('s1', 'a6')]);
    for (let s = 2; s <= 6; s++) await store.putEvents([0, 1, 2].map((i) => ev(`s${s}`, `a${i}`, 'product_view')));
    let clock = 1e6;
    const deps = { store: () => Promise.resolve(store), flush: async () => {}, now: () => clock, limit: 5 };
    const s = await createCarriedHistory(deps).current(model); // a reload: the newest 5 events are views
    expect([...s.purchased]).toEqual(['b4', 'a6']);
    expect(ids(s.rank(K))).not.toContain('b4');
    expect(ids(s.rank(K))).toContain('b6');
    // after a forget (whose deletion left the store as it was), none comes back
    const h = createCarriedHistory(deps);
    h.reset();
    clock = 2e6;
    expect([...(await h.current(model)).purchased]).toEqual([]);
  });

  it('a check for newer events that fails (database deleted meanwhile) ranks from what is carried', async () => {
    const { model } = handSet();
    const inner = await history();
    let broken = false;
    const getEvents: Store['getEvents'] = (q) => (broken ? Promise.reject(Object.assign(new Error('gone'), { name: 'DatabaseDeletedError' })) : inner.getEvents(q));
    const store: Store = { ...inner, getEvents };
    const svc = service(model, { store: () => Promise.resolve(store) });
    const first = await svc.recommend(K);
    broken = true;
    expect(await svc.recommend(K)).toEqual(first);
  });

  it('an event arriving while the first call reads the history is placed after it, once', async () => {
    const { model } = handSet();
    const store = await history();
    const flushed = gate();
    let flushes = 0;
    const svc = service(model, { store: () => Promise.resolve(store), flush: () => (++flushes === 1 ? flushed.p : Promise.resolve()) });
    const ranking = svc.recommend(K);
    await vi.waitFor(() => expect(flushes).toBe(1));
    svc.onEvent(ev('open', 'a3', 'product_view')); // live, not stored yet
    flushed.open();
    const expected = rank(model, stored({ itemId: 'a3', type: 'product_view' }), K);
    expect(await ranking).toEqual(expected);
    expect(await svc.recommend(K)).toEqual(expected);
  });

  it('a forget() while the history is read keeps none of it, now or later; what comes after it counts', async () => {
    const { model } = handSet();
    const inner = await history();
    const read = gate();
    let reads = 0;
    const getEvents: Store['getEvents'] = async (q) => {
      if ((q?.limit ?? 0) > 1 && ++reads === 1) await read.p; // the first history read waits
      return inner.getEvents(q);
    };
    const store: Store = { ...inner, getEvents };
    const svc = service(model, { store: () => Promise.resolve(store) });
    const ranking = svc.recommend(K);
    await vi.waitFor(() => expect(reads).toBe(1));
    svc.reset(); // forget()
    read.open();
    expect(await ranking).toEqual(rank(model, [], K));
    expect(await svc.recommend(K)).toEqual(rank(model, [], K)); // the store here still holds them: never read back
    const later = ev('new', 'b6', 'purchase', Date.now() + 60_000); // another tab, after the forget
    await inner.putEvents([later]);
    expect(await svc.recommend(K)).toEqual(rank(model, bought('b6'), K));
  });
});

describe('recommend service: the model load', () => {
  it('a malformed model is loaded once and said once: later calls reject without fetching again', async () => {
    const { model } = handSet();
    const problems: string[] = [];
    const loadModel = vi.fn(() => Promise.reject(new TypeError('manifest.nItems must be an integer ≥ 0')));
    const svc = service(model, { store: () => undefined, loadModel, problem: (_k, code) => problems.push(code) });
    for (let i = 0; i < 3; i++) await expect(svc.recommend()).rejects.toThrow(/manifest\.nItems/);
    expect(loadModel).toHaveBeenCalledTimes(1);
    expect(problems).toEqual(['recommend-model']);
  });

  it('a failed request is tried again only after a wait that doubles, then the model is kept', async () => {
    const { model } = handSet();
    let t = 0;
    const problems: string[] = [];
    const loadModel = vi.fn().mockRejectedValueOnce(new Error('HTTP 503')).mockRejectedValueOnce(new Error('HTTP 503')).mockResolvedValue(model);
    const svc = service(model, { store: () => undefined, loadModel, now: () => t, problem: (_k, code) => problems.push(code) });
    await expect(svc.recommend()).rejects.toThrow(/HTTP 503/);
    t = MODEL_RETRY_MS - 1;
    await expect(svc.recommend()).rejects.toThrow(/HTTP 503/);
    expect(loadModel).toHaveBeenCalledTimes(1);
    t = MODEL_RETRY_MS;
    await expect(svc.recommend()).rejects.toThrow(/HTTP 503/);
    expect(loadModel).toHaveBeenCalledTimes(2);
    t += 2 * MODEL_RETRY_MS - 1; // the second wait is twice as long
    await expect(svc.recommend()).rejects.toThrow(/HTTP 503/);
    t += 1;
    expect(await svc.recommend(K)).toEqual(rank(model, [], K));
    await svc.recommend(K);
    expect(loadModel).toHaveBeenCalledTimes(3);
    expect(problems).toEqual(['recommend-model']);
  });

  it("loadNextItemModel: fetch's network TypeError is an Error (retried), a manifest that is not JSON a TypeError (not)", async () => {
    const offline = () => Promise.reject(new TypeError('Failed to fetch'));
    const err = await loadNextItemModel('/m/manifest.json', offline).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(TypeError);
    expect(String(err)).toMatch(/request for \/m\/manifest\.json failed \(Failed to fetch\)/);
    const html = async () => ({ ok: true, status: 200, json: () => Promise.reject(new SyntaxError('Unexpected token <')), arrayBuffer: async () => new ArrayBuffer(0) });
    await expect(loadNextItemModel('/m/manifest.json', html)).rejects.toThrow(TypeError);
  });
});

describe('recommend service: the taste across tabs', () => {
  it("a run starts from the taste stored now (another tab's), not the one this page read at load", async () => {
    const { model } = handSet();
    const store = await history();
    const here = service(model, { store: () => Promise.resolve(store) });
    const there = service(model, { store: () => Promise.resolve(store) });
    await here.recommend(K); // this page read the (absent) taste
    const theirs = await there.personalize();
    expect(theirs.adopted).toBe(true);
    const adopted = (await store.getMeta<StoredTaste>(TASTE_META))!.taste;
    const mine = await here.personalize();
    // the same history gives the same candidate: compared with the adopted taste in use, nothing changes
    expect(mine).toMatchObject({ adopted: false, reverted: false, before: theirs.after });
    expect(await store.getMeta<StoredTaste>(TASTE_META)).toMatchObject({ taste: adopted, previous: null });
    expect(await here.recommend(K)).toEqual(await there.recommend(K));
  });

  it("recommend() follows another tab's adoption and rollback of the taste at once; a meta read that fails keeps the taste in use", async () => {
    const { model } = handSet();
    const inner = await history();
    let broken = false;
    const getMeta: Store['getMeta'] = (key) => (broken ? Promise.reject(Object.assign(new Error('gone'), { name: 'DatabaseDeletedError' })) : inner.getMeta(key));
    const store: Store = { ...inner, getMeta };
    const here = service(model, { store: () => Promise.resolve(store) });
    const there = service(model, { store: () => Promise.resolve(store) });
    const plain = ids(await here.recommend(K));
    expect((await there.personalize()).adopted).toBe(true);
    const tasted = ids(await there.recommend(K));
    expect(tasted).not.toEqual(plain);
    expect(ids(await here.recommend(K))).toEqual(tasted);
    broken = true;
    expect(ids(await here.recommend(K))).toEqual(tasted);
    broken = false;
    expect(await there.rollback()).toBe(true);
    expect(ids(await here.recommend(K))).toEqual(plain);
  });

  it('a tab with the old item model neither deletes nor overwrites the taste a tab with the retrained model adopted (its run is skipped, its rollback resolves false)', async () => {
    const store = await history();
    const old = handSet(2);
    const fresh = handSet(2);
    fresh.factors.vectors[0] += 0.5; // retrained factors
    const tOld = service(old.model, { store: () => Promise.resolve(store) });
    const tNew = service(fresh.model, { store: () => Promise.resolve(store) });
    await tOld.recommend(K); // the old tab read the (absent) taste at load
    expect((await tNew.personalize()).adopted).toBe(true);
    const adopted = await store.getMeta<StoredTaste>(TASTE_META);
    expect(await tOld.rollback()).toBe(false);
    expect((await tOld.personalize()).skipped).toMatch(/another item model/);
    expect(await store.getMeta<StoredTaste>(TASTE_META)).toEqual(adopted);
    // a page load with the retrained model ranks with it
    const reload = service(fresh.model, { store: () => Promise.resolve(store) });
    expect(await reload.recommend(K)).toEqual(await tNew.recommend(K));
    // one with the old model still drops it on load, as before (the taste no longer fits that model)
    await service(old.model, { store: () => Promise.resolve(store) }).load();
    expect(await store.getMeta(TASTE_META)).toBeUndefined();
  });
});
