import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Hunch, HunchEventMap } from '../../src/api';
import { createHunch } from '../../src/hunch';
import type { HunchOptions, RecommendOptions, TrackProps, TriggerPreset } from '../../src/index';
import type { Intent } from '../../src/intent';
import { createPersonalizer, type PersonalizeEvent } from '../../src/personalize/personalizer';
import { createMemoryStore } from '../../src/store/memory-store';
import { fakePredictor, session, tinyNet } from './personalize-fixture';

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

/**
 * Compiled by `tsc -p tsconfig.json` (never run). Preset names are a union, not `string`: a
 * readonly (`as const`) list is accepted, a misspelt name does not compile (both threw a TypeError
 * at run time, the first compiled only as a mutable `string[]`).
 */
export async function presetNamesAreTyped(h: Hunch): Promise<void> {
  const presets = ['abandonment', 'ready-to-buy'] as const;
  await createHunch({ triggers: presets });
  await createHunch({ triggers: ['abandonment', 'ready-to-buy'] as const });
  const one: TriggerPreset = 'ready-to-buy';
  h.triggers.add(one);
  h.triggers.add('abandonment');
  // @ts-expect-error a misspelt preset (TypeError at run time)
  h.triggers.add('abandonmnet');
  // @ts-expect-error a misspelt preset (TypeError naming triggers[0] at run time)
  await createHunch({ triggers: ['ready_to_buy'] });
  // a rule object is still accepted
  h.triggers.add({ id: 'vip', when: (i) => i.purchase > 0.8 });
}

/**
 * Compiled, never run: numeric item and category ids, which `track()` and `recommend()` accept
 * at run time (stored as `String(n)`), compile; a bare string as `candidates`/`exclude`, which
 * `recommend()` rejects with a TypeError, does not. What is stored stays typed `string`.
 */
export async function numericIdsAndIdLists(h: Hunch, sku: string, e: HunchEventMap['event']): Promise<void> {
  h.track('product_view', { itemId: 12345, categoryId: 7 });
  const props: TrackProps = { itemId: 1, categoryId: 'mugs', price: 3 };
  h.track('add_to_cart', props);
  await h.recommend({ candidates: [12345, 'A'], exclude: new Set([7]) });
  await h.recommend({ k: 5, exclude: [sku] });
  const opts: RecommendOptions = { candidates: new Set(['A', 'B']) };
  await h.recommend(opts);
  // @ts-expect-error a string is not a list of ids (TypeError at run time)
  await h.recommend({ candidates: sku });
  // @ts-expect-error a string is not a list of ids (TypeError at run time)
  await h.recommend({ exclude: 'SKU-42' });
  const stored: string | undefined = e.itemId;
  const category: string | undefined = e.categoryId;
  void [stored, category];
}

/**
 * Compiled, never run: `on('personalize')` can test `target` (the README's way to tell the
 * taste's events from the head's) without narrowing on `status` first, and each branch narrows.
 */
export function personalizeTargetNarrows(h: Hunch): void {
  h.on('personalize', (e) => {
    if (e.target === 'recommend') {
      if (e.status === 'done') void e.items.holdout;
    } else if (e.status === 'done') {
      void e.sessions.holdout;
    } else if (e.status === 'progress') {
      void e.phase;
    }
  });
  const noTarget: undefined = ({} as PersonalizeEvent).target;
  void noTarget;
  const options: HunchOptions = { triggers: [] };
  void options;
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

describe('what the widened and narrowed types describe', () => {
  it('numeric item and category ids are accepted by track() and stored as strings', async () => {
    const h = await make();
    const got: Array<HunchEventMap['event']> = [];
    h.on('event', (e) => got.push(e));
    h.track('product_view', { itemId: 12345, categoryId: 7 });
    expect(got[0]).toMatchObject({ itemId: '12345', categoryId: '7' });
  });

  it('a readonly list of preset names is accepted by createHunch()', async () => {
    const presets = ['abandonment', 'ready-to-buy'] as const;
    const h = await createHunch({ dbName: 'api-types', triggers: presets }, { openStore: async () => createMemoryStore(), window, whenIdle: () => {} });
    instances.push(h);
    expect(h.triggers.list()).toEqual(['abandonment', 'ready-to-buy']);
  });

  it("the intent head's personalize events carry no target (typed target?: undefined)", async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 15; i++) await store.putEvents(session(`t${i}`, i * 3_600_000, i % 2 ? ['product_view', 'add_to_cart', 'purchase'] : ['product_view', 'product_view', 'add_to_cart']));
    const events: PersonalizeEvent[] = [];
    const p = fakePredictor(tinyNet());
    const pers = createPersonalizer({ store: () => Promise.resolve(store), predictor: async () => p, sessionId: () => 'current', now: () => 1e12, emit: (e) => events.push(e), whenIdle: (fn) => fn(), options: { lambda: 1, lambdaBias: 0.1 } });
    await pers.run();
    const failing = createPersonalizer({ store: () => undefined, predictor: async () => p, sessionId: () => 'current', now: () => 1e12, emit: (e) => events.push(e), whenIdle: (fn) => fn() });
    await expect(failing.run()).rejects.toThrow();
    expect(new Set(events.map((e) => e.status))).toEqual(new Set(['start', 'progress', 'done', 'error']));
    for (const e of events) expect('target' in e).toBe(false);
  });
});
