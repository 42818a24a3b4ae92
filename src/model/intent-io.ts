/**
 * Intent model files in TensorFlow.js weights format: `model.json` (with `weightsManifest` /
 * `weightSpecs`) plus one `weights.bin`, written and read with `tf.io.encodeWeights` /
 * `tf.io.decodeWeights`. `meta.json` next to them holds the training record (data counts,
 * metrics, base rates); it is not needed to run the model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FEATURE_DIM, FEATURE_VERSION } from '../features/index.js';
import type { FetchLike } from '../fetch-like.js';
import { INTENT_ARCH_VERSION, INTENT_FILES, INTENT_FORMAT, INTENT_WEIGHT_NAMES, checkIntentModelJson, intentWeightShapes, type IntentModelJson } from './intent-format.js';
import { fetchModelFiles } from './model-files.js';
import { netShape, type IntentWeights } from './intent-net.js';

export { INTENT_FORMAT, INTENT_ARCH_VERSION, INTENT_FILES, INTENT_WEIGHT_NAMES, checkIntentModelJson, type BaseRateInfo, type IntentModelJson } from './intent-format.js';

const NAMES = INTENT_WEIGHT_NAMES;

/** FNV-1a over bytes, as 8 hex chars (a cheap, stable content hash for the model version). */
export function hashBytes(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * Encodes weights into `model.json` content and the `.bin` bytes.
 * @param weightsPath file name the manifest points at (default `weights.bin`)
 */
export async function serializeIntentNet(
  weights: IntentWeights,
  weightsPath: string = INTENT_FILES.weights,
): Promise<{ modelJson: IntentModelJson; weightsBin: Uint8Array }> {
  const { data, specs } = await tf.io.encodeWeights({
    [NAMES.W]: weights.W,
    [NAMES.b]: weights.b,
    [NAMES.hw]: weights.head.w,
    [NAMES.hb]: weights.head.b,
  });
  const bin = new Uint8Array(data);
  const { inputDim, hidden } = netShape(weights);
  return {
    modelJson: {
      format: INTENT_FORMAT,
      modelVersion: `${INTENT_ARCH_VERSION}.${FEATURE_VERSION}-${hashBytes(bin)}`,
      featureVersion: FEATURE_VERSION,
      archVersion: INTENT_ARCH_VERSION,
      inputDim,
      hidden,
      weightsManifest: [{ paths: [weightsPath], weights: specs }],
    },
    weightsBin: bin,
  };
}

/**
 * Decodes `model.json` content and the weights' bytes into tensors.
 * @throws Error when the format, architecture or feature version does not match this code, or
 *   a weight is missing or has the wrong shape
 */
export function deserializeIntentNet(modelJson: unknown, weightsBin: ArrayBuffer): { weights: IntentWeights; model: IntentModelJson } {
  const m = checkIntentModelJson(modelJson);
  const specs = m.weightsManifest.flatMap((g) => g.weights);
  const t = tf.io.decodeWeights(weightsBin, specs as tf.io.WeightsManifestEntry[]);
  const want = intentWeightShapes(FEATURE_DIM, m.hidden);
  for (const [name, shape] of Object.entries(want)) {
    const got = t[name];
    if (!got || got.shape.join() !== shape.join()) {
      tf.dispose(Object.values(t));
      throw new Error(`intent model: weight ${name} missing or not shaped [${shape}]`);
    }
  }
  return {
    weights: {
      W: t[NAMES.W] as tf.Tensor2D,
      b: t[NAMES.b] as tf.Tensor1D,
      head: { w: t[NAMES.hw] as tf.Tensor2D, b: t[NAMES.hb] as tf.Tensor1D },
    },
    model: m,
  };
}

export type { FetchLike } from '../fetch-like.js';

/**
 * Loads the model from `<baseUrl>/model.json` and the weights file it names, into tensors (Node
 * tools and tests; the browser fetches with `fetchModelFiles` and decodes in the worker).
 * @param fetchFn `fetch` or a compatible function
 * @param baseUrl folder URL, with or without a trailing slash
 * @throws Error naming the file and HTTP status on a failed request, or the mismatch on a bad model
 */
export async function loadIntentNet(fetchFn: FetchLike, baseUrl: string): Promise<{ weights: IntentWeights; model: IntentModelJson }> {
  const { modelJson, bin } = await fetchModelFiles(fetchFn, baseUrl);
  return deserializeIntentNet(modelJson, bin);
}
