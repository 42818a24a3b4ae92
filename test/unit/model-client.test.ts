// @vitest-environment node
// The model client's hand-over to a runtime in a worker, with a scripted stand-in Worker (the real
// worker is tested in Chromium: test/browser/faults-model.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { fetchModel, withWorker, workers } from './model-fixture';
import type { WorkerRequest } from '../../src/model/protocol';
import { createIntentService } from '../../src/intent-service';
import { loadModelPredictor, type ModelPredictor } from '../../src/model/client';
import { PERSONAL_META } from '../../src/personalize/personalizer';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import type { HunchEvent } from '../../src/events';
import { advance } from '../../src/model/predictor';
import { newSessionState } from '../../src/model/session-state';
import { globalHead } from '../../src/personalize/head';

const info = { backend: 'webgl', version: 'test' };
const head = { w: Array.from({ length: 64 }, () => 0.01), b: -2 };

describe('model client hand-over', () => {
  it('a runtime that refuses the personal head on hand-over is stopped and said; the JS kernel, with the head, goes on answering', async () => {
    withWorker((req) => (req.op === 'init' ? { id: req.id, ok: true, result: info } : req.op === 'set-head' ? { id: req.id, ok: false, error: 'head rejected' } : undefined));
    const runtime: unknown[] = [];
    const p = await loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, onRuntime: (r) => runtime.push(r) });
    await p.setHead!(head); // before the runtime is up: the hand-over sends it
    await expect(p.runtimeReady).rejects.toThrow(/head rejected/);
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(true);
    expect(runtime).toEqual([{ error: 'head rejected' }]);
    expect(p.backend).toBe('js');
    expect(p.source).toBe('personalized');
    const r = await p.step([], new Float32Array(p.jsNet!.D).fill(0.5));
    expect(Number.isFinite(r.logit)).toBe(true);
    p.dispose();
  });

  it('a worker that fails after dispose(): no main-thread runtime is started for nothing, and nothing is reported', async () => {
    withWorker(() => undefined); // init never answers
    const runtime: unknown[] = [];
    const p = await loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, onRuntime: (r) => runtime.push(r) });
    while (!workers.length) await new Promise((r) => setTimeout(r, 1)); // the start begins a macrotask after loading
    p.dispose(); // stops the starting worker at once (test/unit/model-runtime-start.test.ts)
    expect(workers[0].terminated).toBe(true);
    workers[0].fail('crashed');
    // the main-thread fallback would import the runtime module (a URL Node cannot load) and fail with that instead
    await expect(p.runtimeReady).rejects.toThrow(/model worker stopped/);
    expect(runtime).toEqual([]);
  });

  it('a step the worker does not answer in time stops it; the JS kernel answers that step and the next', async () => {
    withWorker((req) => (req.op === 'init' ? { id: req.id, ok: true, result: info } : undefined)); // steps never answered
    const runtime: unknown[] = [];
    const p = await loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, stepTimeoutMs: 50, onRuntime: (r) => runtime.push(r) });
    await p.runtimeReady;
    expect(p.backend).toBe('webgl');
    const x = new Float32Array(p.jsNet!.D).fill(0.5);
    const first = await p.step([], x);
    expect(workers[0].terminated).toBe(true);
    expect(p.backend).toBe('js');
    expect(runtime).toEqual([expect.objectContaining({ backend: 'webgl' }), { error: expect.stringMatching(/model runtime failed: .*a model step/) }]);
    const second = await p.step(first.hidden, x);
    expect(Number.isFinite(second.logit)).toBe(true);
    expect(workers[0].requests.filter((r) => r.op === 'step')).toHaveLength(1);
    p.dispose();
  });

  it('a runtime that never answers the hand-over of the personal head is stopped after the step time limit', async () => {
    withWorker((req) => (req.op === 'init' ? { id: req.id, ok: true, result: info } : undefined)); // set-head never answered
    const runtime: unknown[] = [];
    const p = await loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, stepTimeoutMs: 50, onRuntime: (r) => runtime.push(r) });
    await p.setHead!(head);
    await expect(p.runtimeReady).rejects.toThrow(/timed out/);
    expect(workers[0].terminated).toBe(true);
    expect(runtime).toEqual([{ error: expect.stringMatching(/personal head/) }]);
    expect(p.backend).toBe('js');
    p.dispose();
  });
});

describe('model client with a personal head', () => {
  it('the prior (baseLogit) is the head in use: a bias-only head shifts every logit and leaves every reason weight as it was', async () => {
    withWorker((req) => (req.op === 'init' ? { id: req.id, ok: true, result: info } : undefined)); // the JS kernel answers
    const p = await loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, onRuntime: () => {} });
    const events = [
      { id: 'e1', sessionId: 's', type: 'page_view', ts: 1e12 },
      { id: 'e2', sessionId: 's', type: 'product_view', ts: 1e12 + 20_000, itemId: 'A', price: 30 },
      { id: 'e3', sessionId: 's', type: 'product_view', ts: 1e12 + 40_000, itemId: 'B', price: 30 },
    ] as HunchEvent[];
    const replay = async () => {
      let s = newSessionState('s', p.modelVersion);
      for (const e of events) s = await advance(p, s, e);
      return s;
    };
    const pretrained = await replay();
    const g = globalHead(p.jsNet!);
    await p.setHead!({ w: g.w, b: g.b - 1.5 }); // a shopper who buys less often than the stores trained on
    expect(p.baseLogit).toBeCloseTo(g.b - 1.5, 6);
    const personal = await replay();
    expect(personal.logit!).toBeCloseTo(pretrained.logit! - 1.5, 5);
    // no event caused the shift: the first event's weight must not carry it (it carried −1.5 when the prior stayed the pretrained bias)
    personal.history.forEach((r, i) => expect(r.weight).toBeCloseTo(pretrained.history[i].weight, 5));
    p.dispose();
  });
});

describe('a head set after a step (adoption, rollback, another tab)', () => {
  const events = [
    { id: 'e1', sessionId: 's', type: 'page_view', ts: 1e12 },
    { id: 'e2', sessionId: 's', type: 'product_view', ts: 1e12 + 20_000, itemId: 'A', price: 30 },
    { id: 'e3', sessionId: 's', type: 'add_to_cart', ts: 1e12 + 40_000, itemId: 'A', price: 30 },
  ] as HunchEvent[];
  const service = (store: Store, load: () => Promise<ModelPredictor>) =>
    createIntentService({ loadPredictor: load, store: () => Promise.resolve(store), sessionId: () => 's', now: () => 1e12 + 60_000, emitIntent: () => {}, emitTrigger: () => {}, rules: () => [], problem: () => {}, whenIdle: () => {} });
  const load = () => loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, worker: false, onRuntime: () => {} });

  it("re-scores the session's last step: intent() answers with the head its source names, and the next event's weight is its own", async () => {
    const p = await load();
    const svc = service(createMemoryStore(), async () => p);
    for (const e of events.slice(0, 2)) svc.onEvent(e);
    const pretrained = await svc.intent();
    expect(pretrained.source).toBe('model');
    const g = globalHead(p.jsNet!);
    await p.setHead!({ w: g.w, b: g.b - 1.5 });
    const now = await svc.intent();
    expect(now.source).toBe('personalized');
    // the same steps under the new head: the bias shift and nothing else (was the old head's score)
    expect(Math.log(now.purchase / (1 - now.purchase))).toBeCloseTo(Math.log(pretrained.purchase / (1 - pretrained.purchase)) - 1.5, 5);
    svc.onEvent(events[2]);
    const after = await svc.intent();
    // a fresh replay under the personal head from the start gives the same reasons: the cart's weight does not carry the head change
    const ref = service(createMemoryStore(), async () => p);
    for (const e of events) ref.onEvent(e);
    const whole = await ref.intent();
    expect(after.purchase).toBeCloseTo(whole.purchase, 6);
    expect(after.reasons.find((r) => r.eventId === 'e3')!.weight).toBeCloseTo(whole.reasons.find((r) => r.eventId === 'e3')!.weight, 5);
    svc.dispose();
  });

  it('stages with the shipped model: the way to checkout is not an abandonment; drifting 3 steps after the checkout is', async () => {
    const p = await load();
    const stages: string[] = [];
    const svc = createIntentService({ loadPredictor: async () => p, store: () => Promise.resolve(createMemoryStore()), sessionId: () => 's', now: () => 0, emitIntent: (i) => stages.push(i.stage), emitTrigger: () => {}, rules: () => [], problem: () => {}, whenIdle: () => {} });
    const types = ['product_view', 'add_to_cart', 'page_view', 'page_view', 'begin_checkout', 'page_view', 'product_view', 'product_view'] as const;
    types.forEach((type, k) => svc.onEvent({ id: `c${k}`, sessionId: 's', type, ts: 1e12 + k * 30_000, ...(type.startsWith('p') && type !== 'page_view' ? { itemId: `i${k}`, price: 40 } : {}), ...(type === 'add_to_cart' ? { itemId: 'i0', price: 40 } : {}) } as HunchEvent));
    await svc.intent();
    // begin_checkout was 'abandoning' (3 steps after the add, the score fallen back from the add's jump)
    expect(stages).toEqual(['browsing', 'considering', 'considering', 'considering', 'ready', 'ready', 'ready', 'abandoning']);
    svc.dispose();
  });

  it('a state saved under another head is re-scored on restore (a reload after an adoption, or another tab adopted)', async () => {
    const store = createMemoryStore();
    await store.putEvents(events);
    const first = service(store, load);
    for (const e of events) first.onEvent(e);
    const pretrained = await first.intent();
    await first.persist();
    first.dispose();
    const net = (await load()).jsNet!;
    const g = globalHead(net);
    await store.setMeta(PERSONAL_META, { modelVersion: net.modelVersion, head: { w: g.w, b: g.b + 1 }, previous: null, last: null, endedSessions: 0, at: 1 });
    const second = service(store, load);
    const restored = await second.intent();
    expect(restored.source).toBe('personalized');
    expect(restored.events).toBe(3);
    expect(Math.log(restored.purchase / (1 - restored.purchase))).toBeCloseTo(Math.log(pretrained.purchase / (1 - pretrained.purchase)) + 1, 5);
    second.dispose();
  });
});

describe('model client calls that outlive the runtime', () => {
  const settled = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('pending'), ms))]);

  it('debug calls waiting when the worker is stopped (a step timed out, or dispose()) settle instead of hanging', async () => {
    withWorker((req) => (req.op === 'init' ? { id: req.id, ok: true, result: info } : undefined)); // a hung worker
    const p = await loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, stepTimeoutMs: 50, onRuntime: () => {} });
    await p.runtimeReady;
    const stats = p.stats!(); // hunch.debug.runtime()
    const lose = p.loseContext!(); // hunch.debug.loseWebGLContext()
    await p.step([], new Float32Array(p.jsNet!.D).fill(0.5)); // times out: the worker is stopped, the JS kernel answers
    expect(workers[0].terminated).toBe(true);
    expect([await settled(stats, 500), await settled(lose, 500)]).toEqual(['settled', 'settled']); // were pending for good
    const p2 = await loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, stepTimeoutMs: 60_000, onRuntime: () => {} });
    await p2.runtimeReady;
    const s2 = p2.stats!();
    p2.dispose();
    expect(await settled(s2, 500)).toBe('settled');
    p.dispose();
  });

  it('a step answered while a changed personal head is being handed over is no backend fallback', async () => {
    const heads: WorkerRequest[] = [];
    withWorker((req) => {
      if (req.op === 'init') return { id: req.id, ok: true, result: info };
      if (req.op === 'set-head') return void heads.push(req);
      if (req.op === 'step') return { id: req.id, ok: true, result: { logit: 0.1, hidden: [0, 0], backend: 'webgl' } };
      return undefined;
    });
    const fallbacks: string[] = [];
    const p = await loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, onRuntime: () => {}, onFallback: (why, b) => fallbacks.push(`${why} -> ${b}`) });
    const size = p.jsNet!.H + p.jsNet!.D;
    await p.setHead!({ w: new Array(size).fill(0.01), b: -2 }); // the restored head, before the runtime is up
    while (!heads.length) await new Promise((r) => setTimeout(r, 1)); // hand-over: set-head sent
    await p.setHead!({ w: new Array(size).fill(0.01), b: -1 }); // a run adopts a newer head meanwhile
    workers[0].reply({ id: heads[0].id, ok: true, result: true }); // the runtime takes over; the newer head goes next
    while (heads.length < 2) await new Promise((r) => setTimeout(r, 1));
    await p.step([], new Float32Array(p.jsNet!.D).fill(0.5));
    workers[0].reply({ id: heads[1].id, ok: true, result: true });
    await p.runtimeReady;
    expect(fallbacks).toEqual([]); // was ['backend changed -> webgl']
    p.dispose();
  });
});
