/** Messages between the main thread and the model worker. */
import type { RuntimeInit } from './runtime.js';

/** Main thread → worker. */
export type WorkerRequest =
  | { id: number; op: 'init'; init: RuntimeInit }
  | { id: number; op: 'step'; hidden: number[]; x: number[] }
  | { id: number; op: 'set-head'; head: { w: number[]; b: number } | null }
  | { id: number; op: 'stats' }
  | { id: number; op: 'lose-context' };

/** Worker → main thread. `kind: 'model'`: the model's files are unusable (see {@link ModelFileError}). */
export type WorkerResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string; kind?: 'model' };

/** The runtime's error when no TensorFlow.js backend it may use starts (the main thread may still have one the worker lacks). */
export const NO_BACKEND = 'no TensorFlow.js backend could start';

/**
 * The model's files do not decode (truncated, wrong shapes): no other thread or backend can run
 * them, unlike a failure of the runtime itself (no backend, a shader that does not compile).
 */
export class ModelFileError extends Error {
  readonly kind = 'model' as const;
}

/** Whether `err` is a {@link ModelFileError}, also one thrown by another bundle's copy of the class. */
export function isModelFileError(err: unknown): boolean {
  return (err as { kind?: unknown } | null)?.kind === 'model';
}
