// @vitest-environment node
// createRuntime when WebGL fails during its start (a shader that does not compile): a stand-in
// 'webgl' backend (the CPU backend's kernels under that name) whose Tanh kernel can be made to throw.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/model/runtime';
import { isModelFileError } from '../../src/model/protocol';

const dir = new URL('../../models/intent/', import.meta.url);
const modelJson = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8'));
const b = readFileSync(new URL('weights.bin', dir));
const files = { modelJson, bin: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };

let failing = false;
beforeAll(() => {
  // createRuntime's import registered the real backends; this 'webgl' replaces the real one (no WebGL in Node)
  if (tf.findBackendFactory('webgl')) tf.removeBackend('webgl');
  for (const k of tf.getKernelsForBackend('webgl')) tf.unregisterKernel(k.kernelName, 'webgl');
  for (const k of tf.getKernelsForBackend('cpu')) {
    const f = k.kernelFunc;
    tf.registerKernel({
      ...k,
      backendName: 'webgl',
      kernelFunc: ((a: Parameters<typeof f>[0]) => {
        if (failing && k.kernelName === 'Tanh') throw new Error('shader failed');
        return f(a);
      }) as typeof f,
    });
  }
  tf.registerBackend('webgl', () => new MathBackendCPU(), 3);
});
afterEach(() => {
  failing = false;
});

describe('createRuntime when WebGL fails its warm-up', () => {
  it("'auto' starts on CPU, says why, and leaves only its own weights", async () => {
    failing = true;
    const before = tf.memory().numTensors;
    const rt = await createRuntime({ files, backend: 'auto' }); // rejected with 'shader failed'
    expect(rt.info()).toMatchObject({ backend: 'cpu', fallback: 'WebGL failed at start (shader failed)' });
    expect(tf.memory().numTensors - before).toBe(4); // the four weights on CPU; none left on the failed WebGL
    const r = await rt.step([], new Float32Array(modelJson.inputDim).fill(0.5));
    expect(r.backend).toBe('cpu');
    expect(Number.isFinite(r.logit)).toBe(true);
    rt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'webgl' asked for by name fails, and no weights are left behind", async () => {
    failing = true;
    const before = tf.memory().numTensors;
    await expect(createRuntime({ files, backend: 'webgl' })).rejects.toThrow('shader failed');
    expect(tf.memory().numTensors).toBe(before); // were 4 leaked
  });

  it('a WebGL start that works reports no fallback', async () => {
    const rt = await createRuntime({ files, backend: 'auto' });
    expect(rt.info().backend).toBe('webgl');
    expect(rt.info().fallback).toBeUndefined();
    rt.dispose();
  });

  it('weights that do not decode are a model-file error (the client tries no other thread), not retried on CPU', async () => {
    const before = tf.memory().numTensors;
    const err = await createRuntime({ files: { modelJson, bin: files.bin.slice(0, 100) }, backend: 'auto' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^intent model: /);
    expect(isModelFileError(err)).toBe(true);
    expect(tf.getBackend()).toBe('webgl');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the worker (worker-entry) answering a failed init', () => {
  it("marks a model-file error kind: 'model' (the main thread is not tried) and a WebGL failure not", async () => {
    const answers: unknown[] = [];
    const scope = { onmessage: null as ((ev: { data: unknown }) => void) | null, postMessage: (m: unknown) => answers.push(m) };
    (globalThis as Record<string, unknown>).self = scope;
    try {
      await import('../../src/model/worker-entry');
    } finally {
      delete (globalThis as Record<string, unknown>).self;
    }
    const ask = async (data: unknown) => {
      const n = answers.length;
      scope.onmessage!({ data });
      for (let i = 0; i < 1000 && answers.length === n; i++) await new Promise((r) => setTimeout(r, 1));
      return answers[n];
    };
    expect(await ask({ id: 1, op: 'init', init: { files: { modelJson, bin: files.bin.slice(0, 100) }, backend: 'cpu' } })).toEqual({ id: 1, ok: false, error: expect.stringMatching(/^intent model: /), kind: 'model' });
    failing = true;
    expect(await ask({ id: 2, op: 'init', init: { files, backend: 'webgl' } })).toEqual({ id: 2, ok: false, error: 'shader failed' });
  });
});
