/**
 * Training examples for personalization: a session replayed through the frozen pretrained cell
 * (the plain-JS kernel, the same math as the worker). Each model step before the session's first
 * purchase gives one example `z = [h', x]` labelled with whether the session ended in a purchase
 * — the same prefix → label rule as the pretrained model's training (`tools/data/sessionize.ts`).
 */
import type { EncodableEvent } from '../features/index.js';
import { encodeEvent, initialFeatureState } from '../features/index.js';
import { jsStep, type JsNet } from '../model/js-net.js';

/** One session's examples. */
export interface SessionExamples {
  /** `[h', x]` per model step of the prefix, length H + D each. */
  z: Float64Array[];
  /** 1 when the session has a purchase. */
  label: 0 | 1;
}

/**
 * Replays one session (events in time order) and returns its prefix examples. Steps stop at the
 * first purchase; `dwell` events update the encoder only, as in the browser.
 * @param label override the label (the Node harness passes prefixes already cut at the purchase)
 */
export function sessionExamples(net: JsNet, events: readonly EncodableEvent[], label?: 0 | 1): SessionExamples {
  let feature = initialFeatureState();
  let hidden: number[] = [];
  const z: Float64Array[] = [];
  let purchased = false;
  for (const e of events) {
    if (e.type === 'purchase') {
      purchased = true;
      break;
    }
    const enc = encodeEvent(feature, e);
    feature = enc.state;
    if (!enc.step) continue;
    const r = jsStep(net, hidden, enc.x);
    hidden = r.hidden;
    const v = new Float64Array(net.H + net.D);
    v.set(hidden, 0);
    v.set(enc.x, net.H);
    z.push(v);
  }
  return { z, label: label ?? (purchased ? 1 : 0) };
}
