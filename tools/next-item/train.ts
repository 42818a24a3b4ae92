/**
 * `npm run train:next-item -- [--dataset diginetica|retailrocket|tmall|all] [--out DIR]
 *   [--rounds 0] [--val-fraction 0.1] [--val-every 4] [--start '{json params}']
 *   [--reranker trees|linear|none] [--trees 150] [--factors DIMS]`
 * `npm run train:next-item -- --csv FILE | --sessions FILE --out DIR [--store NAME] [--like DATASET] [flags]`
 *
 * With `--csv` (the generic event CSV) or `--sessions` (one session of item ids a line), a store
 * trains on its own log (`store-sessions.ts`) and the artifact goes to `--out` itself (required,
 * so the committed artifacts are never overwritten); its ranking parameters start from the tuned
 * ones of `--like` (default diginetica), and `--rounds 1` tunes them on the store's validation.
 *
 * For each dataset: carve a validation split from the end of train_sessions.txt (newest
 * sessions; every prefix predicting its next item, every `val-every`-th case kept: the tuning
 * cases), score hunch's ranking parameters and the V-SKNN baseline on it (from `TUNED`, hunch's
 * overridden by `--start`; `--rounds N` runs N rounds of coordinate ascent from there), then
 * write the artifact of all training sessions with those parameters to `<out>/<dataset>/`
 * (manifest.json + model.bin; validation metrics and the baseline setting in `meta`).
 * A learned re-ranker is fitted on the other validation cases and kept only if it beats the
 * blend on the tuning cases: LambdaMART boosted trees over all candidate features by default
 * (`trees.ts`), the linear one over the vote/history features with `--reranker linear`
 * (`--rerank false`, the older spelling of `--reranker none`, still works).
 * `--factors DIMS` also trains item factors for per-user taste (implicit ALS, `factors.ts`):
 * β is chosen on the tuning cases (taste fitted from each prefix) with factors of the fit
 * sessions, then the factors are retrained on all sessions and stored (int8) in the artifact
 * (unless β = 0 won: then the taste would change nothing and the artifact has no factors).
 * The test file is never read. Progress on stderr, summary on stdout.
 */
import { join } from 'node:path';
import { encodeArtifact, type Reranker } from '../../src/recommend/artifact';
import { DEFAULT_RERANK_DEPTH } from '../../src/recommend/rank';
import type { ItemFactors } from '../../src/recommend/factors';
import { createModel } from '../../src/recommend/model';
import { DEFAULT_PARAMS, resolveParams, type RankParams } from '../../src/recommend/params';
import { csvProblem, parseSummary } from '../data/summary';
import { checkInputFile, checkOutDir, datasetsArg, failCli, parseArgs, requireValues, UsageError, type CliSpec } from './args';
import { artifactSessions, buildArtifact } from './build';
import { DATASETS, readTrainSessions, splitValidation, type Dataset } from './data';
import { readStoreSessions } from './store-sessions';
import { ALS_DEFAULTS, selectBeta, trainItemFactors } from './factors';
import { evaluate, hunchRanker } from './evaluate';
import { HUNCH_GRID, TUNED, VSKNN_GRID } from './grids';
import { MODELS_DIR, writeArtifact } from './io';
import { Progress } from './progress';
import { trainFlags } from './train-flags';
import { collectRerankData, fitReranker } from './rerank';
import { fitTrees } from './trees';
import { coordinateAscent, type Grid } from './tune';
import { DEFAULT_VSKNN, vsknnRanker, type VsknnParams } from './vsknn';

/** Fewest sessions of 2+ items a training run accepts (it holds out the newest for validation). */
const MIN_SESSIONS = 20;

function gridSize<P>(g: Grid<P>): number {
  return Object.values(g).reduce((n: number, v) => n + (v as unknown[]).length, 0);
}

const SPEC: CliSpec = {
  usage:
    'npm run train:next-item -- [--dataset diginetica|retailrocket|tmall|all] [--out DIR] [flags]\n' +
    'Trains the item model of each dataset (sessions/<dataset>/train_sessions.txt) and writes <out>/<dataset>/manifest.json + model.bin.\n' +
    'npm run train:next-item -- --csv FILE | --sessions FILE --out DIR [--store NAME] [--like DATASET] [flags]\n' +
    "Trains on a store's own log and writes DIR/manifest.json + model.bin.",
  flags: {
    dataset: 'diginetica, retailrocket, tmall, a comma list, or all (default all)',
    out: `output folder (default ${MODELS_DIR}, the committed artifacts; required with --csv / --sessions)`,
    csv: "train on this generic event CSV (timestamp,user_id,session_id,event_type,item_id,category_id,price) instead of the datasets",
    sessions: 'train on this sessions file (one session a line, item ids separated by spaces, oldest first) instead of the datasets',
    store: 'name recorded in the artifact for --csv / --sessions (default "generic")',
    like: 'with --csv / --sessions: the dataset whose tuned ranking parameters to start from (default diginetica)',
    rounds: 'rounds of coordinate ascent on the ranking parameters (default 0: the tuned ones)',
    'val-fraction': 'share of the newest sessions held out for validation (default 0.1)',
    'val-every': 'every n-th validation case is a tuning case (default 4)',
    start: "JSON of ranking parameters overriding the tuned ones, e.g. '{\"lambdaPos\":2}'",
    reranker: 'trees (default), linear or none',
    rerank: 'false: the older spelling of --reranker none',
    trees: 'boosted trees of the tree re-ranker (default 150)',
    factors: 'also train item factors of this many dims for per-user taste (default 0: none)',
  },
};

/** One artifact to train: its name, its sessions (oldest first), where it goes, where tuning starts. */
interface Job {
  name: string;
  sessions: () => string[][];
  dir: string;
  tuned: (typeof TUNED)[Dataset];
}

/** The jobs the flags ask for: the shared datasets, or one store file. */
function jobsOf(args: Map<string, string>): Job[] {
  requireValues(args, ['out', 'csv', 'sessions', 'store', 'like', 'dataset']);
  const file = args.get('csv') ?? args.get('sessions');
  if (!file) {
    if (args.has('store') || args.has('like')) throw new UsageError('--store and --like go with --csv or --sessions');
    const out = args.get('out') ?? MODELS_DIR;
    return datasetsArg(args, DATASETS).map((d) => ({ name: d, sessions: () => readTrainSessions(d), dir: join(out, d), tuned: TUNED[d as Dataset] }));
  }
  if (args.has('csv') && args.has('sessions')) throw new UsageError('pass --csv or --sessions, not both');
  if (args.has('dataset')) throw new UsageError('--dataset does not go with --csv / --sessions (use --like to pick the starting parameters)');
  const out = args.get('out');
  if (!out) throw new UsageError(`--${args.has('csv') ? 'csv' : 'sessions'}: pass --out DIR too (a model trained on your logs must not overwrite the committed ones)`);
  const like = args.get('like') ?? 'diginetica';
  if (!(DATASETS as readonly string[]).includes(like)) throw new UsageError(`--like: unknown "${like}" (known: ${DATASETS.join(', ')})`);
  const name = args.get('store') ?? 'generic';
  // checked now, not after the training
  checkInputFile(file, args.has('csv') ? 'csv' : 'sessions');
  checkOutDir(out);
  return [
    {
      name,
      sessions: () => {
        const read = readStoreSessions(file, args.has('csv') ? 'csv' : 'sessions');
        const p = read.parse;
        process.stderr.write(
          `${name}: ${read.sessions.length} sessions of 2+ items read from ${file} (${read.short} shorter left out` +
            (p ? `; ${parseSummary(p)}` : '') +
            ')\n',
        );
        const problem = read.read && csvProblem(file, read.read);
        if (problem) throw new UsageError(problem);
        return read.sessions;
      },
      dir: out,
      tuned: TUNED[like as Dataset],
    },
  ];
}

function main(): void {
  const args = parseArgs(process.argv.slice(2), SPEC);
  // the tuning flags first: a misspelt one is refused before the files are looked at
  const { rounds, valFraction, valEvery, factors: dims, reranker: rerankKind, trees: nTrees, start: startParams } = trainFlags(args);
  const jobs = jobsOf(args);

  for (const { name: dataset, sessions: read, dir, tuned } of jobs) {
    const start = resolveParams({ ...DEFAULT_PARAMS, ...tuned.hunch, ...startParams });
    const t0 = Date.now();
    const sessions = read();
    const { fit, validation } = splitValidation(sessions, valFraction);
    const cases = validation.filter((_, i) => i % valEvery === 0);
    if (sessions.length < MIN_SESSIONS || cases.length === 0) throw new UsageError(`${dataset}: too few sessions (${sessions.length}; at least ${MIN_SESSIONS} with validation cases to run, and hundreds for a useful model)`);
    process.stderr.write(`${dataset}: ${sessions.length} sessions; fit ${fit.length}, validation ${cases.length} cases\n`);
    const fitArtifact = buildArtifact(fit);

    const hunchBar = new Progress(`${dataset} tune hunch`, rounds * gridSize(HUNCH_GRID) + 1);
    let n = 0;
    const hunch = coordinateAscent<RankParams>(
      start,
      rounds > 0 ? HUNCH_GRID : {},
      (p) => evaluate(hunchRanker(createModel(fitArtifact, p)), cases),
      rounds,
      () => hunchBar.tick(++n),
    );
    hunchBar.tick(rounds * gridSize(HUNCH_GRID) + 1);

    // Learned re-ranker: fit on validation cases disjoint from the tuning ones; kept only if it
    // beats the tuned blend on the tuning cases.
    let reranker: Reranker | undefined;
    let rerankResult: { p20: number; mrr20: number } | undefined;
    const rest = validation.filter((_, i) => i % valEvery !== 0);
    if (rerankKind !== 'none' && rest.length > 0) {
      const stride = Math.max(1, Math.ceil(rest.length / (rerankKind === 'trees' ? 60_000 : 30_000)));
      const rCases = rest.filter((_, i) => i % stride === 0);
      const plain = createModel(fitArtifact, hunch.best.params, null);
      const data = collectRerankData(plain, rCases, `${dataset} re-ranker features`);
      let rr: Reranker;
      if (rerankKind === 'trees') {
        const treeBar = new Progress(`${dataset} re-ranker trees`, nTrees);
        rr = fitTrees(data, { trees: nTrees, depth: DEFAULT_RERANK_DEPTH, onTree: (t) => treeBar.tick(t) });
      } else rr = fitReranker(data);
      rerankResult = evaluate(hunchRanker(createModel(fitArtifact, hunch.best.params, rr)), cases, `${dataset} re-ranker check`);
      if (rerankResult.p20 + rerankResult.mrr20 > hunch.best.p20 + hunch.best.mrr20) reranker = rr;
    }

    const fitModel = createModel(fitArtifact);
    const baseBar = new Progress(`${dataset} tune V-SKNN`, rounds * gridSize(VSKNN_GRID) + 1);
    n = 0;
    const baseline = coordinateAscent<VsknnParams>(
      { ...DEFAULT_VSKNN, ...tuned.baseline },
      rounds > 0 ? VSKNN_GRID : {},
      (p) => evaluate(vsknnRanker(fitModel, p), cases),
      rounds,
      () => baseBar.tick(++n),
    );
    baseBar.tick(rounds * gridSize(VSKNN_GRID) + 1);

    const full = buildArtifact(sessions, hunch.best.params);
    let factors: ItemFactors | undefined;
    let betaMrr: Record<string, number> | undefined;
    if (dims > 0) {
      const als = { ...ALS_DEFAULTS, dims };
      const alsBar = new Progress(`${dataset} item factors`, 2 * als.iterations);
      const fitVectors = trainItemFactors(artifactSessions(fitArtifact), fitArtifact.itemIds.length, als, (i) => alsBar.tick(i));
      const chosen = selectBeta(createModel(fitArtifact, hunch.best.params, reranker ?? null), { dims, reg: als.reg, alpha: als.alpha, vectors: fitVectors }, cases);
      betaMrr = Object.fromEntries([...chosen.mrr20].map(([b, v]) => [String(b), round2(v)]));
      if (chosen.beta > 0) {
        const vectors = trainItemFactors(artifactSessions(full), full.itemIds.length, als, (i) => alsBar.tick(als.iterations + i));
        factors = { dims, reg: als.reg, alpha: als.alpha, beta: chosen.beta, vectors };
      } // β = 0 won on validation: the taste would change nothing, so the artifact stays without factors
    }

    const trainSeconds = Math.round((Date.now() - t0) / 1000);
    const { manifest, binary } = encodeArtifact({
      itemIds: full.itemIds,
      sessions: artifactSessions(full),
      params: hunch.best.params,
      ...(reranker ? { reranker } : {}),
      ...(factors ? { factors } : {}),
      meta: {
        dataset,
        trainSeconds,
        validation: {
          fraction: valFraction,
          every: valEvery,
          cases: cases.length,
          hunch: { p20: round2(hunch.best.p20), mrr20: round2(hunch.best.mrr20) },
          ...(rerankResult ? { reranked: { p20: round2(rerankResult.p20), mrr20: round2(rerankResult.mrr20), kept: !!reranker } } : {}),
          baseline: { p20: round2(baseline.best.p20), mrr20: round2(baseline.best.mrr20) },
          ...(betaMrr ? { factorsMrr20ByBeta: betaMrr } : {}),
          trials: hunch.trials.length + baseline.trials.length,
        },
        baseline: baseline.best.params,
      },
    });
    const gz = writeArtifact(dir, manifest, binary);
    process.stdout.write(
      `${dataset}: validation hunch P@20 ${hunch.best.p20.toFixed(2)} MRR@20 ${hunch.best.mrr20.toFixed(2)}; ` +
        (rerankResult
          ? `re-ranked ${rerankResult.p20.toFixed(2)} / ${rerankResult.mrr20.toFixed(2)} (${reranker ? 'kept' : 'dropped'}); `
          : '') +
        `V-SKNN ${baseline.best.p20.toFixed(2)} / ${baseline.best.mrr20.toFixed(2)}; ` +
        (betaMrr ? `factors ${factors ? `${dims} dims kept, β = ${factors.beta}` : 'not kept (β = 0 won)'} (validation MRR@20 by β: ${JSON.stringify(betaMrr)}); ` : '') +
        `artifact ${(gz / 1e6).toFixed(2)} MB gz; ${trainSeconds} s\n` +
        `  params ${JSON.stringify(hunch.best.params)}\n  baseline ${JSON.stringify(baseline.best.params)}\n`,
    );
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

try {
  main();
} catch (e) {
  failCli('train:next-item', e);
}
