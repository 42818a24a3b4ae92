// forget() (here, or another tab's, which reaches this tab as a discard) while a batch is being
// written: whatever happens to that write afterwards, its events stay forgotten. They are not
// retried in a reopened (new) database, not kept in memory, and not counted as written (counting
// can start a retention prune, which opens, and so creates, the database again).
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hunch } from '../../src/api';
import type { HunchEvent } from '../../src/events';
import { createHunch } from '../../src/hunch';
import { createMemoryStore } from '../../src/store/memory-store';
import { openIdbStore } from '../../src/store/idb-store';
import type { Store } from '../../src/store/types';
import { createWriter } from '../../src/writer';

const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
  localStorage.clear();
});

const ev: HunchEvent = { id: 't-1', type: 'product_view', ts: 1, sessionId: 's', itemId: 'secret' };
const databases = async () => (await indexedDB.databases()).map((d) => d.name);
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

/** A writer over a store whose writes wait for `settle(ok)`; counts what the writer asks of the instance. */
function gatedWriter() {
  const inner = createMemoryStore();
  let settle!: (ok: boolean) => void;
  const gate = new Promise<boolean>((r) => (settle = r));
  const store: Store = { ...inner, kind: 'indexeddb', putEvents: async (list) => ((await gate) ? inner.putEvents(list) : Promise.reject(Object.assign(new Error('closed'), { name: 'InvalidStateError' }))) };
  const deps = { store: vi.fn(async () => store), quotaPolicy: () => ({ maxEvents: 1, before: 0 }), fallback: vi.fn(async () => {}), written: vi.fn() };
  return { writer: createWriter(deps), deps, settle, inner };
}

describe('the writer, when its batch is discarded while being written', () => {
  it('a write that then fails is neither retried in a reopened store nor handed to the fall-back', async () => {
    const { writer, deps, settle } = gatedWriter();
    writer.push(ev);
    const done = writer.flush();
    await ticks(3); // the batch is in the store's write
    writer.discard();
    settle(false);
    await done;
    await new Promise((r) => setTimeout(r, 0));
    expect(deps.store).toHaveBeenCalledTimes(1);
    expect(deps.fallback).not.toHaveBeenCalled();
    expect(deps.written).not.toHaveBeenCalled();
  });

  it('a write that then commits is not reported as written', async () => {
    const { writer, deps, settle, inner } = gatedWriter();
    writer.push(ev);
    const done = writer.flush();
    await ticks(3);
    writer.discard();
    settle(true);
    await done;
    await new Promise((r) => setTimeout(r, 0));
    expect(await inner.countEvents()).toBe(1); // it committed (the database is being deleted with it)
    expect(deps.written).not.toHaveBeenCalled();
  });
});

describe('forget() with a batch in flight, over IndexedDB (fake-indexeddb)', () => {
  it('a batch of enough events to make a retention prune due leaves no database behind, and no flush is said after the forget', async () => {
    const dbName = 'forget-inflight-prune';
    const h = await createHunch({ dbName, retention: { days: 90, maxEvents: 100 } }, { window, whenIdle: () => {}, localStorage });
    instances.push(h);
    const said: string[] = [];
    h.on('flush', () => said.push('flush'));
    h.on('forget', () => said.push('forget'));
    for (let i = 0; i < 20; i++) h.track('product_view', { itemId: `i${i}` }); // a prune is due after 10 written events
    await ticks(3); // the batch's transaction is issued
    await h.forget();
    await new Promise((r) => setTimeout(r, 200));
    expect(await databases()).not.toContain(dbName);
    expect(said).toEqual(['forget']);
  });

  it("another tab's forget() while this tab's batch is in flight: no database comes back", async () => {
    const dbName = 'forget-inflight-other-tab';
    const opts = { dbName, retention: { days: 90, maxEvents: 100 } };
    const channel = () => undefined; // the deletion itself reaches this tab (IndexedDB's versionchange)
    const a = await createHunch(opts, { window, whenIdle: () => {}, localStorage, channel });
    const b = await createHunch(opts, { whenIdle: () => {}, localStorage, channel });
    instances.push(a, b);
    for (let i = 0; i < 20; i++) a.track('product_view', { itemId: `i${i}` });
    await ticks(3);
    await b.forget();
    await new Promise((r) => setTimeout(r, 200));
    expect(await databases()).not.toContain(dbName);
  });

  it('a write that fails once after the forget is not retried in a new database', async () => {
    const dbName = 'forget-inflight-retry';
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    const openStore = async (name: string, hooks?: { deleted(): void }): Promise<Store> => {
      const s = await openIdbStore({ dbName: name, onDeleted: hooks?.deleted });
      if (!first) return s;
      first = false;
      // this connection's write fails once (as when the connection was closed under it)
      return { ...s, putEvents: async () => (await gate, Promise.reject(Object.assign(new Error('closed'), { name: 'InvalidStateError' }))) };
    };
    const h = await createHunch({ dbName }, { window, whenIdle: () => {}, localStorage, openStore });
    instances.push(h);
    h.track('product_view', { itemId: 'secret' });
    await ticks(2);
    await h.forget();
    release();
    await new Promise((r) => setTimeout(r, 100));
    if ((await databases()).includes(dbName)) {
      const d = await openDB(dbName);
      const items = (await d.getAll('events')).map((e) => e.itemId);
      d.close();
      expect(items).toEqual([]);
    }
    expect((await h.export()).events).toEqual([]);
  });
});
