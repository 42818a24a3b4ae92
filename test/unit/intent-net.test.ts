// @vitest-environment node
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events.js';
import { encodeEvent, encodeSession, FEATURE_DIM, initialFeatureState } from '../../src/features/index.js';
import { deserializeIntentNet, loadIntentNet, serializeIntentNet, type FetchLike } from '../../src/model/intent-io.js';
import { loadIntentNetFromDir } from '../../src/model/intent-load-node.js';
import {
  disposeIntentWeights,
  forward,
  headLogit,
  initialHidden,
  initIntentWeights,
  step,
  type IntentWeights,
} from '../../src/model/intent-net.js';
import { MODEL_DIR } from '../../tools/intent/paths.js';
import { referencePurchaseProbability } from '../../tools/intent/reference.js';

const t0 = Date.UTC(2024, 0, 1, 9);
const mk = (type: HunchEvent['type'], s: number, extra: Partial<HunchEvent> = {}): HunchEvent => ({ id: `e${s}`, sessionId: 's', type, ts: t0 + s * 1000, ...extra });
const sessions: HunchEvent[][] = [
  [mk('product_view', 0, { itemId: 'a', price: 10 }), mk('product_view', 40, { itemId: 'b', price: 30 }), mk('dwell', 60, { dwellMs: 9000 }), mk('add_to_cart', 70, { itemId: 'b', price: 30 }), mk('product_view', 300, { itemId: 'a', price: 10 })],
  [mk('page_view', 0), mk('search', 5, { query: 'x' })],
  Array.from({ length: 12 }, (_, i) => mk(i % 4 === 3 ? 'add_to_cart' : 'product_view', i * 30, { itemId: `i${i % 5}`, categoryId: `c${i % 2}` })),
];

/** Streams a session through encodeEvent + step; returns the logit after every step. */
function streamLogits(w: IntentWeights, events: HunchEvent[]): number[] {
  let state = initialFeatureState();
  let h = initialHidden(w);
  const out: number[] = [];
  for (const e of events) {
    const r = encodeEvent(state, e);
    state = JSON.parse(JSON.stringify(r.state));
    if (!r.step) continue;
    const x = tf.tensor1d(r.x);
    const s = step(w, h, x);
    tf.dispose([x, h]);
    h = s.hidden;
    out.push(s.logit.dataSync()[0]);
    s.logit.dispose();
  }
  h.dispose();
  return out;
}

/** Full-sequence encode + forward over all sessions as one right-padded batch. */
function fullLogits(w: IntentWeights, all: HunchEvent[][]): number[][] {
  const xs = all.map((s) => encodeSession(s));
  const T = Math.max(...xs.map((x) => x.length));
  const buf = new Float32Array(all.length * T * FEATURE_DIM);
  const mask = new Float32Array(all.length * T);
  xs.forEach((seq, b) => seq.forEach((x, t) => { buf.set(x, (b * T + t) * FEATURE_DIM); mask[b * T + t] = 1; }));
  const res = tf.tidy(() => forward(w, tf.tensor3d(buf, [all.length, T, FEATURE_DIM]), tf.tensor2d(mask, [all.length, T])).logits);
  const v = res.arraySync();
  res.dispose();
  return xs.map((seq, b) => v[b].slice(0, seq.length));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('intent network', () => {
  it('streaming encode + step equals full-sequence encode + forward (≤ 1e-5, CPU)', () => {
    const w = initIntentWeights({ inputDim: FEATURE_DIM, hidden: 16 }, 3);
    const before = tf.memory().numTensors;
    const full = fullLogits(w, sessions);
    let maxDiff = 0;
    sessions.forEach((s, i) => {
      const streamed = streamLogits(w, s);
      expect(streamed.length).toBe(full[i].length);
      streamed.forEach((v, t) => (maxDiff = Math.max(maxDiff, Math.abs(v - full[i][t]))));
    });
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    expect(tf.memory().numTensors).toBe(before); // no leaks
    // The logits do move with the input (the comparison is not trivially 0 = 0).
    expect(new Set(full.flat().map((v) => v.toFixed(4))).size).toBeGreaterThan(5);
    disposeIntentWeights(w);
  });

  it('headLogit with another head changes only the head', () => {
    const w = initIntentWeights({ inputDim: FEATURE_DIM, hidden: 8 }, 5);
    const h = tf.randomNormal([2, 8], 0, 1, 'float32', 1) as tf.Tensor2D;
    const x = tf.randomUniform([2, FEATURE_DIM], 0, 1, 'float32', 2) as tf.Tensor2D;
    const shifted = { w: w.head.w, b: tf.add(w.head.b, 1.5) as tf.Tensor1D };
    const a = headLogit(w.head, h, x).dataSync();
    const b = headLogit(shifted, h, x).dataSync();
    expect(b[0] - a[0]).toBeCloseTo(1.5, 5);
    expect(b[1] - a[1]).toBeCloseTo(1.5, 5);
    tf.dispose([h, x, shifted.b]);
    disposeIntentWeights(w);
  });

  it('round-trips through the TensorFlow.js weights format and rejects another feature version', async () => {
    const w = initIntentWeights({ inputDim: FEATURE_DIM, hidden: 8 }, 9);
    const { modelJson, weightsBin } = await serializeIntentNet(w);
    expect(modelJson.weightsManifest[0].weights.map((s) => s.name)).toContain('intent/head/bias');
    const buf = weightsBin.buffer.slice(weightsBin.byteOffset, weightsBin.byteOffset + weightsBin.byteLength) as ArrayBuffer;
    const back = deserializeIntentNet(JSON.parse(JSON.stringify(modelJson)), buf);
    expect(fullLogits(back.weights, sessions)).toEqual(fullLogits(w, sessions));
    expect(() => deserializeIntentNet({ ...modelJson, featureVersion: modelJson.featureVersion + 1 }, buf)).toThrow(/feature version/);
    expect(() => deserializeIntentNet({ ...modelJson, hidden: 9 }, buf)).toThrow(/missing or not shaped/);
    disposeIntentWeights(w);
    disposeIntentWeights(back.weights);
  });
});

describe('loadIntentNet', () => {
  it('loads through an injected fetch and reports a failed request with its URL and status', async () => {
    const w = initIntentWeights({ inputDim: FEATURE_DIM, hidden: 4 }, 2);
    const { modelJson, weightsBin } = await serializeIntentNet(w);
    const files: Record<string, unknown> = { 'https://cdn.test/m/model.json': modelJson, 'https://cdn.test/m/weights.bin': weightsBin };
    const urls: string[] = [];
    const fake: FetchLike = async (url) => {
      urls.push(url);
      const body = files[url];
      return {
        ok: body !== undefined,
        status: body === undefined ? 404 : 200,
        json: async () => body,
        arrayBuffer: async () => (body as Uint8Array).slice().buffer as ArrayBuffer,
      };
    };
    const loaded = await loadIntentNet(fake, 'https://cdn.test/m');
    expect(urls).toEqual(['https://cdn.test/m/model.json', 'https://cdn.test/m/weights.bin']);
    expect(loaded.model.hidden).toBe(4);
    await expect(loadIntentNet(fake, 'https://cdn.test/missing/')).rejects.toThrow(/missing\/model\.json answered HTTP 404/);
    disposeIntentWeights(w);
    disposeIntentWeights(loaded.weights);
  });
});

describe('committed model', () => {
  const present = existsSync(join(MODEL_DIR, 'model.json'));
  it('is present in models/intent', () => expect(present).toBe(true));

  it.skipIf(!present)('loads and predicts deterministically; the CPU reference agrees with step', async () => {
    const { weights, model } = await loadIntentNetFromDir(MODEL_DIR);
    expect(model.featureVersion).toBeGreaterThan(0);
    const a = streamLogits(weights, sessions[0]);
    const b = streamLogits(weights, sessions[0]);
    expect(a).toEqual(b);
    const p = await referencePurchaseProbability(sessions[0]);
    expect(p).toBeCloseTo(1 / (1 + Math.exp(-a[a.length - 1])), 6);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    // A cart makes purchase more likely than browsing alone.
    const browse = await referencePurchaseProbability(sessions[0].slice(0, 2));
    const carted = await referencePurchaseProbability(sessions[0].slice(0, 4));
    expect(carted).toBeGreaterThan(browse);
    disposeIntentWeights(weights);
  });
});
