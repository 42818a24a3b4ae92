/**
 * `npm run eval:intent [-- --json FILE] [--folds 5] [--boot 500] [--model DIR]`
 *
 * Evaluates hunch's intent model against three baselines on the same folds, in one run:
 * 5-fold cross-validation grouped by user over all training-store sessions (each scored once,
 * by models that never saw its user), a per-store time split (last 20% of sessions), and the
 * holdout stores scored by the committed model (baselines trained on all training stores).
 * Prints a markdown table; `--json FILE` writes `{ pooled, holdout, stores, time_split, … }`.
 */
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HOLDOUT_STORES, loadStore, TRAINING_STORES } from '../data/index.js';
import { loadIntentNetFromDir } from '../../src/model/intent-load-node.js';
import { disposeIntentWeights } from '../../src/model/intent-net.js';
import { toExamples, truncateExamples, type Example } from './dataset.js';
import { fitAll, MODEL_NAMES, type ModelName } from './fit-all.js';
import { bootstrapIndices } from './metrics.js';
import { progress } from './progress.js';
import { seededRandom } from './rng.js';
import { EVENTS_SEEN, scoreScope, type ModelReport, type Scored } from './scores.js';
import { timeSplit, userFolds } from './split.js';
import { useBackend } from './tf-node.js';
import { MODEL_DIR } from './paths.js';
import { markdownReport } from './report.js';

const SEED = 7;

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

/** Collects per-example predictions of every model across folds. */
class Collector {
  readonly y: number[] = [];
  readonly ex: Example[] = [];
  readonly p = Object.fromEntries(MODEL_NAMES.map((m) => [m, [] as number[]])) as Record<ModelName, number[]>;
  readonly t = Object.fromEntries(MODEL_NAMES.map((m) => [m, [] as number[]])) as Record<ModelName, number[]>;
  readonly byK = new Map<number, { y: number[]; ex: Example[]; p: Record<ModelName, number[]> }>();

  add(fit: Awaited<ReturnType<typeof fitAll>>, test: readonly Example[]): void {
    const p = fit.predict(test);
    for (const m of MODEL_NAMES) {
      this.p[m].push(...p[m]);
      this.t[m].push(...test.map(() => fit.thresholds[m]));
    }
    this.y.push(...test.map((e) => e.label));
    this.ex.push(...test);
    for (const k of EVENTS_SEEN) {
      const sub = truncateExamples(test, k);
      const pk = fit.predict(test, k);
      let b = this.byK.get(k);
      if (!b) this.byK.set(k, (b = { y: [], ex: [], p: Object.fromEntries(MODEL_NAMES.map((m) => [m, [] as number[]])) as Record<ModelName, number[]> }));
      b.y.push(...sub.map((e) => e.label));
      b.ex.push(...sub);
      for (const m of MODEL_NAMES) b.p[m].push(...pk[m]);
    }
  }

  /** Scores the examples that pass `keep` (all by default). */
  score(boot: number, keep: (e: Example) => boolean = () => true): Record<string, ModelReport> {
    const idx = this.ex.map((e, i) => (keep(e) ? i : -1)).filter((i) => i >= 0);
    const y = idx.map((i) => this.y[i]);
    const models: Record<string, Scored> = {};
    for (const m of MODEL_NAMES) {
      const byEvents: Scored['byEvents'] = {};
      for (const [k, b] of this.byK) {
        const kk = b.ex.map((e, i) => (keep(e) ? i : -1)).filter((i) => i >= 0);
        byEvents[k] = { y: kk.map((i) => b.y[i]), p: Float64Array.from(kk, (i) => b.p[m][i]) };
      }
      models[m] = { p: Float64Array.from(idx, (i) => this.p[m][i]), threshold: Float64Array.from(idx, (i) => this.t[m][i]), byEvents };
    }
    return scoreScope(y, models, bootstrapIndices(y.length, boot, seededRandom(SEED)));
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const folds = Number(arg('folds', '5'));
  const boot = Number(arg('boot', '500'));
  const modelDir = arg('model', MODEL_DIR)!;
  await useBackend('wasm');
  const data = [...TRAINING_STORES, ...HOLDOUT_STORES].map((s) => loadStore(s));
  const counts = Object.fromEntries(data.map((d) => [d.store, { ...d.parse, ...d.sessionStats }]));
  const train = data.filter((d) => (TRAINING_STORES as readonly string[]).includes(d.store)).flatMap((d) => toExamples(d.sessions));
  const holdout = data.filter((d) => (HOLDOUT_STORES as readonly string[]).includes(d.store)).flatMap((d) => toExamples(d.sessions));
  const total = folds + 2;
  let done = 0;
  progress('eval', done, total, 'cross-validation');

  const cv = new Collector();
  const fold = userFolds(train, folds, SEED);
  for (let f = 0; f < folds; f++) {
    const fit = await fitAll(train.filter((_, i) => fold[i] !== f), SEED + f);
    cv.add(fit, train.filter((_, i) => fold[i] === f));
    fit.dispose();
    progress('eval', ++done, total, `fold ${f + 1}/${folds}`);
  }

  const ts = new Collector();
  const split = timeSplit(train, 0.2);
  const tsFit = await fitAll(split.train, SEED);
  ts.add(tsFit, split.test);
  tsFit.dispose();
  progress('eval', ++done, total, 'time split');

  const ho = new Collector();
  const shipped = await loadIntentNetFromDir(modelDir);
  const meta = JSON.parse(await readFile(join(modelDir, 'meta.json'), 'utf8')) as { threshold: number; modelVersion: string };
  const hoFit = await fitAll(train, SEED, { pretrained: { weights: shipped.weights, threshold: meta.threshold } });
  ho.add(hoFit, holdout);
  hoFit.dispose();
  disposeIntentWeights(shipped.weights);
  progress('eval', ++done, total, 'holdout');

  const stores: Record<string, Record<string, ModelReport>> = {};
  for (const s of TRAINING_STORES) stores[s] = cv.score(boot, (e) => e.store === s);
  for (const s of HOLDOUT_STORES) stores[s] = ho.score(boot, (e) => e.store === s);
  const timeStores: Record<string, Record<string, ModelReport>> = {};
  for (const s of TRAINING_STORES) timeStores[s] = ts.score(boot, (e) => e.store === s);
  const report = {
    pooled: cv.score(boot),
    holdout: ho.score(boot),
    stores,
    time_split: { pooled: ts.score(boot), stores: timeStores },
    settings: {
      folds,
      bootstrap: boot,
      seed: SEED,
      modelVersion: shipped.model.modelVersion,
      note: 'pooled/stores(training) = 5-fold CV grouped by user; holdout = committed model, baselines trained on all training stores; hunch uses its per-store bias on training stores, hunch_shared never does.',
    },
    counts,
    seconds: (Date.now() - started) / 1000,
  };
  process.stdout.write(markdownReport(report));
  const json = arg('json');
  if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`eval failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
