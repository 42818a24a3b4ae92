/** Messages between the main thread and the model worker. */
import type { RuntimeInit } from './runtime.js';

/** Main thread → worker. */
export type WorkerRequest =
  | { id: number; op: 'init'; init: RuntimeInit }
  | { id: number; op: 'step'; hidden: number[]; x: number[] }
  | { id: number; op: 'set-head'; head: { w: number[]; b: number } | null }
  | { id: number; op: 'stats' }
  | { id: number; op: 'lose-context' };

/** Worker → main thread. */
export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** The runtime's error when no TensorFlow.js backend it may use starts (the main thread may still have one the worker lacks). */
export const NO_BACKEND = 'no TensorFlow.js backend could start';
