/**
 * The TensorFlow.js side of intent: picks a backend (`'auto'` = WebGL, falling back to CPU),
 * loads the weights, warms up once, and runs streaming steps. Runs inside the worker
 * (`worker-entry.ts`, WebGL on an OffscreenCanvas) or on the main thread (`runtime-entry.ts`).
 *
 * When WebGL fails mid-session (context lost, an op throws, or a non-finite output), the weights
 * are rebuilt on the CPU backend from a copy kept at load, and the step is retried: predictions
 * keep coming and `backend` says `'cpu'`. No tensor outlives a step (`numTensors` stays flat).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { deserializeIntentNet, INTENT_FILES, type FetchLike, type IntentModelJson } from './intent-io';
import { netShape, step as netStep, disposeIntentWeights, type IntentWeights } from './intent-net';

/** Backends the runtime can use, in fallback order. */
export type RuntimeBackend = 'webgl' | 'cpu';

/** How to start a runtime. */
export interface RuntimeInit {
  /** Absolute URL of the model folder (with `model.json` and its weights). */
  url: string;
  /** `'auto'` (WebGL, then CPU), or one backend. Default `'auto'`. */
  backend?: 'auto' | RuntimeBackend;
  /** Fetch for the model files. Default: global `fetch`. */
  fetch?: FetchLike;
}

/** What a started runtime reports. */
export interface RuntimeInfo {
  backend: RuntimeBackend;
  modelVersion: string;
  /** Log-odds of the head with a zero state and no features. */
  baseLogit: number;
  /** From `createRuntime` call to the warm-up's first answer, ms. */
  warmupMs: number;
}

/** A started runtime. */
export interface Runtime {
  info(): RuntimeInfo;
  /** One streaming step; `hidden` `[]` starts a session. */
  step(hidden: number[], x: ArrayLike<number>): Promise<{ logit: number; hidden: number[]; backend: RuntimeBackend; fallback?: string }>;
  /** Live tensors (leak checks). */
  numTensors(): number;
  /** Testing aid: loses the WebGL context as a GPU reset would (`WEBGL_lose_context`). */
  loseContext(): boolean;
  dispose(): void;
}

async function selectBackend(want: 'auto' | RuntimeBackend): Promise<RuntimeBackend> {
  const order: RuntimeBackend[] = want === 'auto' ? ['webgl', 'cpu'] : want === 'webgl' ? ['webgl', 'cpu'] : ['cpu'];
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        if (tf.getBackend() === name) return name;
      }
    } catch {
      /* try the next one */
    }
  }
  throw new Error('no TensorFlow.js backend could start');
}

function webglContext(): WebGLRenderingContext | undefined {
  const b = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
  return b?.gpgpu?.gl;
}

async function fetchModel(fetchFn: FetchLike, url: string): Promise<{ modelJson: IntentModelJson; bin: ArrayBuffer }> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const res = await fetchFn(base + INTENT_FILES.model);
  if (!res.ok) throw new Error(`intent model: ${base + INTENT_FILES.model} answered HTTP ${res.status}`);
  let modelJson: IntentModelJson;
  try {
    modelJson = (await res.json()) as IntentModelJson;
  } catch {
    throw new Error(`intent model: ${base + INTENT_FILES.model} is not valid JSON`);
  }
  const path = modelJson?.weightsManifest?.[0]?.paths?.[0];
  if (typeof path !== 'string') throw new Error('intent model: model.json names no weights file');
  const wres = await fetchFn(base + path);
  if (!wres.ok) throw new Error(`intent model: ${base + path} answered HTTP ${wres.status}`);
  return { modelJson, bin: await wres.arrayBuffer() };
}

/**
 * Starts a runtime: backend, weights, warm-up.
 * @throws Error when the model files cannot be fetched or do not match this code (404, truncated
 *   weights, other feature version), or no backend starts
 */
export async function createRuntime(init: RuntimeInit): Promise<Runtime> {
  const t0 = performance.now();
  const fetchFn = init.fetch ?? ((u: string) => fetch(u));
  const [backendName, files] = await Promise.all([selectBackend(init.backend ?? 'auto'), fetchModel(fetchFn, init.url)]);
  let backend = backendName;
  const build = () => {
    // decodeWeights checks byte lengths: a truncated file throws here, naming the model
    try {
      return deserializeIntentNet(files.modelJson, files.bin);
    } catch (err) {
      throw new Error(`intent model: ${(err as Error).message.replace(/^intent model: /, '')}`);
    }
  };
  let { weights, model } = build();
  const { hidden: H, inputDim: D } = netShape(weights);
  const baseLogit = (await weights.head.b.data())[0];

  const run = async (w: IntentWeights, hidden: number[], x: ArrayLike<number>) => {
    const [h, l] = tf.tidy(() => {
      const h0 = hidden.length === H ? tf.tensor2d(hidden, [1, H]) : tf.zeros([1, H]);
      const r = netStep(w, h0 as tf.Tensor2D, tf.tensor2d(Float32Array.from(x), [1, D]));
      return [r.hidden, r.logit] as const;
    });
    try {
      const [hd, ld] = await Promise.all([h.data(), l.data()]);
      if (!Number.isFinite(ld[0]) || hd.some((v) => !Number.isFinite(v))) throw new Error('non-finite output');
      return { logit: ld[0], hidden: Array.from(hd) };
    } finally {
      tf.dispose([h, l]);
    }
  };

  const toCpu = async (reason: string) => {
    disposeIntentWeights(weights);
    await tf.setBackend('cpu');
    await tf.ready();
    backend = 'cpu';
    ({ weights, model } = build());
    return reason;
  };

  // warm up: compiles every kernel once (WebGL shaders), so the first real event is fast
  await run(weights, [], new Float32Array(D));
  const warmupMs = performance.now() - t0;

  return {
    info: () => ({ backend, modelVersion: model.modelVersion, baseLogit, warmupMs }),
    async step(hidden, x) {
      let fallback: string | undefined;
      if (backend === 'webgl' && webglContext()?.isContextLost()) fallback = await toCpu('WebGL context lost');
      try {
        return { ...(await run(weights, hidden, x)), backend, fallback };
      } catch (err) {
        if (backend === 'cpu') throw err;
        fallback = await toCpu(`WebGL failed (${(err as Error)?.message ?? err})`);
        return { ...(await run(weights, hidden, x)), backend, fallback };
      }
    },
    numTensors: () => tf.memory().numTensors,
    loseContext() {
      const gl = backend === 'webgl' ? webglContext() : undefined;
      const ext = gl?.getExtension('WEBGL_lose_context');
      ext?.loseContext();
      return !!ext;
    },
    dispose() {
      disposeIntentWeights(weights);
    },
  };
}
