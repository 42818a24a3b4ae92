/**
 * Main-thread side of the model. Fetches and checks the model files, answers at once with the
 * plain-JS kernel (`js-net.ts`), and meanwhile starts the TensorFlow.js runtime in a Web Worker
 * (WebGL on OffscreenCanvas) — or, where no worker can run it, on the main thread — which takes
 * over with the same hidden state once its shaders are compiled. Exposed as a {@link Predictor}.
 * The runtime files sit next to the hunch build, or where `model.runtimeUrl` says (`assetBase`).
 */
import { decodeJsNet, jsHeadLogit, jsStep, type JsNet } from './js-net.js';
import { fetchModelFiles, modelFileUrl, namingUrl, type FetchLike, type ModelFiles } from './model-files.js';
import type { PersonalHead } from '../personalize/head.js';
import type { Predictor } from './predictor.js';
import { ModelFileError, type WorkerRequest, type WorkerResponse } from './protocol.js';
import type { Runtime, RuntimeInfo } from './runtime.js';
import { withTimeout } from '../timeout.js';

/** File names of the lazily loaded runtime, next to the hunch build. */
export const RUNTIME_FILES = { worker: 'hunch-worker.js', module: 'hunch-runtime.js' } as const;

/** How to start the model. */
export interface ModelClientOptions {
  /** Absolute URL of the model folder. */
  url: string;
  backend: 'auto' | 'webgl' | 'cpu';
  /**
   * Absolute URL of the folder holding the runtime files ({@link RUNTIME_FILES}), with or without
   * a trailing slash. Without one the runtime does not start (`onRuntime` says so) and the plain-JS
   * kernel answers.
   */
  assetBase: string | undefined;
  /** Try a worker first. Default true. */
  worker?: boolean;
  /** Called when the backend falls back: mid-session (e.g. WebGL context lost), or at start when WebGL failed its warm-up (`'auto'`). */
  onFallback?(reason: string, backend: string): void;
  /** Longest wait for the runtime to start, ms. Default 60,000. */
  timeoutMs?: number;
  /** Longest wait for the model files, ms. Default 30,000 (then the caller falls back to the heuristic). */
  fetchTimeoutMs?: number;
  /**
   * Longest wait for one step of the started runtime, ms. Default 10,000. A step that fails or
   * takes longer stops the runtime; the plain-JS kernel answers from then on, with the same state.
   */
  stepTimeoutMs?: number;
  /** Called once the TensorFlow.js runtime took over, or with `error` when it could not start or failed later (the JS kernel answers then). */
  onRuntime?(r: { backend: string; thread: 'worker' | 'main'; readyMs: number } | { error: string }): void;
  /** Fetch for the model files. Default: global `fetch`. */
  fetch?: FetchLike;
}

/** Extra handles for tests and the dashboard. */
export interface ModelPredictor extends Predictor {
  /** Where the model runs now (`'main'` for the JS kernel before the runtime takes over). */
  readonly thread: 'worker' | 'main';
  /** Resolves when the TensorFlow.js runtime has taken over (or rejects when it cannot start). */
  runtimeReady: Promise<void>;
  /** Live tensors in the runtime. */
  stats(): Promise<{ numTensors: number; backend?: string }>;
  /** Testing aid: simulates a lost WebGL context. */
  loseContext(): Promise<boolean>;
}

/** A request without its id (distributes over the union). */
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** What a runtime start knows of its predictor's life. */
interface StartLife {
  disposed(): boolean;
  /** Registers how to stop what is starting (a worker): `dispose()` calls it at once. */
  onDispose(stop: () => void): void;
}

/** The error a start ends with when the predictor was disposed meanwhile. */
const stopped = () => new Error('model disposed while its runtime started');

/** Operations of a started TensorFlow.js runtime, wherever it runs. */
interface RuntimeOps {
  info: RuntimeInfo;
  thread: 'worker' | 'main';
  step: Runtime['step'];
  setHead(head: PersonalHead | null): Promise<unknown>;
  stats(): Promise<{ numTensors: number; backend?: string }>;
  lose(): Promise<boolean>;
  dispose(): void;
}

/**
 * The worker for the runtime script at `url`. A script on another origin (hunch served from a CDN)
 * cannot start a worker itself (`SecurityError`), so a same-origin blob worker imports it
 * (`importScripts` loads classic scripts across origins); where the page's CSP forbids `blob:`
 * workers this throws too, and the main-thread runtime is used. `done()` frees the blob URL.
 */
function newWorker(url: string): { worker: Worker; done(): void } {
  if (typeof location === 'undefined' || new URL(url).origin === location.origin) return { worker: new Worker(url), done() {} };
  const blob = URL.createObjectURL(new Blob([`importScripts(${JSON.stringify(url)});`], { type: 'text/javascript' }));
  try {
    return { worker: new Worker(blob), done: () => URL.revokeObjectURL(blob) };
  } catch (err) {
    URL.revokeObjectURL(blob);
    throw err;
  }
}

/** The URL of a runtime file; startRuntime has checked that `o.assetBase` is set. */
const runtimeFileUrl = (o: ModelClientOptions, file: string): string => modelFileUrl(o.assetBase as string, file);

async function startWorker(o: ModelClientOptions, files: ModelFiles, life: StartLife): Promise<RuntimeOps> {
  const { worker, done } = newWorker(runtimeFileUrl(o, RUNTIME_FILES.worker));
  let seq = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let dead: Error | undefined;
  const failAll = (err: Error) => {
    dead = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  /** Stops the worker; calls still waiting (its start too) settle instead of hanging. */
  const stop = () => {
    failAll(new Error('model worker stopped'));
    worker.terminate();
  };
  life.onDispose(stop); // dispose() while it starts (TF.js load, shader compile) stops it at once
  worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
    const w = waiting.get(ev.data.id);
    if (!w) return;
    waiting.delete(ev.data.id);
    if (ev.data.ok) w.resolve(ev.data.result);
    else w.reject(ev.data.kind === 'model' ? new ModelFileError(ev.data.error) : new Error(ev.data.error));
  };
  worker.onerror = (ev) => {
    ev.preventDefault?.();
    failAll(new Error(`model worker failed: ${ev.message || 'could not start'}`));
  };
  const call = <T>(req: Request): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = ++seq;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...req, id } as WorkerRequest);
    });
  };
  try {
    const info = await withTimeout(call<RuntimeInfo>({ op: 'init', init: { files, backend: o.backend } }), o.timeoutMs ?? 60_000, 'starting the model worker');
    return {
      info,
      thread: 'worker',
      step: (hidden, x) => call({ op: 'step', hidden, x: Array.from(x) }),
      setHead: (head) => call({ op: 'set-head', head }),
      stats: () => call({ op: 'stats' }),
      lose: () => call({ op: 'lose-context' }),
      dispose: stop,
    };
  } catch (err) {
    stop();
    throw err;
  } finally {
    done(); // the worker has loaded its script (or failed): the blob URL is no longer needed
  }
}

/**
 * The runtime on the main thread: imports the runtime module and starts it, both within
 * `timeoutMs` (a request for the module that never completes fails the start too). A runtime
 * that starts after the time limit, or after `dispose()`, is disposed when it arrives.
 */
async function startMainThread(o: ModelClientOptions, files: ModelFiles, life: StartLife): Promise<RuntimeOps> {
  if (life.disposed()) throw stopped();
  const url = runtimeFileUrl(o, RUNTIME_FILES.module);
  let abandoned = false;
  const starting = (async () => {
    const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as typeof import('./runtime-entry.js');
    if (abandoned || life.disposed()) throw stopped(); // nobody waits for it: no weights, no WebGL context for nothing
    return mod.createRuntime({ files, backend: o.backend });
  })();
  let rt: Runtime;
  try {
    rt = await withTimeout(starting, o.timeoutMs ?? 60_000, 'starting the model');
  } catch (err) {
    abandoned = true;
    starting.then((late) => late.dispose(), () => {}); // frees the weights and WebGL context of a late start
    throw err;
  }
  return {
    info: rt.info(),
    thread: 'main',
    step: (hidden, x) => rt.step(hidden, x),
    setHead: async (head) => rt.setHead(head),
    stats: async () => ({ numTensors: rt.numTensors(), backend: rt.info().backend }),
    lose: async () => rt.loseContext(),
    dispose: () => rt.dispose(),
  };
}

/**
 * Starts the runtime, in a worker first. Starts a macrotask after the call, so a `dispose()` in
 * the caller's continuation of `loadModelPredictor` (a model disposed while it loaded) starts
 * nothing: no worker, no runtime module request.
 */
async function startRuntime(o: ModelClientOptions, files: ModelFiles, life: StartLife): Promise<RuntimeOps> {
  await new Promise((r) => setTimeout(r, 0));
  if (life.disposed()) throw stopped();
  if (!o.assetBase) throw new Error(`no location for ${RUNTIME_FILES.worker} and ${RUNTIME_FILES.module}: pass model.runtimeUrl`);
  const canWorker = o.worker !== false && typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined';
  let inWorker: unknown;
  if (canWorker) {
    try {
      // the worker gets its own copy of the bytes
      return await startWorker(o, { modelJson: files.modelJson, bin: files.bin.slice(0) }, life);
    } catch (err) {
      // the worker itself could not run (CSP), had no backend it may use (no WebGL in a worker,
      // and 'webgl' asked for), or its WebGL failed (shaders): try the main thread, whose WebGL
      // differs; model files the worker refused fail there too
      if (err instanceof ModelFileError) throw err;
      if (life.disposed()) throw err; // nobody wants a model any more: no main-thread runtime is loaded for nothing
      inWorker = err;
    }
  }
  try {
    return await startMainThread(o, files, life);
  } catch (err) {
    // both failed: the one error said names both causes (the worker's is often the telling one)
    if (inWorker === undefined || life.disposed()) throw err;
    throw new Error(`${(err as Error)?.message ?? err} (in the worker before: ${(inWorker as Error)?.message ?? inWorker})`);
  }
}

/**
 * Starts the model: fetches and checks its files, answers with the JS kernel at once, and hands
 * over to the TensorFlow.js runtime (worker first) when it is ready. `warmupMs` is the time from
 * this call to the first answer; `onRuntime` reports the takeover.
 * @throws Error naming the model's URL when its files are unusable (404, an HTML page, corrupt,
 *   other feature version) or do not arrive within `fetchTimeoutMs`: the caller falls back to the heuristic
 */
export async function loadModelPredictor(o: ModelClientOptions): Promise<ModelPredictor> {
  const t0 = performance.now();
  const files = await withTimeout(fetchModelFiles(o.fetch ?? ((u) => fetch(u)), o.url), o.fetchTimeoutMs ?? 30_000, `fetching the intent model from ${o.url}`);
  let net: JsNet;
  try {
    net = decodeJsNet(files);
    // the first answer: proves the weights compute
    if (!Number.isFinite(jsStep(net, [], new Float32Array(net.D).fill(0.5)).logit)) throw new Error('intent model: its first answer is not finite');
  } catch (err) {
    throw namingUrl(err, o.url);
  }
  const warmupMs = performance.now() - t0;
  let rt: RuntimeOps | undefined;
  let backend = 'js';
  let personal: PersonalHead | null = null; // per-user head (issue #8), used by both kernels
  let headRevision = 0;
  let disposed = false;
  const stops: Array<() => void> = []; // what dispose() stops of a runtime still starting
  /** Stops a runtime that failed a call; the JS kernel answers from then on (said as a runtime failure). */
  const drop = (ops: RuntimeOps, err: unknown): void => {
    if (rt !== ops || disposed) return;
    rt = undefined;
    ops.dispose();
    backend = 'js';
    o.onRuntime?.({ error: `model runtime failed: ${String((err as Error)?.message ?? err)}` });
  };
  const stepMs = o.stepTimeoutMs ?? 10_000;
  /**
   * A call to the runtime `ops`, within the step time limit: a runtime that fails it or does not
   * answer (worker crashed, context gone for good, hung) is stopped, and `fallback()` answers.
   */
  const bounded = <T>(ops: RuntimeOps, call: Promise<T>, what: string, fallback: () => T): Promise<T> =>
    withTimeout(call, stepMs, what).catch((err) => (drop(ops, err), fallback()));
  /** Sends the personal head to the runtime in use; a failure stops it, as a failed step does. */
  const sendHead = (ops: RuntimeOps, head: PersonalHead | null) => bounded(ops, ops.setHead(head), 'setting the personal head', () => undefined);
  const failed = (err: unknown) => {
    if (!disposed) o.onRuntime?.({ error: String((err as Error)?.message ?? err) });
    throw err;
  };
  const life: StartLife = { disposed: () => disposed, onDispose: (stop) => stops.push(stop) };
  const runtimeReady = startRuntime(o, files, life).then(async (ops) => {
    if (disposed) return ops.dispose(); // disposed while the runtime started: stop its worker now
    const sent = personal;
    try {
      if (sent) await withTimeout(ops.setHead(sent), stepMs, 'handing the personal head to the runtime');
    } catch (err) {
      // the runtime refused the personal head: it is stopped (no worker left running unused) and
      // said, and the JS kernel, which has the head, goes on answering
      ops.dispose();
      return failed(err);
    }
    if (disposed) return ops.dispose(); // …or while the personal head was on its way
    rt = ops;
    backend = ops.info.backend; // with rt: a step answered meanwhile must not read as a fallback
    if (personal !== sent) await sendHead(ops, personal); // changed while the head was on its way
    if (rt !== ops) return;
    if (ops.info.fallback) o.onFallback?.(ops.info.fallback, backend); // WebGL failed its warm-up: said once, as a fallback mid-session is
    o.onRuntime?.({ backend, thread: ops.thread, readyMs: performance.now() - t0 });
  }, failed);
  runtimeReady.catch(() => {}); // the JS kernel keeps answering
  return {
    get source() {
      return personal ? ('personalized' as const) : ('model' as const);
    },
    jsNet: net,
    get headRevision() {
      return headRevision;
    },
    relogit: (hidden, x) => jsHeadLogit(net, hidden, x, personal ?? undefined),
    async setHead(head) {
      personal = head;
      headRevision++;
      const ops = rt;
      if (ops) await sendHead(ops, head);
    },
    get backend() {
      return backend;
    },
    get thread() {
      return rt?.thread ?? 'main';
    },
    modelVersion: net.modelVersion,
    // the prior follows the head in use: a personal head's bias is this shopper's base rate, so
    // the first step's reason weight and a session with no steps yet must start from it
    get baseLogit() {
      return personal ? personal.b : net.hb;
    },
    warmupMs,
    runtimeReady,
    async step(hidden, x) {
      if (!rt) return jsStep(net, hidden, x, personal ?? undefined);
      // a runtime that died or hangs is stopped; the plain-JS kernel, which takes the same hidden state, carries on
      const ops = rt;
      const r = await bounded(ops, ops.step(hidden, Array.from(x)), 'a model step', () => null);
      if (!r) return jsStep(net, hidden, x, personal ?? undefined);
      if (r.backend !== backend) {
        backend = r.backend;
        o.onFallback?.(r.fallback ?? 'backend changed', backend);
      }
      return { logit: r.logit, hidden: r.hidden };
    },
    // bounded like a step: a runtime that does not answer is stopped, and the JS kernel goes on
    stats() {
      const ops = rt;
      if (!ops) return Promise.resolve({ numTensors: 0, backend });
      return bounded(ops, ops.stats(), 'reading the runtime stats', () => ({ numTensors: 0, backend }));
    },
    loseContext() {
      const ops = rt;
      if (!ops) return Promise.resolve(false);
      return bounded(ops, ops.lose(), 'losing the WebGL context', () => false);
    },
    dispose() {
      disposed = true;
      for (const stop of stops.splice(0)) stop();
      rt?.dispose();
      rt = undefined; // a step in flight never answers now: it must not report a failure later
    },
  };
}
