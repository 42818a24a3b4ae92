/**
 * What capture leaves behind once stopped: nothing it leaves in the page (a shadow root's submit
 * listener, a history wrapper another script wrapped over) may keep the sink, and through it the
 * disposed instance with its models, alive. Checked with a WeakRef on the sink and a real
 * garbage collection (exposed at run time: the unit project runs without --expose-gc).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { captureDom, type CaptureSink } from '../../src/capture/dom';
import { captureNavigation, type NavigationSink } from '../../src/capture/navigation';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** True once nothing but `refs` hold their targets, after full collections and a macrotask. */
async function collected(...refs: WeakRef<object>[]): Promise<boolean> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  gc();
  return refs.every((ref) => ref.deref() === undefined);
}

/** A sink that records into `calls`. */
const domSink = (calls: string[]): CaptureSink => ({ track: (t) => calls.push(t), error: (e) => calls.push(String(e)) });

const navSink = (calls: string[]): NavigationSink => ({
  pageView: (url) => calls.push('page ' + new URL(url).pathname),
  productView: (p) => calls.push('product ' + p.itemId),
  dwell: () => {},
  error: (e) => calls.push(String(e)),
});

/**
 * Starts a capture on `sink` and keeps no other reference to it: `ref` says whether it was
 * collected. `stop` lets go of the capture's own stop function too (which holds the capture,
 * as the instance does until disposed).
 */
function started<S extends object>(begin: (sink: S) => () => void, sink: S): { stop: () => void; ref: WeakRef<S> } {
  let stop: (() => void) | undefined = begin(sink);
  return {
    ref: new WeakRef(sink),
    stop: () => {
      stop?.();
      stop = undefined;
    },
  };
}
const dom = (calls: string[]) => started((s) => captureDom(document, s), domSink(calls));
const nav = (calls: string[]) => started((s) => captureNavigation(window, s), navSink(calls));

const nativePush = History.prototype.pushState;
const nativeReplace = History.prototype.replaceState;

afterEach(() => {
  history.pushState = nativePush;
  history.replaceState = nativeReplace;
  document.body.innerHTML = '';
});

describe('a shadow root the shopper touched', () => {
  it('keeps no stopped capture alive, and its submits record nothing after stop', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = `<form data-hunch-event="search" action="javascript:void 0"><input type="search" value="cups"></form>`;
    const form = root.querySelector('form')!;
    const calls: string[] = [];
    const { stop, ref } = dom(calls);
    // focus inside the root: it gets its own submit listener
    form.querySelector('input')!.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    expect(calls).toEqual(['search']);
    stop();
    expect(await collected(ref)).toBe(true);
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    expect(calls).toEqual(['search']);
    expect(root.isConnected).toBe(true); // the root itself is still in use: only the capture is gone
  });
});

describe('history wrappers not removed newest-first', () => {
  it('two captures started A, B and stopped A, B: A is not kept, history is restored', async () => {
    const calls: string[] = [];
    const { stop: stopA, ref: refA } = nav(calls);
    const { stop: stopB, ref: refB } = nav(calls);
    stopA(); // B's wrapper is on top: A's cannot come out of the chain yet
    history.pushState({}, '', '/p/after-a');
    expect(calls.filter((c) => c === 'page /p/after-a')).toEqual(['page /p/after-a']); // B only
    expect(await collected(refA)).toBe(true);
    stopB();
    expect(await collected(refB)).toBe(true);
    expect(history.pushState).toBe(nativePush);
    expect(history.replaceState).toBe(nativeReplace);
  });

  it('a capture stopped under another script\'s wrapper is not kept, and calls still pass through', async () => {
    const calls: string[] = [];
    const { stop, ref } = nav(calls);
    const ours = history.pushState;
    let theirs = 0;
    history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
      theirs++;
      return ours.apply(this, args);
    };
    stop();
    expect(await collected(ref)).toBe(true);
    calls.length = 0;
    history.pushState({}, '', '/p/through');
    expect(theirs).toBe(1);
    expect(location.pathname).toBe('/p/through');
    expect(calls).toEqual([]);
  });

  it('repeated cycles do not pile wrappers up', async () => {
    const refs: WeakRef<NavigationSink>[] = [];
    const start = () => {
      const { stop, ref } = nav([]);
      refs.push(ref);
      return stop;
    };
    for (let i = 0; i < 5; i++) {
      const a = start();
      const b = start();
      a();
      b();
    }
    expect(history.pushState).toBe(nativePush);
    expect(await collected(...refs)).toBe(true);
  });
});
