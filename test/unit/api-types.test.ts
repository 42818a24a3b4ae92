import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hunch, HunchEventMap } from '../../src/api';
import { createHunch } from '../../src/hunch';
import type { Intent } from '../../src/intent';
import { createMemoryStore } from '../../src/store/memory-store';

const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
});
const make = async () => {
  const h = await createHunch({ dbName: 'api-types' }, { openStore: async () => createMemoryStore(), window, whenIdle: () => {} });
  instances.push(h);
  return h;
};

/**
 * Compiled by `tsc -p tsconfig.json` (never run): what hunch hands out frozen is typed read-only, so
 * code that would throw at run time does not compile (each `@ts-expect-error` fails tsc when the
 * line compiles, as it did while these types were mutable).
 */
export function frozenResultsAreReadOnly(i: Intent, e: HunchEventMap['event']): void {
  // @ts-expect-error reasons is a frozen array
  i.reasons.sort((a, b) => a.weight - b.weight);
  // @ts-expect-error a frozen reason
  i.reasons[0].weight = 0;
  // @ts-expect-error a frozen intent
  i.stage = 'ready';
  // @ts-expect-error a frozen event (on('event'))
  e.itemId = 'x';
  // copying is what works
  [...i.reasons].sort((a, b) => a.weight - b.weight);
  ({ ...e }).itemId = 'x';
}

describe('what the instance hands out', () => {
  it("on('event') delivers a frozen event (typed Readonly)", async () => {
    const h = await make();
    const got: Array<HunchEventMap['event']> = [];
    h.on('event', (e) => got.push(e));
    h.track('product_view', { itemId: 'A' });
    expect(Object.isFrozen(got[0])).toBe(true);
    expect(() => ((got[0] as { itemId?: string }).itemId = 'B')).toThrow(TypeError);
  });
});

describe('off()', () => {
  it('removing a listener that was never added does nothing; an unknown event name is a TypeError naming it, as in on()', async () => {
    const h = await make();
    const cb = vi.fn();
    expect(() => h.off('event', cb)).not.toThrow();
    expect(() => h.off('evnet' as never, cb)).toThrow(/hunch\.off: unknown event "evnet"/);
    expect(() => h.off('event', 'x' as never)).toThrow(TypeError);
    h.on('event', cb);
    h.off('event', cb);
    h.track('page_view');
    expect(cb).not.toHaveBeenCalled();
  });
});
