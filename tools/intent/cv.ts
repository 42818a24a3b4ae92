/**
 * `npx tsx tools/intent/cv.ts [--set key=value,…] [--seeds 1] [--seed-offset 0] [--loso]`
 *
 * hunch's network alone through the eval's 5-fold cross-validation grouped by user (the same
 * folds, seeds and early-stopping splits as `npm run eval:intent`), for trying training options
 * on the training stores only. `--set` takes {@link TrainOptions} fields (numbers), e.g.
 * `--set hidden=16,learningRate=0.03`; `--seeds N` averages the logits of N fits per fold (seeds
 * `7 + fold + 100·(offset + s)`). Prints one JSON line: pooled ROC-AUC (with the learned
 * per-store bias, as the eval's "hunch" row), log-loss, ROC-AUC per store and seconds. About
 * 40 s per seed on the 2-core machine. Never reads the holdout stores.
 *
 * With `--loso`, leave-one-store-out instead: each training store is scored by models fitted on
 * the other two (no bias offset for it, as on a holdout store), the closest the training stores
 * come to the holdout's question (a store the model never saw). Prints the AUC per left-out store
 * and their mean.
 */
import { disposeIntentWeights } from '../../src/model/intent-net.js';
import { loadStore, TRAINING_STORES } from '../data/index.js';
import { failCli, intArg, parseArgs, requireValues, UsageError, type CliSpec } from '../next-item/args.js';
import { toExamples, type Example } from './dataset.js';
import { cvFold, EVAL_SEED } from './eval-jobs.js';
import { auc, logLoss } from './metrics.js';
import { logitsLast, sigmoid } from './predict.js';
import { userSplit } from './split.js';
import { parseSet } from './cv-set.js';
import { trainIntentNet, type TrainOptions } from './train-core.js';
import { useBackend } from './tf-node.js';

const FOLDS = 5;

const SPEC: CliSpec = {
  usage: 'npx tsx tools/intent/cv.ts [--set key=value,…] [--seeds 1] [--seed-offset 0] [--loso]\nhunch\'s network alone through the eval\'s grouped 5-fold CV (or, with --loso, leave-one-store-out) on the training stores; prints one JSON line.',
  flags: {
    set: 'training options as key=number pairs, e.g. hidden=16,learningRate=0.03 (not seed: see --seed-offset)',
    seeds: 'fits per fold whose logits are averaged (default 1)',
    'seed-offset': 'shifts the seeds, for a different draw (default 0)',
    loso: 'leave one training store out at a time instead of the grouped CV',
  },
};

async function main(): Promise<void> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2), SPEC);
  requireValues(args, ['set']);
  const opts = parseSet(args.get('set') ?? '');
  const seeds = intArg(args, 'seeds', 1, 1, 100);
  const offset = intArg(args, 'seed-offset', 0, 0);
  await useBackend('wasm');
  const train = TRAINING_STORES.flatMap((s) => toExamples(loadStore(s).sessions));
  if (args.has('loso') && args.get('loso') !== 'true') throw new UsageError('--loso takes no value');
  if (args.has('loso')) return leaveStoresOut(train, opts, seeds, offset, started);
  const z = new Float64Array(train.length);
  for (let f = 0; f < FOLDS; f++) {
    const { fitSet, testIdx, seed: foldSeed } = cvFold(train, FOLDS, f);
    const test = testIdx.map((i) => train[i]);
    for (let s = 0; s < seeds; s++) {
      const seed = foldSeed + 100 * (offset + s);
      const { train: tr, val } = userSplit(fitSet, 0.15, seed);
      const r = trainIntentNet(tr, val, { ...opts, seed });
      const logits = logitsLast(r.weights, test);
      testIdx.forEach((i, j) => (z[i] += (logits[j] + (r.storeBias[train[i].store] ?? 0)) / seeds));
      disposeIntentWeights(r.weights);
    }
  }
  const y = train.map((e) => e.label);
  const p = Array.from(z, sigmoid);
  const stores = Object.fromEntries(
    TRAINING_STORES.map((s) => {
      const idx = train.map((e, i) => (e.store === s ? i : -1)).filter((i) => i >= 0);
      return [s, Number(auc(idx.map((i) => y[i]), idx.map((i) => p[i])).toFixed(3))];
    }),
  );
  const out = { set: opts, seeds, seedOffset: offset, auc: Number(auc(y, p).toFixed(4)), logLoss: Number(logLoss(y, p).toFixed(4)), stores, seconds: Math.round((Date.now() - started) / 1000) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Leave-one-store-out: each store scored by fits on the others, with the shared head bias. */
function leaveStoresOut(train: readonly Example[], opts: TrainOptions, seeds: number, offset: number, started: number): void {
  const stores: Record<string, number> = {};
  for (const [k, left] of TRAINING_STORES.entries()) {
    const test = train.filter((e) => e.store === left);
    const z = new Float64Array(test.length);
    for (let s = 0; s < seeds; s++) {
      const seed = EVAL_SEED + k + 100 * (offset + s);
      const { train: tr, val } = userSplit(train.filter((e) => e.store !== left), 0.15, seed);
      const r = trainIntentNet(tr, val, { ...opts, seed });
      logitsLast(r.weights, test).forEach((l, j) => (z[j] += l / seeds));
      disposeIntentWeights(r.weights);
    }
    stores[left] = Number(auc(test.map((e) => e.label), Array.from(z, sigmoid)).toFixed(3));
  }
  const mean = Object.values(stores).reduce((a, b) => a + b, 0) / TRAINING_STORES.length;
  const out = { loso: true, set: opts, seeds, seedOffset: offset, meanAuc: Number(mean.toFixed(4)), stores, seconds: Math.round((Date.now() - started) / 1000) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => failCli('cv', e));
