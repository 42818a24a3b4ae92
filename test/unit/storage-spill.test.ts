// The pagehide spill (`spill.ts`) is removed once the flush confirms its writes, but only when
// that spill is still the one to keep: not when a later pagehide (back from the back/forward
// cache) spilled again, and not when the batch then failed into memory.
import { afterEach, describe, expect, it } from 'vitest';
import type { Hunch } from '../../src/api';
import type { HunchEvent } from '../../src/events';
import { createHunch } from '../../src/hunch';
import { spillEvents } from '../../src/spill';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';

const instances: Hunch[] = [];
/** Writes still held back when a test ends (dispose() waits for them). */
const held: Array<() => void> = [];
afterEach(async () => {
  for (const release of held.splice(0)) release();
  for (const h of instances.splice(0)) await h.dispose();
  localStorage.clear();
});

const spilled = () => Object.keys(localStorage).filter((k) => k.includes(':spill:')).flatMap((k) => (JSON.parse(localStorage.getItem(k)!) as HunchEvent[]).map((e) => e.itemId));
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

async function make(store: Store) {
  const h = await createHunch({}, { openStore: async () => store, window, whenIdle: () => {}, localStorage });
  instances.push(h);
  return h;
}

describe('spillEvents', () => {
  it('a localStorage too full for every event keeps the newest that fit, not none', () => {
    const events: HunchEvent[] = Array.from({ length: 100 }, (_, i) => ({ id: `t-${i}`, type: 'product_view', ts: 1e12 + i, sessionId: 's', itemId: `i${i}` }));
    const room = JSON.stringify(events.slice(70)).length; // the quota leaves room for about 30 of them
    const store = new Map<string, string>();
    const ls = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem(k: string, v: string) {
        if (v.length > room) throw new DOMException('quota', 'QuotaExceededError');
        store.set(k, v);
      },
    } as unknown as Storage;
    const json = spillEvents(ls, 'db', 'tab', events);
    const kept = (JSON.parse(json!) as HunchEvent[]).map((e) => e.itemId);
    expect(kept.length).toBe(25); // halving from 100: 50 does not fit, 25 does (was nothing at all)
    expect(kept).toEqual(events.slice(-kept.length).map((e) => e.itemId)); // the newest
    expect(store.get('hunch:db:spill:tab')).toBe(json);
    // blocked: nothing, no throw
    expect(spillEvents({ setItem: () => { throw new Error('SecurityError'); } } as unknown as Storage, 'db', 'tab', events)).toBeUndefined();
  });
});

describe('the pagehide spill', () => {
  it("two pagehides (a back/forward cache round trip): the first one's confirmation leaves the second one's spill", async () => {
    const inner = createMemoryStore();
    const gates: Array<() => void> = [];
    const slow: Store = { ...inner, putEvents: async (list) => (await new Promise<void>((r) => (gates.push(r), held.push(r))), inner.putEvents(list)) };
    const h = await make(slow);
    h.track('product_view', { itemId: 'X' });
    await ticks(3);
    window.dispatchEvent(new Event('pagehide')); // into the back/forward cache, X unconfirmed
    h.track('add_to_cart', { itemId: 'Y' }); // restored; the shopper clicks, then leaves again
    await ticks(3);
    window.dispatchEvent(new Event('pagehide'));
    expect(spilled()).toEqual(['X', 'Y']);
    gates[0](); // X commits; Y's transaction has not (the one the browser may abort)
    await new Promise((r) => setTimeout(r, 10));
    expect(spilled()).toEqual(['X', 'Y']);
    gates[1](); // Y commits too: the second pagehide's confirmation removes the spill
    await new Promise((r) => setTimeout(r, 10));
    expect(spilled()).toEqual([]);
  });

  it('a batch in flight at pagehide that then fails into memory stays spilled for the next load', async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const inner = createMemoryStore();
    let fail = false;
    const flaky: Store = { ...inner, kind: 'indexeddb', putEvents: async (list) => (await gate, fail ? Promise.reject(Object.assign(new Error('disk'), { name: 'UnknownError' })) : inner.putEvents(list)) };
    const h = await make(flaky);
    h.track('product_view', { itemId: 'a' });
    await ticks(1);
    window.dispatchEvent(new Event('pagehide'));
    expect(spilled()).toEqual(['a']);
    fail = true;
    release();
    await h.flush();
    await new Promise((r) => setTimeout(r, 10));
    expect(h.storage).toBe('memory');
    expect(spilled()).toEqual(['a']);
  });
});
