// An export() that a forget() overtakes (the deletion closes the store under its reads) resolves
// with what remains, nothing, instead of rejecting with the closed connection's InvalidStateError.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hunch } from '../../src/api';
import { createHunch, type HunchDeps } from '../../src/hunch';
import { openIdbStore } from '../../src/store/idb-store';

const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
  localStorage.clear();
});

describe('export() while forget() runs', () => {
  it.each(['export first', 'forget first'])('%s: export resolves with nothing stored, forget deletes', async (order) => {
    const h = await createHunch({ dbName: `export-forget-${order.split(' ')[0]}`, consent: 'granted' }, { window, whenIdle: () => {}, localStorage });
    instances.push(h);
    h.track('product_view', { itemId: 'a' });
    await h.flush();
    const forgot = order === 'forget first' ? h.forget() : undefined;
    const exported = h.export();
    const [x, f] = await Promise.allSettled([exported, forgot ?? h.forget()]);
    expect(f.status).toBe('fulfilled');
    expect(x.status === 'rejected' ? (x.reason as Error).name : 'fulfilled').toBe('fulfilled');
    expect(x.status === 'fulfilled' && x.value.events).toEqual([]);
    expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(`export-forget-${order.split(' ')[0]}`);
  });

  it("another tab's forget() landing while this tab's export reads: export resolves with nothing", async () => {
    let gate: Promise<void> | undefined; // holds this tab's reads back while set
    const openStore: HunchDeps['openStore'] = async (dbName, hooks) => {
      const s = await openIdbStore({ dbName, onDeleted: hooks?.deleted });
      return { ...s, getEvents: async (q) => (await gate, s.getEvents(q)) };
    };
    const a = await createHunch({ dbName: 'export-forget-tabs', consent: 'granted' }, { window, whenIdle: () => {}, localStorage, openStore });
    const b = await createHunch({ dbName: 'export-forget-tabs', consent: 'granted' }, { window, whenIdle: () => {}, localStorage });
    instances.push(a, b);
    a.track('product_view', { itemId: 'a' });
    await a.flush();
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const x = a.export();
    await b.forget();
    open();
    await expect(x).resolves.toMatchObject({ events: [], sessions: [] });
  });
});
