/**
 * The purchase-intent network as a pure function of weights and inputs, on `@tensorflow/tfjs-core`
 * ops only (no tfjs-layers), so it runs the same in a worker, on the main thread and in Node.
 *
 * Cell (a gated recurrent unit without reset gate, one fused matmul per step):
 * ```
 * [z_pre, c_pre] = [x, h] · W + b                (W: (D+H) × 2H)
 * h' = h + sigmoid(z_pre) ⊙ (tanh(c_pre) − h)
 * logit = [h', x] · w_head + b_head              (the head: what on-device fine-tuning adapts)
 * ```
 * The head reads the new state and the step's own features: with few buying sessions, the linear
 * path from the (cumulative) features carries most of the signal and the recurrence adds to it.
 * Per step: concat, fused matMul+bias, split, sigmoid, tanh, sub, mul, add, and the head's
 * concat + fused matMul+bias — 10 ops of 8 distinct kernels, the same at every step, so WebGL
 * compiles each shader once.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The output head: logit = [hidden, x] · w + b. Issue #8 fine-tunes this (or just `b`) per user. */
export interface IntentHead {
  /** Head kernel, shape [H + D, 1]: rows [0, H) read the hidden state, rows [H, H + D) the step's features. */
  w: tf.Tensor2D;
  /** Head bias, shape [1]. The base rate lives here: shift it to move every prediction's log-odds. */
  b: tf.Tensor1D;
}

/** All weights of the network. */
export interface IntentWeights {
  /** Fused gate kernel, shape [D + H, 2H]: columns [0, H) update gate, [H, 2H) candidate. */
  W: tf.Tensor2D;
  /** Fused gate bias, shape [2H]. */
  b: tf.Tensor1D;
  head: IntentHead;
}

/** Sizes of a network. */
export interface IntentNetShape {
  /** Input features per step (FEATURE_DIM). */
  inputDim: number;
  /** Hidden units (default 32). */
  hidden: number;
}

/** Default hidden size. */
export const DEFAULT_HIDDEN = 32;

/** Reads the sizes from a set of weights. */
export function netShape(w: IntentWeights): IntentNetShape {
  const hidden = w.b.shape[0] / 2;
  return { inputDim: w.W.shape[0] - hidden, hidden };
}

/** mulberry32: a tiny seeded PRNG, so initial weights are the same on every backend and machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fresh weights: Glorot-uniform kernels from a seeded PRNG, update-gate bias −1 (start by
 * mostly keeping the state), zero candidate and head biases.
 * @param shape sizes (`hidden` default {@link DEFAULT_HIDDEN})
 * @param seed PRNG seed (default 1)
 * @param headBias initial head bias, log-odds (default 0)
 */
export function initIntentWeights(shape: { inputDim: number; hidden?: number }, seed = 1, headBias = 0): IntentWeights {
  const D = shape.inputDim;
  const H = shape.hidden ?? DEFAULT_HIDDEN;
  if (!Number.isInteger(D) || D < 1) throw new TypeError('shape.inputDim: must be a positive integer');
  if (!Number.isInteger(H) || H < 1) throw new TypeError('shape.hidden: must be a positive integer');
  const rand = seededRandom(seed);
  const glorot = (fanIn: number, fanOut: number): Float32Array => {
    const lim = Math.sqrt(6 / (fanIn + fanOut));
    return Float32Array.from({ length: fanIn * fanOut }, () => (rand() * 2 - 1) * lim);
  };
  const bias = new Float32Array(2 * H);
  bias.fill(-1, 0, H);
  return {
    W: tf.tensor2d(glorot(D + H, 2 * H), [D + H, 2 * H]),
    b: tf.tensor1d(bias),
    head: { w: tf.tensor2d(glorot(H + D, 1), [H + D, 1]), b: tf.tensor1d([headBias]) },
  };
}

/** A zero hidden state for `batch` sessions, shape [batch, H]. */
export function initialHidden(weights: IntentWeights, batch = 1): tf.Tensor2D {
  return tf.zeros([batch, netShape(weights).hidden]);
}

/**
 * The head alone: logits from hidden states and the same steps' features, shape [B]. Reused by
 * personalization with its own head (keep `hidden` and `x` of each step to train it).
 * @param head head weights (the pretrained one or a per-user copy)
 * @param hidden hidden states after the steps, shape [B, H]
 * @param x the steps' features, shape [B, D]
 */
export function headLogit(head: IntentHead, hidden: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.reshape(tf.fused.matMul({ a: tf.concat([hidden, x], 1), b: head.w, bias: head.b }), [-1]) as tf.Tensor1D);
}

/** One recurrent update without the head. */
function cell(weights: IntentWeights, hidden: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D {
  const H = hidden.shape[1];
  const g = tf.fused.matMul({ a: tf.concat([x, hidden], 1), b: weights.W, bias: weights.b });
  const [zPre, cPre] = tf.split(g, [H, H], 1);
  return tf.add(hidden, tf.mul(tf.sigmoid(zPre), tf.sub(tf.tanh(cPre), hidden)));
}

/**
 * Streaming step: one new event per session.
 * @param weights network weights
 * @param hidden carried state, shape [B, H] ({@link initialHidden} for new sessions)
 * @param x this event's features, shape [B, D] (or [D] for one session)
 * @param head head to use (default `weights.head`)
 * @returns the new hidden state [B, H] and the purchase logit [B]; the caller disposes both
 */
export function step(
  weights: IntentWeights,
  hidden: tf.Tensor2D,
  x: tf.Tensor2D | tf.Tensor1D,
  head: IntentHead = weights.head,
): { hidden: tf.Tensor2D; logit: tf.Tensor1D } {
  return tf.tidy(() => {
    const x2 = x.rank === 1 ? tf.expandDims(x, 0) : x;
    const h = cell(weights, hidden, x2 as tf.Tensor2D);
    return { hidden: h, logit: headLogit(head, h, x2 as tf.Tensor2D) };
  });
}

/**
 * Full-sequence forward pass: the same numbers as calling {@link step} once per event.
 * Sequences shorter than T are right-padded; `mask` (1 = real step) keeps the hidden state
 * unchanged over padding, so `hidden` is each session's state after its last real step.
 * @param xs inputs, shape [B, T, D]
 * @param mask optional, shape [B, T]
 * @param head head to use (default `weights.head`)
 * @returns logits at every step [B, T] and the final hidden state [B, H]
 */
export function forward(
  weights: IntentWeights,
  xs: tf.Tensor3D,
  mask?: tf.Tensor2D,
  head: IntentHead = weights.head,
): { logits: tf.Tensor2D; hidden: tf.Tensor2D } {
  return tf.tidy(() => {
    const [B, T] = xs.shape;
    let h: tf.Tensor2D = tf.zeros([B, netShape(weights).hidden]);
    const hs: tf.Tensor2D[] = [];
    const steps = tf.unstack(xs, 1) as tf.Tensor2D[];
    const masks = mask ? (tf.unstack(tf.expandDims(mask, 2), 1) as tf.Tensor2D[]) : null;
    for (let t = 0; t < T; t++) {
      const next = cell(weights, h, steps[t]);
      h = masks ? tf.add(h, tf.mul(masks[t], tf.sub(next, h))) : next;
      hs.push(h);
    }
    // One head matmul over all steps: [B*T, H + D] · [H + D, 1].
    const allH = tf.reshape(tf.stack(hs, 1), [B * T, -1]) as tf.Tensor2D;
    const allX = tf.reshape(xs, [B * T, -1]) as tf.Tensor2D;
    const logits = tf.reshape(headLogit(head, allH, allX), [B, T]) as tf.Tensor2D;
    return { logits, hidden: h };
  });
}

/** Disposes every tensor of a set of weights. */
export function disposeIntentWeights(w: IntentWeights): void {
  tf.dispose([w.W, w.b, w.head.w, w.head.b]);
}
