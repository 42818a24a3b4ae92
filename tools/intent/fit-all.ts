/**
 * Fits hunch's network and the three baselines on the same training sessions, and predicts
 * with all of them, so every comparison uses the same folds.
 */
import type * as tfl from '@tensorflow/tfjs';
import { disposeIntentWeights, type IntentWeights } from '../../src/model/intent-net.js';
import { aggregateFeatures } from './baselines/aggregates.js';
import { fitCart, predictCart } from './baselines/cart.js';
import { fitLogReg, predictLogReg, type LogReg } from './baselines/logreg.js';
import { fitLstm, predictLstm } from './baselines/lstm.js';
import { truncateExamples, type Example } from './dataset.js';
import { bestF1Threshold } from './metrics.js';
import { logitsLast, sigmoid } from './predict.js';
import { userSplit } from './split.js';
import { trainIntentNet, type TrainOptions } from './train-core.js';

/** Model names in report order. `hunch_shared` is hunch without its per-store bias. */
export const MODEL_NAMES = ['hunch', 'hunch_shared', 'cart', 'logreg', 'lstm'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Fitted models ready to predict. */
export interface Fitted {
  /** Probabilities per model for examples cut to their first `k` steps (all when omitted). */
  predict(examples: readonly Example[], k?: number): Record<ModelName, Float64Array>;
  /** Per model: the F1-maximizing threshold on the validation users of the training sessions. */
  thresholds: Record<ModelName, number>;
  dispose(): void;
}

/**
 * A pretrained hunch network to use instead of training one (the holdout uses the shipped model).
 * Its threshold is picked like every other model's, on the validation users of the sessions
 * `fitAll` is given: for the shipped model and the training stores with the eval's seed, the
 * split `train:intent` early-stopped on (so out of sample for its weights).
 */
export interface Pretrained {
  weights: IntentWeights;
}

/**
 * Fits every model on `train`. hunch and the LSTM stop early on a user-grouped 15% validation
 * split of `train`; the baselines without early stopping use all of `train`.
 */
export async function fitAll(train: readonly Example[], seed: number, opts: { hunch?: TrainOptions; pretrained?: Pretrained } = {}): Promise<Fitted> {
  let clock = Date.now();
  let cpu = process.cpuUsage();
  const lap = (what: string): void => {
    const c = process.cpuUsage(cpu);
    if (process.env.HUNCH_EVAL_TIMING) process.stderr.write(`timing ${what} wall ${((Date.now() - clock) / 1000).toFixed(1)}s cpu ${((c.user + c.system) / 1e6).toFixed(1)}s\n`);
    clock = Date.now();
    cpu = process.cpuUsage();
  };
  const { train: tr, val } = userSplit(train, 0.15, seed);
  let weights: IntentWeights;
  let storeBias: Record<string, number> = {};
  if (opts.pretrained) weights = opts.pretrained.weights;
  else {
    const r = trainIntentNet(tr, val, { seed, ...opts.hunch });
    weights = r.weights;
    storeBias = r.storeBias;
  }
  lap('hunch');
  const cart = fitCart(train.map((e) => e.session));
  const logreg: LogReg = fitLogReg(train.map((e) => aggregateFeatures(e.session)), train.map((e) => e.label));
  lap('cart+logreg');
  const lstm: tfl.LayersModel = await fitLstm(tr, val, seed);
  lap('lstm');
  const hunchBoth = (ex: readonly Example[]) => {
    const z = logitsLast(weights, ex);
    return { hunch: z.map((v, i) => sigmoid(v + (storeBias[ex[i].store] ?? 0))), hunch_shared: z.map(sigmoid) };
  };
  const predict = (examples: readonly Example[], k?: number): Record<ModelName, Float64Array> => {
    const ex = k === undefined ? examples : truncateExamples(examples, k);
    return {
      ...hunchBoth(ex),
      cart: predictCart(cart, ex.map((e) => e.session), k),
      logreg: predictLogReg(logreg, ex.map((e) => aggregateFeatures(e.session, k))),
      lstm: predictLstm(lstm, ex),
    };
  };
  // Thresholds are picked on the validation users (cheaper than all of train, and out of sample
  // for the models that early-stop on it); never on the test fold. A pretrained network's too.
  const y = val.map((e) => e.label);
  const inSample = predict(val);
  const thresholds = Object.fromEntries(MODEL_NAMES.map((m) => [m, bestF1Threshold(y, inSample[m])])) as Record<ModelName, number>;
  lap('thresholds');
  return {
    predict,
    thresholds,
    dispose: () => {
      if (!opts.pretrained) disposeIntentWeights(weights);
      lstm.dispose();
    },
  };
}
