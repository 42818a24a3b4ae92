/**
 * Training examples for personalization: a session replayed through the frozen pretrained cell
 * (the plain-JS kernel, the same math as the worker). Each model step before the session's first
 * purchase gives one example `z = [h', x]` labelled with whether the session ended in a purchase
 * — the same prefix → label rule as the pretrained model's training (`tools/data/sessionize.ts`).
 */
import type { EncodableEvent } from '../features/index.js';
import { encodeEvent, initialFeatureState, type FeatureState } from '../features/index.js';
import { jsStep, type JsNet } from '../model/js-net.js';
import { runToEnd } from '../slice.js';

/** One session's examples. */
export interface SessionExamples {
  /** `[h', x]` per model step of the prefix, length H + D each. */
  z: Float64Array[];
  /** 1 when the session has a purchase. */
  label: 0 | 1;
}

/**
 * Model steps replayed between yields of {@link sessionExampleSteps}: about 1 ms of work in Node
 * (a step of the shipped model is some 16 µs), so a session of thousands of events never holds
 * the page for long.
 */
export const REPLAY_STEPS = 64;

/** Where a replay stands: the encoder's and cell's state, the examples so far, the next event. */
interface Replay {
  feature: FeatureState;
  hidden: number[];
  z: Float64Array[];
  next: number;
  purchased: boolean;
}

/**
 * Replays events from `r.next` until `steps` more model steps were made, the first purchase or the
 * end. A plain function, so the engine optimizes the loop (code in a generator may stay interpreted).
 * @returns true when the replay is over
 */
function advance(net: JsNet, events: readonly EncodableEvent[], r: Replay, steps: number): boolean {
  let made = 0;
  while (r.next < events.length) {
    const e = events[r.next++];
    if (e.type === 'purchase') {
      r.purchased = true;
      return true;
    }
    let enc;
    try {
      enc = encodeEvent(r.feature, e);
    } catch {
      continue; // an event the encoder refuses (stored by an older version, or edited) is skipped, not the session
    }
    r.feature = enc.state;
    if (!enc.step) continue;
    const s = jsStep(net, r.hidden, enc.x);
    r.hidden = s.hidden;
    const v = new Float64Array(net.H + net.D);
    v.set(r.hidden, 0);
    v.set(enc.x, net.H);
    r.z.push(v);
    if (++made >= steps) return r.next >= events.length;
  }
  return true;
}

/**
 * {@link sessionExamples} step-wise: yields after every {@link REPLAY_STEPS} model steps, so a
 * caller can slice a long session's replay into short tasks (`slice.ts`).
 */
export function* sessionExampleSteps(net: JsNet, events: readonly EncodableEvent[], label?: 0 | 1): Generator<void, SessionExamples> {
  const r: Replay = { feature: initialFeatureState(), hidden: [], z: [], next: 0, purchased: false };
  while (!advance(net, events, r, REPLAY_STEPS)) yield;
  return { z: r.z, label: label ?? (r.purchased ? 1 : 0) };
}

/**
 * Replays one session (events in time order) and returns its prefix examples. Steps stop at the
 * first purchase; `dwell` events update the encoder only, as in the browser; an event the encoder
 * refuses (a field of the wrong type, from storage) is skipped.
 * @param label override the label (the Node harness passes prefixes already cut at the purchase)
 */
export function sessionExamples(net: JsNet, events: readonly EncodableEvent[], label?: 0 | 1): SessionExamples {
  return runToEnd(sessionExampleSteps(net, events, label));
}
