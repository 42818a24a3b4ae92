/** Shared by the personalization tests: a tiny network and synthetic sessions. */
import type { HunchEvent } from '../../src/events';
import { FEATURE_DIM } from '../../src/features/index';
import { seededRandom } from '../../src/model/intent-net';
import { jsStep, type JsNet } from '../../src/model/js-net';
import type { Predictor } from '../../src/model/predictor';
import { sessionExamples, type SessionExamples } from '../../src/personalize/examples';

/** A small random network (H = 4) over the real feature encoder. */
export function tinyNet(seed = 3, H = 4): JsNet {
  const D = FEATURE_DIM;
  const r = seededRandom(seed);
  const rnd = (n: number, s: number) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * s);
  return { D, H, W: rnd((D + H) * 2 * H, 0.4), b: rnd(2 * H, 0.1), hw: rnd(H + D, 0.3), hb: -2, modelVersion: 'tiny-1' };
}

let n = 0;
export function session(sid: string, t0: number, types: HunchEvent['type'][]): HunchEvent[] {
  return types.map((type, i) => ({ id: `${sid}-${n++}`, sessionId: sid, type, ts: t0 + i * 20_000, itemId: `i${i % 3}`, price: 10 + i }));
}

/** Synthetic sessions whose labels follow `rate` (deterministic pattern). */
export function sessionsWithRate(net: JsNet, count: number, buyEvery: number): SessionExamples[] {
  return Array.from({ length: count }, (_, i) => sessionExamples(net, session(`s${i}`, i * 3_600_000, ['product_view', 'product_view', 'add_to_cart']), i % buyEvery === buyEvery - 1 ? 1 : 0));
}

/** A predictor over the plain-JS kernel, recording the head it is given. */
export function fakePredictor(net: JsNet): Predictor & { head: unknown } {
  const p = {
    head: null as unknown,
    get source() {
      return p.head ? ('personalized' as const) : ('model' as const);
    },
    backend: 'js',
    modelVersion: net.modelVersion,
    baseLogit: net.hb,
    warmupMs: 0,
    jsNet: net,
    step: async (h: number[], x: Float32Array) => jsStep(net, h, x),
    async setHead(h: unknown) {
      p.head = h;
    },
    dispose() {},
  };
  return p as Predictor & { head: unknown };
}
