/**
 * The eval's units of work (one model fit each), runnable in separate processes so the folds
 * use every core: `cv:<fold>`, `time`, `holdout`. Each job loads the data itself (the same
 * deterministic example order everywhere) and returns plain arrays.
 */
import { loadIntentNetFromDir } from '../../src/model/intent-load-node.js';
import { disposeIntentWeights } from '../../src/model/intent-net.js';
import { hasData, HOLDOUT_STORES, loadGenericCsv, loadStore, TRAINING_STORES, type StoreData } from '../data/index.js';
import { toExamples, type Example } from './dataset.js';
import { fitAll, MODEL_NAMES, type ModelName } from './fit-all.js';
import { EVENTS_SEEN } from './scores.js';
import { timeSplit, userFolds } from './split.js';

/** Seed of every eval split and fit. */
export const EVAL_SEED = 7;

/** Everything the eval needs: counts and examples, training and holdout. */
export interface EvalData {
  stores: StoreData[];
  /** Sessions of the cross-validation and the time split. */
  train: Example[];
  /** Sessions the committed model scores. */
  holdout: Example[];
  /** What the baselines of the holdout job are fitted on (empty: no holdout job). */
  reference: Example[];
}

/** A store's own generic CSV (`--csv`), evaluated instead of the shared training stores. */
export interface OwnCsv {
  path: string;
  store: string;
}

/**
 * Loads and encodes the sessions (deterministic order). By default: the training stores for the
 * CV and the time split, the holdout stores for the committed model (baselines fitted on the
 * training stores). With `csv`, a store's own log takes both roles: CV and time split on its
 * sessions (models trained on its logs), and the committed model scored on all of them, with the
 * baselines fitted on the shared training stores when they are there (else no holdout job).
 */
export function loadEvalData(csv?: OwnCsv): EvalData {
  if (csv) {
    const own = loadGenericCsv(csv.path, csv.store);
    const shared = hasData() ? TRAINING_STORES.map((s) => loadStore(s)) : [];
    const ex = toExamples(own.sessions);
    return { stores: [own], train: ex, holdout: ex, reference: shared.flatMap((d) => toExamples(d.sessions)) };
  }
  const stores = [...TRAINING_STORES, ...HOLDOUT_STORES].map((s) => loadStore(s));
  const isTrain = (s: string) => (TRAINING_STORES as readonly string[]).includes(s);
  const train = stores.filter((d) => isTrain(d.store)).flatMap((d) => toExamples(d.sessions));
  return { stores, train, holdout: stores.filter((d) => !isTrain(d.store)).flatMap((d) => toExamples(d.sessions)), reference: train };
}

/** What one job returns: test example indices (into `train` or `holdout`) and predictions. */
export interface JobResult {
  job: string;
  set: 'train' | 'holdout';
  test: number[];
  p: Record<ModelName, number[]>;
  thresholds: Record<ModelName, number>;
  /** Per k: indices (into `set`) of examples with ≥ k steps, and predictions on their first k steps. */
  byK: Record<number, { test: number[]; p: Record<ModelName, number[]> }>;
  modelVersion?: string;
}

/**
 * Fold `f` of the eval's cross-validation grouped by user: the sessions fitted on, the indices
 * (into `train`) of the sessions scored, and the fold's seed.
 */
export function cvFold(train: readonly Example[], folds: number, f: number): { fitSet: Example[]; testIdx: number[]; seed: number } {
  const fold = userFolds(train, folds, EVAL_SEED);
  return { fitSet: train.filter((_, i) => fold[i] !== f), testIdx: train.map((_, i) => i).filter((i) => fold[i] === f), seed: EVAL_SEED + f };
}

/** Names of the jobs for `folds`-fold CV (the holdout job only when `holdout`). */
export function jobNames(folds: number, holdout = true): string[] {
  return [...Array.from({ length: folds }, (_, f) => `cv:${f}`), 'time', ...(holdout ? ['holdout'] : [])];
}

/**
 * Runs one job.
 * @param job `cv:<fold>`, `time` or `holdout`
 * @param folds number of CV folds
 * @param modelDir the committed model's folder (holdout job)
 */
export async function runJob(job: string, folds: number, modelDir: string, data: EvalData = loadEvalData()): Promise<JobResult> {
  const { train, holdout } = data;
  let fitSet: Example[];
  let testIdx: number[];
  let set: 'train' | 'holdout' = 'train';
  let seed = EVAL_SEED;
  let pretrained;
  let modelVersion: string | undefined;
  if (job.startsWith('cv:')) {
    ({ fitSet, testIdx, seed } = cvFold(train, folds, Number(job.slice(3))));
  } else if (job === 'time') {
    const split = timeSplit(train, 0.2);
    const inTest = new Set(split.test);
    fitSet = split.train;
    testIdx = train.map((_, i) => i).filter((i) => inTest.has(train[i]));
  } else if (job === 'holdout') {
    const shipped = await loadIntentNetFromDir(modelDir);
    // its threshold is picked as the baselines' are (fitAll), not read from meta.json
    pretrained = { weights: shipped.weights };
    modelVersion = shipped.model.modelVersion;
    fitSet = data.reference;
    testIdx = holdout.map((_, i) => i);
    set = 'holdout';
  } else throw new TypeError(`job: unknown "${job}"`);
  const source = set === 'train' ? train : holdout;
  const test = testIdx.map((i) => source[i]);
  const fit = await fitAll(fitSet, seed, { pretrained });
  const toArrays = (r: Record<ModelName, Float64Array>) => Object.fromEntries(MODEL_NAMES.map((m) => [m, Array.from(r[m])])) as Record<ModelName, number[]>;
  const result: JobResult = { job, set, test: testIdx, p: toArrays(fit.predict(test)), thresholds: fit.thresholds, byK: {}, modelVersion };
  for (const k of EVENTS_SEEN) {
    const idx = testIdx.filter((i) => source[i].xs.length >= k);
    result.byK[k] = { test: idx, p: toArrays(fit.predict(idx.map((i) => source[i]), k)) };
  }
  fit.dispose();
  if (pretrained) disposeIntentWeights(pretrained.weights);
  return result;
}
