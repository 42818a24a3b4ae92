/**
 * The intent model's file format, without TensorFlow.js: names, versions and the checks every
 * loader runs (the tfjs runtime, the plain-JS kernel, the Node tools). Pure.
 */
import { FEATURE_DIM, FEATURE_VERSION } from '../features/index.js';

/** Value of `format` in the model's `model.json`. */
export const INTENT_FORMAT = 'hunch-intent';
/** Architecture version of the network in `intent-net.ts` (bump when the math changes). */
export const INTENT_ARCH_VERSION = 1;
/** File names inside a model folder. */
export const INTENT_FILES = { model: 'model.json', weights: 'weights.bin', meta: 'meta.json' } as const;

/** How store base rates are handled, recorded in the metadata. */
export interface BaseRateInfo {
  /** Positive share over all training sessions. */
  trainRate: number;
  /** Per training store: positive share and the head-bias shift (log-odds) fitted for it in training. */
  stores: Record<string, { rate: number; biasOffset: number }>;
  /** Human-readable explanation. */
  note: string;
}

/** One weight in the manifest (the subset of tfjs' WeightsManifestEntry the model uses). */
export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
}

/** What `model.json` carries besides the weights manifest. */
export interface IntentModelJson {
  format: typeof INTENT_FORMAT;
  /** `<arch>.<feature version>-<8 hex chars of the weights' hash>`: changes whenever the weights do. */
  modelVersion: string;
  featureVersion: number;
  archVersion: number;
  inputDim: number;
  hidden: number;
  weightsManifest: Array<{ paths: string[]; weights: WeightEntry[] }>;
}

/** Weight names in the manifest. */
export const INTENT_WEIGHT_NAMES = { W: 'intent/gates/kernel', b: 'intent/gates/bias', hw: 'intent/head/kernel', hb: 'intent/head/bias' } as const;

/**
 * Shape of each named weight for input size `D` and hidden size `H` (the checks of every loader).
 * @param D features per step (`inputDim`)
 * @param H hidden units (`hidden`)
 */
export function intentWeightShapes(D: number, H: number): Record<string, number[]> {
  const N = INTENT_WEIGHT_NAMES;
  return { [N.W]: [D + H, 2 * H], [N.b]: [2 * H], [N.hw]: [H + D, 1], [N.hb]: [1] };
}

/**
 * Checks `model.json` against this code: format, architecture and feature version, input size.
 * @throws Error naming the mismatch
 */
export function checkIntentModelJson(modelJson: unknown): IntentModelJson {
  const m = modelJson as IntentModelJson;
  if (!m || m.format !== INTENT_FORMAT) throw new Error(`intent model: format is not "${INTENT_FORMAT}"`);
  if (m.featureVersion !== FEATURE_VERSION) {
    throw new Error(`intent model: feature version ${m.featureVersion} does not match this code's ${FEATURE_VERSION}`);
  }
  if (m.archVersion !== INTENT_ARCH_VERSION) throw new Error(`intent model: architecture ${m.archVersion} is not ${INTENT_ARCH_VERSION}`);
  if (m.inputDim !== FEATURE_DIM) throw new Error(`intent model: input size ${m.inputDim} is not FEATURE_DIM ${FEATURE_DIM}`);
  return m;
}
