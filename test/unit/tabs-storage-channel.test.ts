// @vitest-environment node
// Without BroadcastChannel (Safari before 15.4) consent changes and forget() can reach the other
// tabs through `storage` events of localStorage (storageChannel): one tab's consent('denied') must
// stop another open tab from storing, instead of that tab hearing only the database's deletion and
// re-creating it. browserChannel does not fall back to it yet (script-tag size budget): the
// instances here are given it as their channel, as that fallback would.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hunch } from '../../src/api';
import { createHunch } from '../../src/hunch';
import { createMemoryStore } from '../../src/store/memory-store';
import { createTabSync, storageChannel } from '../../src/tab-sync';

/** Opens the storage channel of a window by name (how `createTabSync` opens channels). */
const via = (win: Window) => (name: string) => storageChannel(win, name);

/** Windows of one origin without BroadcastChannel: their localStorage is shared, and a change fires `storage` (a task later) in the other windows only, carrying the value written. */
function origin() {
  const data = new Map<string, string>();
  const windows: EventTarget[] = [];
  const changed = (from: EventTarget, key: string, newValue: string | null) =>
    setTimeout(() => windows.filter((w) => w !== from).forEach((w) => w.dispatchEvent(Object.assign(new Event('storage'), { key, newValue }))));
  const open = () => {
    const win = new EventTarget();
    const localStorage = {
      get length() { return data.size; },
      key: (i: number) => [...data.keys()][i] ?? null,
      getItem: (k: string) => data.get(k) ?? null,
      setItem(k: string, v: string) {
        if (data.get(k) === String(v)) return; // no change: no event (as browsers do)
        data.set(k, String(v));
        changed(win, k, String(v));
      },
      removeItem(k: string) {
        if (data.delete(k)) changed(win, k, null);
      },
      clear: () => data.clear(),
    };
    windows.push(win);
    const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    return Object.assign(win, { localStorage, document }) as unknown as Window;
  };
  return { open, data };
}
const settle = () => new Promise((r) => setTimeout(r, 10));
const handlers = () => ({ forget: vi.fn(), consent: vi.fn() });

describe('tab sync without BroadcastChannel', () => {
  it('carries consent and forget to the other windows through storage events, leaving nothing stored', async () => {
    const { open, data } = origin();
    const [wa, wb] = [open(), open()];
    const [onA, onB] = [handlers(), handlers()];
    const a = createTabSync(via(wa), 'shop', onA);
    createTabSync(via(wb), 'shop', onB);
    a.consented('denied');
    a.consented('denied'); // the same message again is heard again
    a.forgot(1234);
    await settle();
    expect(onB.consent.mock.calls).toEqual([['denied'], ['denied']]);
    expect(onB.forget.mock.calls).toEqual([[1234]]);
    expect(onA.consent).not.toHaveBeenCalled(); // a window never hears its own writes
    expect(data.size).toBe(0);
  });

  it('checks what it hears (another script writing the key), stops listening at close(), and still tells the others after it', async () => {
    const { open } = origin();
    const [wa, wb] = [open(), open()];
    const onB = handlers();
    const a = createTabSync(via(wa), 'shop', handlers());
    const b = createTabSync(via(wb), 'shop', onB);
    for (const junk of ['not json', '{"consent":"maybe"}', 'null']) wa.localStorage.setItem('hunch:shop:tabs', junk);
    wa.localStorage.setItem('hunch:other:tabs', '{"consent":"denied"}'); // another dbName
    await settle();
    expect(onB.consent).not.toHaveBeenCalled();
    a.close();
    a.consented('pending');
    await settle();
    expect(onB.consent.mock.calls).toEqual([['pending']]);
    b.close();
    a.consented('granted');
    await settle();
    expect(onB.consent).toHaveBeenCalledTimes(1);
  });

  it('is undefined without a window or a usable localStorage', () => {
    expect(storageChannel(undefined, 'hunch:shop')).toBeUndefined();
    const sandboxed = Object.defineProperty(new EventTarget(), 'localStorage', { get: () => { throw new DOMException('denied', 'SecurityError'); } });
    expect(storageChannel(sandboxed as unknown as Window, 'hunch:shop')).toBeUndefined();
  });
});

describe('two tabs without BroadcastChannel', () => {
  const instances: Hunch[] = [];
  afterEach(async () => {
    for (const h of instances.splice(0)) await h.dispose();
  });

  it("consent('denied') in one tab stops the other from storing (it does not re-create the database)", async () => {
    const { open, data } = origin();
    let store = createMemoryStore();
    let opens = 0;
    let hearB: { deleted(): void } | undefined;
    const tab = async (win: Window, isB = false) => {
      const h = await createHunch(
        { autoCapture: false },
        {
          window: win,
          channel: via(win),
          whenIdle: () => {},
          openStore: async (_n, hooks) => {
            opens++;
            if (isB) hearB = hooks;
            return store;
          },
        },
      );
      instances.push(h);
      return h;
    };
    const a = await tab(open());
    const b = await tab(open(), true);
    const destroy = store.destroy.bind(store);
    store.destroy = async () => {
      hearB?.deleted(); // IndexedDB's versionchange on B's connection
      await destroy();
      store = createMemoryStore();
    };
    b.track('product_view', { itemId: 'before' });
    await b.flush();
    await a.consent('denied');
    await settle();
    expect(b.consentState).toBe('denied');
    const opened = opens;
    b.track('product_view', { itemId: 'after-denial' });
    await b.flush();
    expect(await store.getEvents()).toEqual([]);
    expect(opens).toBe(opened);
    expect([...data.keys()]).toEqual([]); // no session pointer, no message left
  });
});
