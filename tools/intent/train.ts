/**
 * `npm run train:intent [-- --out DIR] [--seed 7]`
 *
 * Trains the shipped purchase-intent model on the training stores (REES46, JD, Diginetica) with
 * a fixed seed and early stopping on a user-grouped validation split, then writes
 * `model.json`, `weights.bin` and `meta.json` to `models/intent/` (or `--out`).
 */
import { FEATURE_DIM, FEATURE_NAMES, FEATURE_VERSION } from '../../src/features/index.js';
import { saveIntentNetToDir } from '../../src/model/intent-load-node.js';
import { INTENT_ARCH_VERSION } from '../../src/model/intent-io.js';
import { disposeIntentWeights, netShape } from '../../src/model/intent-net.js';
import { loadStore, TRAINING_STORES } from '../data/index.js';
import { toExamples } from './dataset.js';
import { auc, bestF1Threshold } from './metrics.js';
import { MODEL_DIR } from './paths.js';
import { predictLast } from './predict.js';
import { progress } from './progress.js';
import { userSplit } from './split.js';
import { trainIntentNet, type TrainOptions } from './train-core.js';
import { useBackend } from './tf-node.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function main(): Promise<void> {
  const started = Date.now();
  const out = arg('out', MODEL_DIR);
  const seed = Number(arg('seed', '7'));
  await useBackend('wasm');
  const data = TRAINING_STORES.map((s) => loadStore(s));
  const examples = data.flatMap((d) => toExamples(d.sessions));
  const { train, val } = userSplit(examples, 0.15, seed);
  const opts: TrainOptions = { seed };
  const maxEpochs = 20;
  const r = trainIntentNet(train, val, {
    ...opts,
    epochs: maxEpochs,
    onEpoch: (e, tl, vl) => progress('train', e, maxEpochs, `loss ${tl.toFixed(4)} val ${vl.toFixed(4)}`),
  });
  progress('train', maxEpochs, maxEpochs, `stopped after ${r.epochs} epochs, best ${r.bestEpoch}`);
  const pTrain = predictLast(r.weights, train);
  const pVal = predictLast(r.weights, val);
  const yTrain = train.map((e) => e.label);
  const yVal = val.map((e) => e.label);
  const threshold = bestF1Threshold(yTrain, pTrain);
  const rate = examples.reduce((a, e) => a + e.label, 0) / examples.length;
  const stores = Object.fromEntries(
    data.map((d) => [d.store, { ...d.parse, ...d.sessionStats, rate: d.sessionStats.positives / Math.max(1, d.sessionStats.kept) }]),
  );
  const meta = {
    featureVersion: FEATURE_VERSION,
    featureNames: FEATURE_NAMES,
    archVersion: INTENT_ARCH_VERSION,
    architecture: `gated recurrent cell without reset gate, one fused matmul [x,h]·W (${FEATURE_DIM}+${netShape(r.weights).hidden} → ${2 * netShape(r.weights).hidden}); head hidden·w + b`,
    hidden: netShape(r.weights).hidden,
    command: 'npm run train:intent',
    training: {
      seed,
      stores,
      sessions: { train: train.length, validation: val.length, positives: examples.reduce((a, e) => a + e.label, 0) },
      epochs: r.epochs,
      bestEpoch: r.bestEpoch,
      options: { hidden: 32, batchSize: 256, learningRate: 0.01, l2: 1e-4, lastWeight: 0.5, maxSteps: 32, patience: 3, ...opts },
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

main().catch((e: unknown) => {
  process.stderr.write(`train failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
