/**
 * `npm run eval:intent [-- --json FILE] [--folds 5] [--boot 500] [--jobs N] [--model DIR] [--csv FILE [--store NAME]]`
 *
 * Evaluates hunch's intent model against three baselines on the same folds, in one run:
 * 5-fold cross-validation grouped by user over all training-store sessions (each scored once,
 * by models that never saw its user), a per-store time split (last 20% of sessions), and the
 * holdout stores scored by the committed model (baselines trained on all training stores).
 * The 7 fits run as child processes, `--jobs` at a time (default: the number of cores).
 * Prints a markdown table; `--json FILE` writes `{ pooled, holdout, stores, time_split, … }`.
 * With `--csv FILE`, a store's own log (the generic CSV) replaces the shared data: CV and time
 * split on its sessions, and the committed model scored on all of them (`loadEvalData`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { csvProblem, HOLDOUT_STORES, storeSummary, TRAINING_STORES } from '../data/index.js';
import { cvFold, EVAL_SEED, jobNames, loadEvalData, type JobResult, type OwnCsv } from './eval-jobs.js';
import type { Example } from './dataset.js';
import { MODEL_NAMES, type ModelName } from './fit-all.js';
import { groupBootstrapIndices } from './metrics.js';
import { MODEL_DIR } from './paths.js';
import { checkInputFile, checkOutFile, failCli, intArg, parseArgs, requireValues, UsageError, type CliSpec } from '../next-item/args.js';
import { progress } from './progress.js';
import { markdownReport } from './report.js';
import { seededRandom } from './rng.js';
import { scoreScope, type ModelReport, type Scored } from './scores.js';
import { timeSplit, userKey, userSplit } from './split.js';
import { missingClass } from './train-core.js';

const SPEC: CliSpec = {
  usage:
    'npm run eval:intent -- [--json FILE] [--folds 5] [--boot 500] [--jobs N] [--model DIR] [--csv FILE [--store NAME]]\nEvaluates the intent model and three baselines: grouped CV, time split and the committed model on the holdout stores (shared data: ../shared/data or HUNCH_DATA), or on a store\'s own CSV with --csv.',
  flags: {
    csv: "evaluate on this generic CSV instead: CV and time split on its sessions, and the committed model scored on all of them (its baselines fitted on the shared training stores when present)",
    store: 'store name for --csv (default "generic")',
    json: 'also write the figures as JSON to FILE',
    folds: 'folds of the user-grouped cross-validation (default 5, at least 2)',
    boot: 'bootstrap resamples for the 95% CIs (default 500)',
    jobs: 'fits run at a time, each in its own process (default: the number of cores)',
    model: `the committed model scored on the holdout stores (default ${MODEL_DIR})`,
  },
};

/** Child processes still running: stopped when the eval fails, so none outlives it. */
const children = new Set<ChildProcess>();

/** Runs one job in a child process (same Node flags, so tsx's loader applies). */
function runChild(job: string, folds: number, modelDir: string, csv?: OwnCsv): Promise<JobResult> {
  const script = fileURLToPath(new URL('./eval-job.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const args = [script, job, String(folds), modelDir, ...(csv ? [csv.path, csv.store] : [])];
    const child = spawn(process.execPath, [...process.execArgv, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`job ${job} exited ${code}: ${err.slice(-2000)}`));
      else {
        if (process.env.HUNCH_EVAL_TIMING) process.stderr.write(err.split('\n').filter((l) => l.startsWith('timing')).map((l) => `${job} ${l}\n`).join(''));
        try {
          resolve(JSON.parse(out) as JobResult);
        } catch (e) {
          reject(new Error(`job ${job}: bad output (${String(e)})`));
        }
      }
    });
  });
}

/** Runs tasks with at most `n` in flight. */
async function pool<T>(tasks: Array<() => Promise<T>>, n: number): Promise<T[]> {
  const out = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return out;
}

/** Per-example predictions of every model, gathered from jobs. */
class Collector {
  readonly ex: Example[] = [];
  readonly p = Object.fromEntries(MODEL_NAMES.map((m) => [m, [] as number[]])) as Record<ModelName, number[]>;
  readonly t = Object.fromEntries(MODEL_NAMES.map((m) => [m, [] as number[]])) as Record<ModelName, number[]>;
  readonly byK = new Map<number, { ex: Example[]; p: Record<ModelName, number[]> }>();

  add(r: JobResult, source: readonly Example[]): void {
    this.ex.push(...r.test.map((i) => source[i]));
    for (const m of MODEL_NAMES) {
      this.p[m].push(...r.p[m]);
      this.t[m].push(...r.test.map(() => r.thresholds[m]));
    }
    for (const [k, b] of Object.entries(r.byK)) {
      let c = this.byK.get(Number(k));
      if (!c) this.byK.set(Number(k), (c = { ex: [], p: Object.fromEntries(MODEL_NAMES.map((m) => [m, [] as number[]])) as Record<ModelName, number[]> }));
      c.ex.push(...b.test.map((i) => source[i]));
      for (const m of MODEL_NAMES) c.p[m].push(...b.p[m]);
    }
  }

  /** Scores the examples that pass `keep` (all by default). */
  score(boot: number, keep: (e: Example) => boolean = () => true): Record<string, ModelReport> {
    const idx = this.ex.map((e, i) => (keep(e) ? i : -1)).filter((i) => i >= 0);
    const y = idx.map((i) => this.ex[i].label);
    const models: Record<string, Scored> = {};
    for (const m of MODEL_NAMES) {
      const byEvents: Scored['byEvents'] = {};
      for (const [k, b] of this.byK) {
        const kk = b.ex.map((e, i) => (keep(e) ? i : -1)).filter((i) => i >= 0);
        byEvents[k] = { y: kk.map((i) => b.ex[i].label), p: Float64Array.from(kk, (i) => b.p[m][i]) };
      }
      models[m] = { p: Float64Array.from(idx, (i) => this.p[m][i]), threshold: Float64Array.from(idx, (i) => this.t[m][i]), byEvents };
    }
    // users are resampled, not sessions: a user's sessions are correlated (the CV groups by user too)
    return scoreScope(y, models, groupBootstrapIndices(idx.map((i) => `${this.ex[i].store}\u0000${this.ex[i].userId}`), boot, seededRandom(EVAL_SEED)));
  }
}

/**
 * Why the CV folds or the time split cannot be fitted, in words, or `undefined` when they can:
 * each fit trains hunch on its part less the users split off for early stopping (as `fitAll`
 * does), which must hold sessions of both outcomes, and validates on at least one session.
 * Checked before the child jobs start (with one or two users, one failed with a stack trace).
 */
function foldsProblem(train: readonly Example[], folds: number): string | undefined {
  const users = new Set(train.map(userKey)).size;
  const parts = [
    ...Array.from({ length: folds }, (_, f) => ({ name: `fold ${f + 1}'s`, ...cvFold(train, folds, f) })),
    { name: "the time split's", fitSet: timeSplit(train, 0.2).train, seed: EVAL_SEED },
  ];
  for (const p of parts) {
    const { train: fitted, val } = userSplit(p.fitSet, 0.15, p.seed);
    const missing = missingClass(fitted) ?? (val.length ? undefined : 'validation user');
    if (missing)
      return `${users} user${users === 1 ? '' : 's'} (${train.length} sessions): too few for the ${folds}-fold CV grouped by user: ${p.name} training part, less its validation users, has no ${missing}; it takes dozens of users, buyers and non-buyers among them (or fewer --folds)`;
  }
  return undefined;
}

async function main(): Promise<void> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2), SPEC);
  requireValues(args, ['json', 'model', 'csv', 'store']);
  const csvPath = args.get('csv');
  const csv: OwnCsv | undefined = csvPath ? { path: csvPath, store: args.get('store') ?? 'generic' } : undefined;
  if (!csv && args.has('store')) throw new UsageError('--store: only with --csv');
  const folds = intArg(args, 'folds', 5, 2, 50);
  const boot = intArg(args, 'boot', 500, 0);
  const jobs = intArg(args, 'jobs', availableParallelism(), 1, 64);
  const modelDir = args.get('model') ?? MODEL_DIR;
  // checked now, not minutes later when the holdout job needs it
  if (!existsSync(join(modelDir, 'model.json'))) throw new UsageError(`--model: no model.json in ${modelDir}`);
  if (csv) checkInputFile(csv.path, 'csv');
  const json = args.get('json');
  if (json) checkOutFile(json, 'json');
  const data = loadEvalData(csv);
  for (const d of data.stores) process.stderr.write(storeSummary(d));
  const problem = csv ? csvProblem(csv.path, data.stores[0]) : undefined;
  if (problem) throw new UsageError(problem);
  if (!data.train.some((e) => e.label === 1) || !data.train.some((e) => e.label === 0)) throw new UsageError(`no sessions of both outcomes (bought / not) to evaluate in ${csv?.path ?? 'the training stores'}`);
  const thin = foldsProblem(data.train, folds);
  if (thin) throw new UsageError(`${csv?.path ?? 'the training stores'}: ${thin}`);
  const names = jobNames(folds, data.reference.length > 0);
  let done = 0;
  progress('eval', 0, names.length, `${names.length} fits, ${jobs} at a time`);
  const results = await pool(
    names.map((job) => async () => {
      const r = await runChild(job, folds, modelDir, csv);
      progress('eval', ++done, names.length, job);
      return r;
    }),
    jobs,
  );
  const cv = new Collector();
  const ts = new Collector();
  const ho = new Collector();
  for (const r of results) {
    if (r.job.startsWith('cv:')) cv.add(r, data.train);
    else if (r.job === 'time') ts.add(r, data.train);
    else ho.add(r, data.holdout);
  }
  // with --csv the store's own log plays both parts: its CV (a model trained on its logs) is the
  // "training store" figure, and the committed model on its sessions the "holdout" one
  const trainStores: readonly string[] = csv ? [csv.store] : TRAINING_STORES;
  const holdoutStores: readonly string[] = csv ? [] : HOLDOUT_STORES;
  const stores: Record<string, Record<string, ModelReport>> = {};
  for (const s of trainStores) stores[s] = cv.score(boot, (e) => e.store === s);
  for (const s of holdoutStores) stores[s] = ho.score(boot, (e) => e.store === s);
  const timeStores: Record<string, Record<string, ModelReport>> = {};
  for (const s of trainStores) timeStores[s] = ts.score(boot, (e) => e.store === s);
  const report = {
    pooled: cv.score(boot),
    holdout: ho.ex.length ? ho.score(boot) : {},
    stores,
    time_split: { pooled: ts.score(boot), stores: timeStores },
    settings: {
      folds,
      csv: csv ? { file: csv.path, store: csv.store, holdoutBaselines: data.reference.length ? 'fitted on the shared training stores' : 'no shared data: no holdout job' } : undefined,
      bootstrap: boot,
      seed: EVAL_SEED,
      modelVersion: results.find((r) => r.modelVersion)?.modelVersion,
      note:
        'pooled and training stores: 5-fold CV grouped by user; holdout: the committed model, baselines trained on all training stores; hunch adds its learned per-store bias on training stores (unknown on holdout stores, so none), hunch_shared never does. Thresholds maximize F1 on validation users of the training side.',
    },
    counts: Object.fromEntries(data.stores.map((d) => [d.store, { ...d.parse, ...d.sessionStats }])),
    seconds: (Date.now() - started) / 1000,
  };
  process.stdout.write(markdownReport(report));
  if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
}

main().catch((e: unknown) => {
  for (const child of children) child.kill(); // the other fits would run on for minutes
  failCli('eval:intent', e);
});
