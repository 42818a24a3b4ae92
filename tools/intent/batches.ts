/** Packing examples into padded batches (sorted by length, so padding stays small). */
import * as tf from '@tensorflow/tfjs-core';
import type { Example } from './dataset.js';

/** A padded batch as plain arrays. */
export interface Batch {
  /** Examples in this batch, in row order. */
  rows: Example[];
  /** Longest prefix in the batch (T). */
  T: number;
  /** Inputs, [B, T, D] flattened. */
  xs: Float32Array;
  /** 1 for real steps, [B, T]. */
  mask: Float32Array;
}

/** Groups examples into batches of similar length (at most `size` rows each). */
export function makeBatches(examples: readonly Example[], size: number, dim: number): Batch[] {
  const sorted = examples.slice().sort((a, b) => a.xs.length - b.xs.length);
  const out: Batch[] = [];
  for (let i = 0; i < sorted.length; i += size) {
    const rows = sorted.slice(i, i + size);
    const T = Math.max(...rows.map((r) => r.xs.length));
    const xs = new Float32Array(rows.length * T * dim);
    const mask = new Float32Array(rows.length * T);
    rows.forEach((r, b) => {
      r.xs.forEach((x, t) => {
        xs.set(x, (b * T + t) * dim);
        mask[b * T + t] = 1;
      });
    });
    out.push({ rows, T, xs, mask });
  }
  return out;
}

/** The batch's inputs and mask as tensors (caller disposes). */
export function batchTensors(b: Batch, dim: number): { xs: tf.Tensor3D; mask: tf.Tensor2D } {
  return {
    xs: tf.tensor3d(b.xs, [b.rows.length, b.T, dim]),
    mask: tf.tensor2d(b.mask, [b.rows.length, b.T]),
  };
}
