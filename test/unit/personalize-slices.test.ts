// @vitest-environment node
// Personalization runs in short slices: the replay of one long session and the fit over one
// long session both yield inside the session, and give the same numbers as in one go.
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { encodeEvent, initialFeatureState } from '../../src/features/index';
import { jsStep, type JsNet } from '../../src/model/js-net';
import { REPLAY_STEPS, sessionExamples, sessionExampleSteps } from '../../src/personalize/examples';
import { fitHead, YIELD_EVERY } from '../../src/personalize/fit';
import { globalHead } from '../../src/personalize/head';
import { session, tinyNet } from './personalize-fixture';

/** A long session: views, carts, searches and dwells, a purchase near the end, more after it. */
function longSession(n: number): HunchEvent[] {
  const types: HunchEvent['type'][] = ['product_view', 'page_view', 'add_to_cart', 'dwell', 'search'];
  const ev = session('long', 0, Array.from({ length: n }, (_, i) => (i === n - 10 ? 'purchase' : types[i % types.length])));
  return ev.map((e) => (e.type === 'dwell' ? { ...e, dwellMs: 4000 } : e));
}

/** The replay as one loop (what the examples were before they were sliced): the reference. */
function plainReplay(net: JsNet, events: readonly HunchEvent[]) {
  let feature = initialFeatureState();
  let hidden: number[] = [];
  const z: Float64Array[] = [];
  for (const e of events) {
    if (e.type === 'purchase') return { z, label: 1 };
    const enc = encodeEvent(feature, e);
    feature = enc.state;
    if (!enc.step) continue;
    hidden = jsStep(net, hidden, enc.x).hidden;
    const v = new Float64Array(net.H + net.D);
    v.set(hidden, 0);
    v.set(enc.x, net.H);
    z.push(v);
  }
  return { z, label: 0 };
}

describe('personalization in slices', () => {
  it(`the replay of one long session yields every ${REPLAY_STEPS} model steps, with the same examples as one loop`, () => {
    const net = tinyNet();
    const events = longSession(1000);
    const steps = sessionExampleSteps(net, events);
    let yields = 0;
    let r = steps.next();
    for (; !r.done; r = steps.next()) yields++;
    const ex = r.value;
    const ref = plainReplay(net, events);
    expect(ex.label).toBe(1);
    expect(ex.z.length).toBeGreaterThan(500);
    expect(yields).toBe(Math.floor(ex.z.length / REPLAY_STEPS));
    expect(ex.z).toEqual(ref.z); // bit for bit
    expect(sessionExamples(net, events)).toEqual(ex);
  });

  it(`the fit over one long session yields every ${YIELD_EVERY} examples inside it`, () => {
    const net = tinyNet();
    const long = sessionExamples(net, longSession(2000), 0);
    const short = sessionExamples(net, session('s', 0, ['product_view', 'add_to_cart']), 1);
    const fit = fitHead([long, short], globalHead(net), { maxIter: 1 });
    let firstPass = 0; // yields before the first Newton iteration is done: the objective's and the gradient's passes
    for (let r = fit.next(); !r.done; r = fit.next()) if (r.value.iteration === 0) firstPass++;
    expect(firstPass).toBeGreaterThanOrEqual(Math.floor((2 * long.z.length) / YIELD_EVERY));
  });
});
