/** Batched prediction with the intent network: the purchase probability after each prefix. */
import * as tf from '@tensorflow/tfjs-core';
import { FEATURE_DIM } from '../../src/features/index.js';
import { forward, type IntentWeights } from '../../src/model/intent-net.js';
import { batchTensors, makeBatches } from './batches.js';
import type { Example } from './dataset.js';

/** Purchase logit after each example's last step, in input order. */
export function logitsLast(weights: IntentWeights, examples: readonly Example[]): Float64Array {
  const index = new Map(examples.map((e, i) => [e, i]));
  const out = new Float64Array(examples.length);
  for (const b of makeBatches(examples, 256, FEATURE_DIM)) {
    const logits = tf.tidy(() => {
      const { xs, mask } = batchTensors(b, FEATURE_DIM);
      return forward(weights, xs, mask).logits;
    });
    const v = logits.dataSync();
    logits.dispose();
    b.rows.forEach((r, i) => {
      out[index.get(r)!] = v[i * b.T + r.xs.length - 1];
    });
  }
  return out;
}

/** Logistic function. */
export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Probability of purchase after each example's last step, in input order.
 * @param biasShift optional log-odds added per example (e.g. a per-store bias); default none
 */
export function predictLast(weights: IntentWeights, examples: readonly Example[], biasShift?: (e: Example) => number): Float64Array {
  const z = logitsLast(weights, examples);
  return z.map((v, i) => sigmoid(v + (biasShift ? biasShift(examples[i]) : 0)));
}
