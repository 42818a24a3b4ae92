/**
 * Bad input through the script tag's queue (calls made before the instance is ready): the call
 * is judged once, when it is made. A props object the page reuses or changes afterwards, or a
 * getter that answers differently later, must not change or lose what was queued.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Hunch, HunchEventMap } from '../../src/api';
import { createEmitter } from '../../src/emitter';
import { createProxy } from '../../src/script-proxy';
import { createRuleSet, type TriggerRule } from '../../src/triggers';

function fakeInstance() {
  const tracked: Array<[string, unknown]> = [];
  const h = { track: (type: string, props: unknown) => void tracked.push([type, structuredClone(props)]) } as unknown as Hunch;
  return { h, tracked };
}

describe('script-tag queue (calls before ready)', () => {
  it('stores what each early call said, even when the page reuses and mutates its props object', async () => {
    let resolve!: (h: Hunch) => void;
    const proxy = createProxy(new Promise<Hunch>((r) => (resolve = r)));
    const { h, tracked } = fakeInstance();
    const props: Record<string, unknown> = {};
    for (const id of ['a', 'b', 'c']) {
      props.itemId = id;
      proxy.track('product_view', props as never);
    }
    props.itemId = { not: 'a string' }; // would be a TypeError now, after the calls returned
    resolve(h);
    await proxy.ready;
    expect(tracked.map(([, p]) => (p as { itemId: string }).itemId)).toEqual(['a', 'b', 'c']);
  });

  it('reads a getter once: a value that turns bad later does not lose the queued event', async () => {
    let resolve!: (h: Hunch) => void;
    const proxy = createProxy(new Promise<Hunch>((r) => (resolve = r)));
    const { h, tracked } = fakeInstance();
    let reads = 0;
    const props = {
      get itemId() {
        if (reads++ > 0) throw new Error('gone');
        return 'first';
      },
    };
    proxy.track('product_view', props as never);
    resolve(h);
    await proxy.ready;
    expect(tracked).toEqual([['product_view', { itemId: 'first' }]]);
  });
});

/** A deterministic PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An instance with the real emitter and rule set. */
function listeningInstance(triggers: string[]) {
  const emitter = createEmitter<HunchEventMap>();
  const rules = createRuleSet(triggers);
  const h = {
    on: (name: keyof HunchEventMap, cb: never) => emitter.on(name, cb),
    off: (name: keyof HunchEventMap, cb: never) => emitter.off(name, cb),
    triggers: { add: (r: TriggerRule | string) => rules.add(r), remove: (id: string) => rules.remove(id), list: () => rules.list() },
  } as unknown as Hunch;
  return { h, emitter, rules };
}

describe('script-tag queue: listeners and rules before ready end as if made on the instance', () => {
  it('random sequences of on/off/triggers.add/remove (valid and invalid) give the same listeners, rules and list()', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const NAMES = ['event', 'trigger'] as const;
    const IDS = ['abandonment', 'ready-to-buy', 'vip', 'dup'];
    for (let seed = 1; seed <= 200; seed++) {
      const rand = rng(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
      const heardDirect: string[] = [];
      const heardProxy: string[] = [];
      const cbs = (heard: string[]) => ['a', 'b', 'c'].map((label) => (p: unknown) => void heard.push(`${label}:${String(p)}`));
      const direct = cbs(heardDirect);
      const viaProxy = cbs(heardProxy);
      const initial = rand() < 0.5 ? ['abandonment'] : [];
      const ref = listeningInstance(initial);
      let resolve!: (h: Hunch) => void;
      const proxy = createProxy(new Promise<Hunch>((r) => (resolve = r)), { triggers: initial });
      const ops = Math.floor(rand() * 12);
      for (let i = 0; i < ops; i++) {
        const kind = pick(['on', 'off', 'add', 'remove', 'bad-on', 'bad-add'] as const);
        const name = pick(NAMES);
        const k = Math.floor(rand() * 3);
        const id = pick(IDS);
        const cap = { perSession: 1 + Math.floor(rand() * 3) };
        const rule: TriggerRule | string = id === 'vip' || id === 'dup' ? { id, when: () => false, cap } : id;
        const badRule = pick(['bogus', { id }, { id: '', when: (): boolean => true }, { id, when: (): boolean => true, cap: { cooldownMs: -1 } }]);
        const run = (target: Pick<Hunch, 'on' | 'off' | 'triggers'>, listeners: Array<(p: unknown) => void>) => {
          try {
            if (kind === 'on') target.on(name, listeners[k]);
            else if (kind === 'off') target.off(name, listeners[k]);
            else if (kind === 'add') target.triggers.add(rule);
            else if (kind === 'remove') target.triggers.remove(id);
            else if (kind === 'bad-on') target.on(name, 'x' as never);
            else target.triggers.add(badRule as never);
            return 'ok';
          } catch (err) {
            return `${(err as Error).constructor.name}: ${(err as Error).message}`;
          }
        };
        expect(run(proxy, viaProxy), `seed ${seed} op ${i} ${kind}`).toBe(run(ref.h, direct));
        expect(proxy.triggers.list(), `seed ${seed} op ${i} list()`).toEqual(ref.rules.list());
      }
      const got = listeningInstance(initial);
      resolve(got.h);
      await proxy.ready;
      expect(got.rules.list(), `seed ${seed}`).toEqual(ref.rules.list());
      expect(got.rules.rules.map((r) => r.cap?.perSession)).toEqual(ref.rules.rules.map((r) => r.cap?.perSession));
      for (const name of NAMES) {
        ref.emitter.emit(name, 1 as never);
        got.emitter.emit(name, 1 as never);
      }
      expect(heardProxy, `seed ${seed}`).toEqual(heardDirect);
    }
    expect(console.error).not.toHaveBeenCalled();
  });
});
