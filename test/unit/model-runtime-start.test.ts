// @vitest-environment node
// Starting the TensorFlow.js runtime from the model client: dispose() during the start, the time
// limit, and which failures try the main thread. The worker is a scripted stand-in; the
// main-thread runtime module is a small file written for each test (file:// assetBase).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchModel, withWorker, workers } from './model-fixture';
import { loadModelPredictor, RUNTIME_FILES, type ModelClientOptions } from '../../src/model/client';

const g = globalThis as Record<string, unknown>;

/** Counters the fake runtime modules write to. */
interface Probe {
  imported: number;
  created: number;
  live: number;
  gate?: Promise<void>;
}
let probe: Probe;
afterEach(() => {
  delete g.__probe;
});

/**
 * A folder holding a stand-in `hunch-runtime.js`: its evaluation counts `imported` and then awaits
 * `loading` (top-level), its `createRuntime` counts `created` and takes `startMs`.
 */
function runtimeModule({ loading = 'undefined', startMs = 0 } = {}): string {
  probe = { imported: 0, created: 0, live: 0 };
  g.__probe = probe;
  const folder = mkdtempSync(join(tmpdir(), 'hunch-rt-'));
  writeFileSync(
    join(folder, RUNTIME_FILES.module),
    `const p = globalThis.__probe; p.imported++;
await (${loading});
export async function createRuntime() {
  p.created++;
  await new Promise((r) => setTimeout(r, ${startMs}));
  p.live++;
  return { info: () => ({ backend: 'webgl', modelVersion: 'x', baseLogit: 0, warmupMs: 1 }), step: async () => ({ logit: 0, hidden: [], backend: 'webgl' }), setHead() {}, numTensors: () => 4, loseContext: async () => false, dispose() { p.live--; } };
}
`,
  );
  return pathToFileURL(join(folder, '/')).href;
}

const load = (o: Partial<ModelClientOptions>) => loadModelPredictor({ url: 'http://shop.test/models/', backend: 'auto', assetBase: 'http://shop.test/', fetch: fetchModel, ...o });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 2000 && !cond(); i++) await wait(1);
  expect(cond()).toBe(true);
};
const outcome = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => 'ready', (e: Error) => `rejected: ${e.message}`), wait(ms).then(() => 'pending')]);

describe('dispose() while the runtime starts', () => {
  it('a worker still starting (TF.js load, shader compile) is terminated at once, and nothing is said', async () => {
    withWorker(() => undefined); // init not answered yet
    const said: unknown[] = [];
    const p = await load({ onRuntime: (r) => said.push(r) });
    await until(() => workers.length === 1);
    p.dispose();
    expect(workers[0].terminated).toBe(true); // was terminated only when its init answered (up to timeoutMs)
    expect(await outcome(p.runtimeReady, 500)).toMatch(/rejected: model worker stopped/);
    expect(said).toEqual([]);
  });

  it('disposed right after loading (intent-service: loading.then(p => p.dispose())): no worker, no runtime module', async () => {
    withWorker(() => undefined);
    const p1 = await load({});
    p1.dispose();
    expect(await outcome(p1.runtimeReady, 500)).toMatch(/rejected: model disposed/);
    expect(workers).toHaveLength(0);
    delete g.Worker;
    const assetBase = runtimeModule();
    const p2 = await load({ worker: false, assetBase });
    p2.dispose();
    expect(await outcome(p2.runtimeReady, 500)).toMatch(/rejected: model disposed/);
    expect(probe.imported).toBe(0); // was imported (and started) after dispose()
  });

  it('disposed while the main-thread runtime module loads: the runtime is never created', async () => {
    let release!: () => void;
    const assetBase = runtimeModule({ loading: 'globalThis.__probe.gate' });
    probe.gate = new Promise<void>((r) => (release = r));
    const p = await load({ worker: false, assetBase, onRuntime: () => {} });
    await until(() => probe.imported === 1);
    p.dispose();
    release();
    expect(await outcome(p.runtimeReady, 1000)).toMatch(/rejected: model disposed/);
    expect(probe.created).toBe(0); // was created: weights and a WebGL context for nobody
  });
});

describe('the main-thread start within timeoutMs', () => {
  it('a runtime module that never arrives fails the start within timeoutMs, and says so', async () => {
    const assetBase = runtimeModule({ loading: 'new Promise(() => {})' });
    const said: unknown[] = [];
    const p = await load({ worker: false, assetBase, timeoutMs: 100, onRuntime: (r) => said.push(r) });
    expect(await outcome(p.runtimeReady, 1500)).toMatch(/rejected: starting the model timed out after 100 ms/); // was pending for good
    expect(said).toEqual([{ error: 'starting the model timed out after 100 ms' }]);
    p.dispose();
  });

  it('a runtime that starts after timeoutMs is disposed when it arrives', async () => {
    const assetBase = runtimeModule({ startMs: 300 });
    await import(/* @vite-ignore */ assetBase + RUNTIME_FILES.module); // loaded: the time limit is spent in createRuntime
    const p = await load({ worker: false, assetBase, timeoutMs: 100, onRuntime: () => {} });
    expect(await outcome(p.runtimeReady, 1500)).toMatch(/timed out/);
    await until(() => probe.created === 1);
    await wait(400);
    expect(probe.live).toBe(0); // was 1: its weights and WebGL context lived on
    expect(p.backend).toBe('js');
    p.dispose();
  });
});

describe('a worker that fails to start', () => {
  it('a WebGL failure in the worker (not a model-file problem) tries the main thread', async () => {
    withWorker((req) => (req.op === 'init' ? { id: req.id, ok: false, error: 'shader failed' } : undefined));
    const assetBase = runtimeModule();
    const said: unknown[] = [];
    const p = await load({ assetBase, onRuntime: (r) => said.push(r) });
    await p.runtimeReady; // rejected with 'shader failed', the main thread never tried
    expect(workers[0].terminated).toBe(true);
    expect(said).toEqual([expect.objectContaining({ backend: 'webgl', thread: 'main' })]);
    expect(p.thread).toBe('main');
    p.dispose();
    expect(probe.live).toBe(0);
  });

  it('the worker and then the main thread fail: the one error said names both causes (the worker\'s was lost)', async () => {
    withWorker((req) => (req.op === 'init' ? { id: req.id, ok: false, error: 'shader failed' } : undefined));
    const empty = pathToFileURL(join(mkdtempSync(join(tmpdir(), 'hunch-rt-none-')), '/')).href; // no hunch-runtime.js there
    const said: Array<{ error?: string }> = [];
    const p = await load({ assetBase: empty, onRuntime: (r) => said.push(r as { error?: string }) });
    await p.runtimeReady.catch(() => {});
    expect(said).toHaveLength(1);
    expect(said[0].error).toMatch(/in the worker before: .*shader failed/);
    expect(p.thread).toBe('main'); // the JS kernel answers
    p.dispose();
  });

  it('model files the worker refused are not tried on the main thread', async () => {
    withWorker((req) => (req.op === 'init' ? { id: req.id, ok: false, error: 'intent model: weight x missing', kind: 'model' } : undefined));
    const assetBase = runtimeModule();
    const said: unknown[] = [];
    const p = await load({ assetBase, onRuntime: (r) => said.push(r) });
    await expect(p.runtimeReady).rejects.toThrow('intent model: weight x missing');
    expect(probe.imported).toBe(0);
    expect(said).toEqual([{ error: 'intent model: weight x missing' }]);
    p.dispose();
  });

  it('a runtime that started on CPU because WebGL failed its warm-up says so once, as a fallback', async () => {
    const info = { backend: 'cpu', modelVersion: 'x', baseLogit: 0, warmupMs: 1, fallback: 'WebGL failed at start (shader failed)' };
    withWorker((req) => (req.op === 'init' ? { id: req.id, ok: true, result: info } : undefined));
    const fallbacks: string[] = [];
    const p = await load({ onRuntime: () => {}, onFallback: (why, backend) => fallbacks.push(`${why} -> ${backend}`) });
    await p.runtimeReady;
    expect(fallbacks).toEqual(['WebGL failed at start (shader failed) -> cpu']);
    p.dispose();
  });
});
