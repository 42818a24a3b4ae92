/**
 * Main-thread side of the model: starts the runtime in a Web Worker (WebGL on OffscreenCanvas)
 * when the browser can, otherwise imports the runtime module onto the main thread, and exposes
 * it as a {@link Predictor}. Both runtime files sit next to the hunch build (`assetBase`).
 */
import type { Predictor } from './predictor';
import type { WorkerRequest, WorkerResponse } from './protocol';
import type { Runtime, RuntimeInfo } from './runtime';

/** File names of the lazily loaded runtime, next to the hunch build. */
export const RUNTIME_FILES = { worker: 'hunch-worker.js', module: 'hunch-runtime.js' } as const;

/** How to start the model. */
export interface ModelClientOptions {
  /** Absolute URL of the model folder. */
  url: string;
  backend: 'auto' | 'webgl' | 'cpu';
  /** Absolute URL of the folder holding the runtime files. */
  assetBase: string;
  /** Try a worker first. Default true. */
  worker?: boolean;
  /** Called when the backend falls back mid-session (e.g. WebGL context lost). */
  onFallback?(reason: string, backend: string): void;
  /** Longest wait for the runtime to start, ms. Default 60,000. */
  timeoutMs?: number;
}

/** Extra handles for tests and the dashboard. */
export interface ModelPredictor extends Predictor {
  /** Where the model runs. */
  thread: 'worker' | 'main';
  /** Live tensors in the runtime. */
  stats(): Promise<{ numTensors: number; backend?: string }>;
  /** Testing aid: simulates a lost WebGL context. */
  loseContext(): Promise<boolean>;
}

/** A request without its id (distributes over the union). */
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** A model-file problem: no point retrying the same files on another thread. */
class ModelError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e) => (clearTimeout(t), reject(e)));
  });
}

function wrap(info: RuntimeInfo, thread: 'worker' | 'main', ops: { step: Runtime['step']; stats(): Promise<{ numTensors: number; backend?: string }>; lose(): Promise<boolean>; dispose(): void }, onFallback?: ModelClientOptions['onFallback']): ModelPredictor {
  let backend: string = info.backend;
  return {
    source: 'model',
    get backend() {
      return backend;
    },
    modelVersion: info.modelVersion,
    baseLogit: info.baseLogit,
    warmupMs: info.warmupMs,
    thread,
    async step(hidden, x) {
      const r = await ops.step(hidden, Array.from(x));
      if (r.backend !== backend) {
        backend = r.backend;
        onFallback?.(r.fallback ?? 'backend changed', backend);
      }
      return { logit: r.logit, hidden: r.hidden };
    },
    stats: ops.stats,
    loseContext: ops.lose,
    dispose: ops.dispose,
  };
}

async function startWorker(o: ModelClientOptions): Promise<ModelPredictor> {
  const worker = new Worker(new URL(RUNTIME_FILES.worker, o.assetBase).href);
  let seq = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let dead: Error | undefined;
  const failAll = (err: Error) => {
    dead = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.onmessage = (ev: MessageEvent<WorkerResponse>) => {
    const w = waiting.get(ev.data.id);
    if (!w) return;
    waiting.delete(ev.data.id);
    if (ev.data.ok) w.resolve(ev.data.result);
    else w.reject(new ModelError(ev.data.error));
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
    const info = await withTimeout(call<RuntimeInfo>({ op: 'init', init: { url: o.url, backend: o.backend } }), o.timeoutMs ?? 60_000, 'starting the model worker');
    return wrap(
      info,
      'worker',
      {
        step: (hidden, x) => call({ op: 'step', hidden, x: Array.from(x) }),
        stats: () => call({ op: 'stats' }),
        lose: () => call({ op: 'lose-context' }),
        dispose: () => worker.terminate(),
      },
      o.onFallback,
    );
  } catch (err) {
    worker.terminate();
    throw err;
  }
}

async function startMainThread(o: ModelClientOptions): Promise<ModelPredictor> {
  const url = new URL(RUNTIME_FILES.module, o.assetBase).href;
  const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as typeof import('./runtime-entry');
  const rt = await withTimeout(mod.createRuntime({ url: o.url, backend: o.backend }), o.timeoutMs ?? 60_000, 'starting the model');
  return wrap(
    rt.info(),
    'main',
    {
      step: (hidden, x) => rt.step(hidden, x),
      stats: async () => ({ numTensors: rt.numTensors(), backend: rt.info().backend }),
      lose: async () => rt.loseContext(),
      dispose: () => rt.dispose(),
    },
    o.onFallback,
  );
}

/**
 * Starts the model. Worker first when `Worker` and `OffscreenCanvas` exist (and `worker` is not
 * false); if the worker cannot start (CSP, no WebGL there), the main thread.
 * @throws Error when the model files are unusable (the caller falls back to the heuristic)
 */
export async function loadModelPredictor(o: ModelClientOptions): Promise<ModelPredictor> {
  const canWorker = o.worker !== false && typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined';
  if (canWorker) {
    try {
      return await startWorker(o);
    } catch (err) {
      if (err instanceof ModelError) throw err;
      // the worker itself could not run: try the main thread
    }
  }
  return startMainThread(o);
}
