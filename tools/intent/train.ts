/**
 * `npm run train:intent [-- --out DIR] [--seed 7] [--csv FILE --out DIR [--store NAME]]`
 *
 * Trains the shipped purchase-intent model on the training stores (REES46, JD, Diginetica) with
 * a fixed seed and early stopping on a user-grouped validation split, then writes
 * `model.json`, `weights.bin` and `meta.json` to `models/intent/` (or `--out`).
 * With `--csv`, a store trains the same model on its own logs (the generic CSV of
 * `tools/data/adapters/generic.ts`) instead; `--out` is then required, so a store's model never
 * overwrites the shipped one.
 */
import { FEATURE_DIM, FEATURE_NAMES, FEATURE_VERSION } from '../../src/features/index.js';
import { saveIntentNetToDir } from '../../src/model/intent-load-node.js';
import { INTENT_ARCH_VERSION } from '../../src/model/intent-io.js';
import { disposeIntentWeights, netShape } from '../../src/model/intent-net.js';
import { csvProblem, loadGenericCsv, loadStore, storeSummary, TRAINING_STORES } from '../data/index.js';
import { checkInputFile, checkOutDir, commandLine, failCli, intArg, parseArgs, requireValues, UsageError, type CliSpec } from '../next-item/args.js';
import { toExamples } from './dataset.js';
import { auc, bestF1Threshold } from './metrics.js';
import { MODEL_DIR } from './paths.js';
import { predictLast } from './predict.js';
import { progress } from './progress.js';
import { userSplit } from './split.js';
import { assertFiniteWeights, missingClass, TRAIN_DEFAULTS, trainIntentNet, type TrainOptions } from './train-core.js';
import { useBackend } from './tf-node.js';

const SPEC: CliSpec = {
  usage: 'npm run train:intent -- [--out DIR] [--seed 7] [--csv FILE --out DIR [--store NAME]]\nTrains the purchase-intent model and writes model.json, weights.bin and meta.json.',
  flags: {
    out: `output folder (default ${MODEL_DIR}, the shipped model; required with --csv)`,
    seed: 'random seed of the split and the fit (default 7)',
    csv: "train on this generic CSV (timestamp,user_id,session_id,event_type,item_id,category_id,price) instead of the training stores",
    store: 'store name recorded for --csv (default "generic"; only with --csv)',
  },
};

async function main(): Promise<void> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2), SPEC);
  const csv = args.get('csv');
  requireValues(args, ['out', 'csv', 'store']);
  if (!csv && args.has('store')) throw new UsageError('--store: only with --csv');
  if (csv && !args.has('out')) throw new UsageError('--csv: pass --out DIR too (a model trained on your logs must not overwrite the shipped one)');
  const out = args.get('out') ?? MODEL_DIR;
  const seed = intArg(args, 'seed', 7, 0);
  // checked now, not after the training
  if (csv) checkInputFile(csv, 'csv');
  checkOutDir(out);
  await useBackend('wasm');
  const data = csv ? [loadGenericCsv(csv, args.get('store') ?? 'generic')] : TRAINING_STORES.map((s) => loadStore(s));
  for (const d of data) process.stderr.write(storeSummary(d));
  const problem = csv ? csvProblem(csv, data[0]) : undefined;
  if (problem) throw new UsageError(problem);
  const examples = data.flatMap((d) => toExamples(d.sessions));
  const { train, val } = userSplit(examples, 0.15, seed);
  // the part fitted on must hold both outcomes (the validation users are split off first)
  const missing = missingClass(train);
  if (missing) throw new UsageError(`no ${missing} to learn from in the training part (${train.length} sessions; ${val.length} more held out for validation) of ${csv ?? 'the training stores'}`);
  const opts: TrainOptions = { seed };
  const maxEpochs = TRAIN_DEFAULTS.epochs;
  const r = trainIntentNet(train, val, {
    ...opts,
    epochs: maxEpochs,
    onEpoch: (e, tl, vl) => progress('train', e, maxEpochs, `loss ${tl.toFixed(4)} val ${vl.toFixed(4)}`),
  });
  progress('train', maxEpochs, maxEpochs, `stopped after ${r.epochs} epochs, best ${r.bestEpoch}`);
  assertFiniteWeights(r.weights); // never save a model the browser would refuse
  const pTrain = predictLast(r.weights, train);
  const pVal = predictLast(r.weights, val);
  const yTrain = train.map((e) => e.label);
  const yVal = val.map((e) => e.label);
  // picked on the validation users (out of sample), as the eval picks every model's threshold
  const threshold = bestF1Threshold(yVal, pVal);
  const rate = examples.reduce((a, e) => a + e.label, 0) / examples.length;
  const stores = Object.fromEntries(
    data.map((d) => [d.store, { ...d.parse, ...d.sessionStats, rate: d.sessionStats.positives / Math.max(1, d.sessionStats.kept) }]),
  );
  const meta = {
    featureVersion: FEATURE_VERSION,
    featureNames: FEATURE_NAMES,
    archVersion: INTENT_ARCH_VERSION,
    architecture: `gated recurrent cell without reset gate, one fused matmul [x,h]·W (${FEATURE_DIM}+${netShape(r.weights).hidden} → ${2 * netShape(r.weights).hidden}); head [h', x]·w + b (the new state and the step's own features)`,
    hidden: netShape(r.weights).hidden,
    command: commandLine('train:intent', process.argv.slice(2)),
    training: {
      seed,
      stores,
      sessions: { train: train.length, validation: val.length, positives: examples.reduce((a, e) => a + e.label, 0) },
      epochs: r.epochs,
      bestEpoch: r.bestEpoch,
      options: { ...TRAIN_DEFAULTS, ...opts },
      neutralizedFeatures: r.neutralized,
      seconds: Math.round((Date.now() - started) / 1000),
    },
    metrics: {
      trainAuc: auc(yTrain, pTrain),
      validationAuc: auc(yVal, pVal),
      validationLogLoss: r.bestValLoss,
    },
    threshold,
    baseRates: {
      trainRate: rate,
      stores: Object.fromEntries(Object.entries(r.storeBias).map(([s, b]) => [s, { rate: stores[s].rate, biasOffset: b }])),
      note:
        'Trained with one learned log-odds offset per store, so features explain buying within a store rather than differences between stores. The shipped head bias is the session-weighted mean of the store biases (a store-agnostic default). A storefront that knows its own purchase rate p can add log(p/(1−p)) − log(trainRate/(1−trainRate)) to head.b; on-device fine-tuning (issue #8) adapts the head bias from observed outcomes.',
    },
  };
  const saved = await saveIntentNetToDir(out, r.weights, meta);
  disposeIntentWeights(r.weights);
  process.stdout.write(
    `${JSON.stringify({ out, modelVersion: saved.modelJson.modelVersion, bytes: saved.bytes, epochs: r.epochs, bestEpoch: r.bestEpoch, ...meta.metrics, threshold, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`,
  );
}

main().catch((e: unknown) => failCli('train:intent', e));
