/**
 * The intent network's step in plain JavaScript (float64 math on the float32 weights). It
 * answers from the moment the weights arrive, while the TensorFlow.js runtime starts and
 * compiles its WebGL shaders in the worker (seconds on a software GPU); then WebGL takes over
 * with the same hidden state. Same math as `intent-net.ts`:
 * `[z, c] = [x, h]·W + b; h' = h + σ(z)⊙(tanh(c) − h); logit = [h', x]·w_head + b_head`.
 */
import { INTENT_WEIGHT_NAMES, intentWeightShapes, type IntentModelJson } from './intent-format.js';
import type { ModelFiles } from './model-files.js';

/** Decoded weights, row-major. */
export interface JsNet {
  D: number;
  H: number;
  /** [D + H, 2H] */
  W: Float32Array;
  /** [2H] */
  b: Float32Array;
  /** [H + D] */
  hw: Float32Array;
  hb: number;
  modelVersion: string;
}

/**
 * Decodes the weights file (float32, in manifest order).
 * @throws Error when a weight is missing, has another shape or dtype, or the file is shorter or
 *   longer than `model.json` describes
 */
export function decodeJsNet({ modelJson, bin }: ModelFiles): JsNet {
  const m: IntentModelJson = modelJson;
  const D = m.inputDim;
  const H = m.hidden;
  const want = intentWeightShapes(D, H);
  const arrays: Record<string, Float32Array> = {};
  let offset = 0;
  for (const spec of m.weightsManifest.flatMap((g) => g.weights)) {
    if (spec.dtype !== 'float32') throw new Error(`intent model: weight ${spec.name} is ${spec.dtype}, not float32`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + n * 4 > bin.byteLength) throw new Error(`intent model: weights file is truncated (${bin.byteLength} bytes)`);
    arrays[spec.name] = new Float32Array(bin.slice(offset, offset + n * 4));
    // a NaN or ±Infinity would make every answer NaN (and the JS kernel skips zero inputs' rows, so one step cannot find it)
    if (!arrays[spec.name].every(Number.isFinite)) throw new Error(`intent model: weight ${spec.name} is not finite`);
    offset += n * 4;
    if (want[spec.name] && spec.shape.join() !== want[spec.name].join()) throw new Error(`intent model: weight ${spec.name} is not shaped [${want[spec.name]}]`);
  }
  // longer than model.json says is not these weights either (e.g. an HTML page answered in their place)
  if (offset !== bin.byteLength) throw new Error(`intent model: weights file is ${bin.byteLength} bytes, not the ${offset} model.json describes`);
  for (const name of Object.keys(want)) if (!arrays[name]) throw new Error(`intent model: weight ${name} missing`);
  return { D, H, W: arrays[INTENT_WEIGHT_NAMES.W], b: arrays[INTENT_WEIGHT_NAMES.b], hw: arrays[INTENT_WEIGHT_NAMES.hw], hb: arrays[INTENT_WEIGHT_NAMES.hb][0], modelVersion: m.modelVersion };
}

/**
 * One streaming step. `hidden` `[]` starts a session.
 * @param head a per-user head (`w`: H + D numbers, `b`) in place of the pretrained one (default none)
 */
export function jsStep(net: JsNet, hidden: readonly number[], x: ArrayLike<number>, head?: { w: ArrayLike<number>; b: number }): { logit: number; hidden: number[] } {
  const { D, H, W, b } = net;
  const h = hidden.length === H ? hidden : new Array<number>(H).fill(0);
  const cols = 2 * H;
  const g = Array.from(b, Number);
  for (let r = 0; r < D + H; r++) {
    const v = r < D ? x[r] : h[r - D];
    if (v === 0) continue;
    const row = r * cols;
    for (let c = 0; c < cols; c++) g[c] += v * W[row + c];
  }
  const next = new Array<number>(H);
  for (let j = 0; j < H; j++) {
    const z = 1 / (1 + Math.exp(-g[j]));
    next[j] = h[j] + z * (Math.tanh(g[H + j]) - h[j]);
  }
  return { logit: jsHeadLogit(net, next, x, head), hidden: next };
}

/**
 * The head alone: `logit = [h', x]·w + b` for a step's new hidden state `h'` and its features `x`.
 * A head set after a step re-scores it with this, without running the cell again.
 * @param head a per-user head in place of the pretrained one (default none)
 */
export function jsHeadLogit(net: Pick<JsNet, 'D' | 'H' | 'hw' | 'hb'>, hidden: readonly number[], x: ArrayLike<number>, head?: { w: ArrayLike<number>; b: number }): number {
  const { D, H } = net;
  const hw = head?.w ?? net.hw;
  let logit = head?.b ?? net.hb;
  for (let j = 0; j < H; j++) logit += (hidden[j] ?? 0) * hw[j];
  for (let i = 0; i < D; i++) logit += x[i] * hw[H + i];
  return logit;
}
