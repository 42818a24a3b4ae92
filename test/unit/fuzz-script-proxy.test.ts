/**
 * Bad input through the script tag's queue (calls made before the instance is ready): the call
 * is judged once, when it is made. A props object the page reuses or changes afterwards, or a
 * getter that answers differently later, must not change or lose what was queued.
 */
import { describe, expect, it } from 'vitest';
import type { Hunch } from '../../src/api';
import { createProxy } from '../../src/script-proxy';

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
