/**
 * The TensorFlow.js side of intent: picks a backend (`'auto'` = WebGL, falling back to CPU),
 * loads the weights, warms up once, and runs streaming steps. Runs inside the worker
 * (`worker-entry.ts`, WebGL on an OffscreenCanvas) or on the main thread (`runtime-entry.ts`).
 *
 * When WebGL fails mid-session (context lost, an op throws, or a non-finite output), the weights
 * are rebuilt on the CPU backend from a copy kept at load, and the step is retried: predictions
 * keep coming and `backend` says `'cpu'`. A WebGL failure during the start-up's warm-up step (a
 * shader that does not compile) starts on CPU likewise with `'auto'`. No tensor outlives a step
 * (`numTensors` stays flat), nor a start that fails.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { deserializeIntentNet } from './intent-io.js';
import type { ModelFiles } from './model-files.js';
import { step as netStep, disposeIntentWeights, type IntentHead, type IntentWeights } from './intent-net.js';
import { ModelFileError, NO_BACKEND } from './protocol.js';

/** Backends the runtime can use, in fallback order. */
export type RuntimeBackend = 'webgl' | 'cpu';

/** How to start a runtime. */
export interface RuntimeInit {
  /** The model's files, fetched and checked by the main thread (`fetchModelFiles`). */
  files: ModelFiles;
  /** `'auto'` (WebGL, then CPU), or one backend. Default `'auto'`. */
  backend?: 'auto' | RuntimeBackend;
  /**
   * Read each step's result with a blocking download (default false). The worker turns it on:
   * blocking costs nothing there, and the async read polls a fence on timers, adding
   * milliseconds per step. Off on the main thread, so a queue of steps yields to the page.
   */
  syncRead?: boolean;
}

/** What a started runtime reports. */
export interface RuntimeInfo {
  backend: RuntimeBackend;
  modelVersion: string;
  /** Log-odds of the head with a zero state and no features. */
  baseLogit: number;
  /** From the `createRuntime` call to the end of its warm-up step, ms. */
  warmupMs: number;
  /** Why WebGL was given up during the start (`'auto'`: its warm-up failed, the runtime runs on CPU). */
  fallback?: string;
}

/** A started runtime. */
export interface Runtime {
  info(): RuntimeInfo;
  /** One streaming step; `hidden` `[]` starts a session. */
  step(hidden: number[], x: ArrayLike<number>): Promise<{ logit: number; hidden: number[]; backend: RuntimeBackend; fallback?: string }>;
  /** Uses a per-user head (`w`: H + D numbers, `b`) from the next step on; `null`: the pretrained head. */
  setHead(head: { w: number[]; b: number } | null): void;
  /** Live tensors (leak checks). */
  numTensors(): number;
  /**
   * Testing aid: a GPU reset as browsers do it (`WEBGL_lose_context`): the context is lost, then
   * restored (TensorFlow.js asks for the restore), with every texture gone. Resolves once it is
   * restored (at most 2 s); false without a WebGL context.
   */
  loseContext(): Promise<boolean>;
  dispose(): void;
}

async function selectBackend(want: 'auto' | RuntimeBackend): Promise<RuntimeBackend> {
  const order: RuntimeBackend[] = want === 'auto' ? ['webgl', 'cpu'] : [want]; // 'webgl' is strict at start (the client then tries the main thread, then the JS kernel answers)
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
  throw new Error(NO_BACKEND);
}

function webglContext(): WebGLRenderingContext | undefined {
  const b = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
  return b?.gpgpu?.gl;
}

/**
 * Starts a runtime: backend, weights, warm-up (compiles the WebGL shaders). With `'auto'`, a
 * WebGL failure during the warm-up starts it on CPU (`info().fallback` says why).
 * @throws ModelFileError when the weights do not decode (truncated, wrong shapes); Error when no
 *   backend starts, or the warm-up fails on the backend asked for (no weights are left behind)
 */
export async function createRuntime(init: RuntimeInit): Promise<Runtime> {
  const t0 = performance.now();
  const files = init.files;
  const want = init.backend ?? 'auto';
  let backend = await selectBackend(want);
  const build = () => {
    // decodeWeights checks byte lengths: a truncated file throws here, naming the model
    try {
      return deserializeIntentNet(files.modelJson, files.bin);
    } catch (err) {
      throw new ModelFileError(`intent model: ${(err as Error).message.replace(/^intent model: /, '')}`);
    }
  };
  // a lost context may be restored (TensorFlow.js prevents the default, which asks the browser to)
  // before the next step, and then looks alive with every texture gone: the loss is remembered
  let lost = false;
  (webglContext()?.canvas as EventTarget | undefined)?.addEventListener?.('webglcontextlost', () => (lost = true));
  const { hidden: H, inputDim: D } = files.modelJson; // build() checks the weights against both
  // per-user head (personalization): kept as numbers so it can be rebuilt on a backend change
  let personal: { w: number[]; b: number } | null = null;
  let personalT: IntentHead | undefined;
  const buildHead = () => {
    if (personalT) tf.dispose([personalT.w, personalT.b]);
    personalT = personal ? { w: tf.tensor2d(personal.w, [H + D, 1]), b: tf.tensor1d([personal.b]) } : undefined;
  };

  const run = async (w: IntentWeights, hidden: number[], x: ArrayLike<number>) => {
    // hidden state and logit come back in one download: each read from the GPU is a sync point
    // that costs more than the step's kernels on a software renderer
    const out = tf.tidy(() => {
      const h0 = hidden.length === H ? tf.tensor2d(hidden, [1, H]) : tf.zeros([1, H]);
      const r = netStep(w, h0 as tf.Tensor2D, tf.tensor2d(Float32Array.from(x), [1, D]), personalT ?? w.head);
      return tf.concat([r.hidden, tf.reshape(r.logit, [1, 1])], 1);
    });
    try {
      const v = init.syncRead ? out.dataSync() : await out.data();
      if (v.some((x) => !Number.isFinite(x))) throw new Error('non-finite output');
      return { logit: v[H], hidden: Array.from(v.subarray(0, H)) };
    } finally {
      out.dispose();
    }
  };

  const useCpu = async () => {
    await tf.setBackend('cpu');
    await tf.ready();
    backend = 'cpu';
  };

  /** Builds the weights on the current backend and warms up: compiles every kernel once (WebGL shaders), so the first real event is fast. A failure frees the weights. */
  const warmUp = async () => {
    const built = build();
    try {
      const base = (await built.weights.head.b.data())[0];
      await run(built.weights, [], new Float32Array(D));
      return { ...built, baseLogit: base };
    } catch (err) {
      disposeIntentWeights(built.weights);
      throw err;
    }
  };
  let fallbackAtStart: string | undefined;
  let started: Awaited<ReturnType<typeof warmUp>>;
  try {
    started = await warmUp();
  } catch (err) {
    // a model that does not decode fails on every backend; WebGL asked for by name is strict
    if (err instanceof ModelFileError || want !== 'auto' || backend !== 'webgl') throw err;
    fallbackAtStart = `WebGL failed at start (${(err as Error)?.message ?? err})`;
    await useCpu();
    started = await warmUp();
  }
  let { weights, model } = started;
  const { baseLogit } = started;
  const warmupMs = performance.now() - t0;

  const toCpu = async (reason: string) => {
    disposeIntentWeights(weights);
    await useCpu();
    ({ weights, model } = build());
    buildHead();
    return reason;
  };

  return {
    info: () => ({ backend, modelVersion: model.modelVersion, baseLogit, warmupMs, ...(fallbackAtStart ? { fallback: fallbackAtStart } : {}) }),
    async step(hidden, x) {
      let fallback: string | undefined;
      if (backend === 'webgl' && (lost || webglContext()?.isContextLost())) fallback = await toCpu('WebGL context lost');
      try {
        return { ...(await run(weights, hidden, x)), backend, fallback };
      } catch (err) {
        if (backend === 'cpu') throw err;
        fallback = await toCpu(`WebGL failed (${(err as Error)?.message ?? err})`);
        return { ...(await run(weights, hidden, x)), backend, fallback };
      }
    },
    setHead(head) {
      if (head && (!Array.isArray(head.w) || head.w.length !== H + D || !Number.isFinite(head.b))) throw new TypeError(`head: must be { w: ${H + D} numbers, b }`);
      personal = head;
      buildHead();
    },
    numTensors: () => tf.memory().numTensors,
    async loseContext() {
      const gl = backend === 'webgl' ? webglContext() : undefined;
      const ext = gl?.getExtension('WEBGL_lose_context');
      if (!gl || !ext) return false;
      const restored = new Promise((r) => {
        (gl.canvas as EventTarget).addEventListener('webglcontextrestored', r, { once: true });
        setTimeout(r, 2000);
      });
      ext.loseContext();
      await new Promise((r) => setTimeout(r, 0)); // the loss is announced as an event first
      ext.restoreContext();
      await restored;
      return true;
    },
    dispose() {
      personal = null;
      buildHead();
      disposeIntentWeights(weights);
    },
  };
}
