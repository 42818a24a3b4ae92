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

/** A whole number ≥ `min`. */
const isInt = (v: unknown, min: number): v is number => Number.isInteger(v) && (v as number) >= min;

/** Checks the manifest's shape: a non-empty list of `{ paths: string[], weights: [{ name, shape, dtype }] }`. */
function checkWeightsManifest(manifest: unknown): void {
  const bad = (what: string) => new Error(`intent model: weightsManifest ${what}`);
  if (!Array.isArray(manifest) || manifest.length === 0) throw bad('must be a non-empty list of weight groups');
  manifest.forEach((g: { paths?: unknown; weights?: unknown } | null, i) => {
    if (!g || typeof g !== 'object') throw bad(`[${i}] is not a weight group`);
    if (!Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string' && p !== '')) throw bad(`[${i}].paths must be a list of file names`);
    if (!Array.isArray(g.weights)) throw bad(`[${i}].weights must be a list`);
    g.weights.forEach((w: Partial<WeightEntry> | null, j) => {
      const at = `[${i}].weights[${j}]`;
      if (!w || typeof w.name !== 'string' || w.name === '') throw bad(`${at} has no name`);
      if (!Array.isArray(w.shape) || !w.shape.every((n) => isInt(n, 0))) throw bad(`${at} (${w.name}): shape must be a list of whole numbers`);
      if (typeof w.dtype !== 'string') throw bad(`${at} (${w.name}): dtype must be a string`);
    });
  });
}

/**
 * Checks `model.json` against this code: format, architecture and feature version, input size,
 * and the shape of what every loader reads (`modelVersion` a non-empty string, `hidden` a whole
 * number ≥ 1, `weightsManifest` a list of groups of named, shaped weights). The weights' names,
 * shapes and dtype against the architecture are checked by the loaders, with the bytes.
 * @throws Error `intent model: …` naming the mismatch
 */
export function checkIntentModelJson(modelJson: unknown): IntentModelJson {
  const m = modelJson as IntentModelJson;
  if (!m || m.format !== INTENT_FORMAT) throw new Error(`intent model: format is not "${INTENT_FORMAT}"`);
  if (m.featureVersion !== FEATURE_VERSION) {
    throw new Error(`intent model: feature version ${m.featureVersion} does not match this code's ${FEATURE_VERSION}`);
  }
  if (m.archVersion !== INTENT_ARCH_VERSION) throw new Error(`intent model: architecture ${m.archVersion} is not ${INTENT_ARCH_VERSION}`);
  if (m.inputDim !== FEATURE_DIM) throw new Error(`intent model: input size ${m.inputDim} is not FEATURE_DIM ${FEATURE_DIM}`);
  // the version keys the stored session state and personal heads: a model without one must not load
  if (typeof m.modelVersion !== 'string' || m.modelVersion === '') throw new Error('intent model: modelVersion must be a non-empty string');
  if (!isInt(m.hidden, 1)) throw new Error(`intent model: hidden size ${String(m.hidden)} is not a whole number ≥ 1`);
  checkWeightsManifest(m.weightsManifest);
  return m;
}
