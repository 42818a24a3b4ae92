/**
 * Offline lift of on-device personalization (`npm run eval:personalization [-- --json FILE]
 * [--only intent|recommend] [--tune]`), through the browser's code paths (`src/personalize/`):
 * - intent: replays real users who have several sessions, personalizes each one's head on their
 *   past, scores their later sessions with the global and the personalized head (log-loss);
 * - recommend: the Amazon review histories (`taste-replay.ts`): a store model trained on half of
 *   the users, the other half personalized on their own history (taste vector + guard), scored on
 *   their last item (MRR@20).
 * Prints a markdown table (paired difference with a 95% bootstrap CI). Data root: env
 * `HUNCH_DATA` (default `../shared/data`). The holdout store (Taobao) is only scored: λ, the guard
 * and the split were fixed before looking at it. `--tune` re-tunes the recommendation ranking
 * parameters on Beauty's store-side validation split and prints them (then uses them).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dataRoot, hasData, loadStore, type StoreName } from '../data/index.js';
import { MODEL_DIR } from '../intent/paths.js';
import { fileFetch } from '../../src/model/intent-load-node.js';
import { decodeJsNet } from '../../src/model/js-net.js';
import { fetchModelFiles } from '../../src/model/model-files.js';
import { FIT_DEFAULTS } from '../../src/personalize/fit.js';
import { GUARD_DEFAULTS } from '../../src/personalize/guard.js';
import { AUTO_EVERY_SESSIONS } from '../../src/personalize/personalizer.js';
import { resolveParams } from '../../src/recommend/params.js';
import { failCli, parseArgs, requireValues, UsageError, type CliSpec } from '../next-item/args.js';
import { replayUsers, replayUsersScheduled, usersOf, type ReplayOptions } from './replay.js';
import { LOG_LOSS, MRR20, summarize, type DatasetSummary } from './summary.js';
import { buildStoreModel, readUserHistories, replayTaste, splitUsers, tuneParams, USER_HISTORY_PARAMS, USER_HISTORY_SETS } from './taste-replay.js';

/** Datasets replayed, in report order (`holdout: true` = evaluation only). */
export const DATASETS: ReadonlyArray<{ store: StoreName; holdout: boolean }> = [
  { store: 'jdata', holdout: false },
  { store: 'rees46', holdout: false },
  { store: 'diginetica', holdout: false },
  { store: 'taobao', holdout: true },
];

const fmt = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');

/** Markdown table of the summaries. */
export function markdown(rows: Record<string, DatasetSummary>): string {
  const lines = [
    '| dataset | metric | users | global | personalized | lift (+ = helped) | 95% CI | adopted | helped | harmed | users for a CI excluding 0 |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const [name, s] of Object.entries(rows)) {
    const mrr = s.metric === MRR20.name;
    const metric = mrr ? 'MRR@20 ↑' : 'log-loss ↓';
    const f = (v: number) => fmt(v, mrr ? 5 : 4); // MRR lifts are small: one more digit
    lines.push(`| ${name} | ${metric} | ${s.users.toLocaleString('en-US')} | ${f(s.global)} | ${f(s.personalized)} | ${f(s.diff)} | [${f(s.ci95[0])}, ${f(s.ci95[1])}] | ${pct(s.adopted)} | ${pct(s.helped)} | ${pct(s.harmed)} | ${s.usersForSignificance === null ? '–' : `≈ ${s.usersForSignificance.toLocaleString('en-US')}`} |`);
  }
  return lines.join('\n');
}

const SPEC: CliSpec = {
  usage:
    'npm run eval:personalization -- [--json FILE] [--only intent|recommend] [--tune]\nOffline lift of on-device personalization: the intent head on users with several sessions, the taste on Amazon review histories (shared data: ../shared/data or HUNCH_DATA).',
  flags: {
    json: 'also write the figures as JSON to FILE',
    only: 'intent or recommend: run one part (default both)',
    tune: "re-tune the recommendation ranking parameters on Beauty's store-side validation split first",
  },
};

/** What `eval:personalization` was asked for. */
export interface EvalFlags {
  /** Where to write the JSON (none when absent). */
  json?: string;
  /** The one part to run (both when absent). */
  only?: 'intent' | 'recommend';
  /** Re-tune the ranking parameters first. */
  tune: boolean;
}

/**
 * Reads the flags (the shared {@link parseArgs}: `--help` prints them and exits; `--name=value`
 * and `--name value` alike).
 * @throws UsageError for an unknown flag, a `--json` or `--only` without its value, an `--only`
 *   other than intent or recommend, or a value given to `--tune`
 */
export function parseEvalFlags(argv: readonly string[]): EvalFlags {
  const args = parseArgs(argv, SPEC);
  requireValues(args, ['json', 'only']);
  const only = args.get('only');
  if (only !== undefined && only !== 'intent' && only !== 'recommend') throw new UsageError(`--only: intent or recommend (got "${only}")`);
  if (args.has('tune') && args.get('tune') !== 'true') throw new UsageError('--tune takes no value');
  return { json: args.get('json'), only, tune: args.has('tune') };
}

async function main(): Promise<void> {
  const { json: jsonFile, only, tune } = parseEvalFlags(process.argv.slice(2));
  const root = dataRoot();
  if (!hasData(root)) throw new Error(`no data at ${root} (set HUNCH_DATA)`);
  const t0 = Date.now();
  const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
  const rows: Record<string, DatasetSummary> = {};
  const notes: string[] = [];
  if (only !== 'recommend') {
    const net = decodeJsNet(await fetchModelFiles(fileFetch, pathToFileURL(join(MODEL_DIR, '/')).href));
    const options: ReplayOptions = {};
    for (const { store, holdout } of DATASETS) {
      const data = loadStore(store, root);
      const users = usersOf(net, data.sessions, data.purchaseFirst); // those count toward the schedule's runs, as in the browser
      const outcomes = replayUsers(net, users, options);
      const name = holdout ? `${store} (holdout)` : store;
      rows[name] = summarize(outcomes, LOG_LOSS);
      process.stderr.write(`${store}: ${outcomes.length} users with enough sessions (${secs()} s)\n`);
      const scheduled = replayUsersScheduled(net, users, options);
      if (scheduled.outcomes.length) {
        rows[`${name}, browser schedule`] = summarize(scheduled.outcomes, LOG_LOSS);
        process.stderr.write(`${store}, browser schedule: ${scheduled.outcomes.length} users, ${scheduled.reverted} runs dropped a head\n`);
      }
    }
    notes.push(
      `Intent (model ${net.modelVersion}): users with ≥ 4 labelled sessions; per user the most recent 30% of sessions (≥ 1) are scored, ` +
        `the head is fitted on the older ones with the browser's guard (last 20% of those held out, adopt if held-out log-loss drops > ${GUARD_DEFAULTS.margin}; ` +
        `λ = ${FIT_DEFAULTS.lambda}, λ_b = ${FIT_DEFAULTS.lambdaBias}, chosen on the training stores). Metric: mean per-session log-loss over the later sessions' prefix steps. ` +
        `"browser schedule" rows (added 2026-11-30, after the one-run figures were known; not tuned on): the same users replayed as the browser runs them, ` +
        `a guarded run before a session whenever ${AUTO_EVERY_SESSIONS} sessions ended since the last (the head in use is the guard's current head, so a later run can drop it), ` +
        `every session from the first run on scored with the head in use then; sessions that start with a purchase count as ended sessions, as in the browser, ` +
        `but have no prediction to score (counted since 2026-12-01).`,
    );
  }
  if (only !== 'intent') {
    let params = resolveParams(USER_HISTORY_PARAMS);
    if (tune) {
      let n = 0;
      params = tuneParams(splitUsers(readUserHistories(root, 'Beauty')).store, () => process.stderr.write(`\rtuning on Beauty's store side: ${++n} trials`));
      console.log(`\ntuned ranking parameters: ${JSON.stringify(params)}\n`);
    }
    for (const name of USER_HISTORY_SETS) {
      const { store, device } = splitUsers(readUserHistories(root, name));
      const key = `amazon-${name.split('_')[0].toLowerCase()}`;
      process.stderr.write(`${key}: training the store's model on ${store.length} users (${secs()} s)\n`);
      const sm = buildStoreModel(store, params);
      const outcomes = replayTaste(sm.model, device, {}, `${key} device users`);
      rows[key] = summarize(outcomes, MRR20);
      const betas = [...sm.betaMrr].map(([b, v]) => `${b}: ${v.toFixed(2)}`).join(', ');
      process.stderr.write(`${key}: store ${store.length} users, device ${outcomes.length}; β = ${sm.beta} (store validation MRR@20 by β: ${betas}); artifact ${(sm.bytes / 1e6).toFixed(2)} MB (${secs()} s)\n`);
      notes.push(`${key}: β = ${sm.beta} chosen on the store's validation users (MRR@20 % by β: ${betas}).`);
    }
    notes.unshift(
      'Recommendations: Amazon review histories split at random into a store half (its item model, re-ranker and item factors are trained on it; ' +
        'β chosen on 10% of it) and a device half; each device user keeps all but the last item on the device, the guard (last 20% of those items held out, ' +
        'adopt if their mean reciprocal rank in the top 100 rises) decides on a taste fitted on the rest, and the last item is the test. Metric: MRR@20.',
    );
  }
  console.log(`Personalization lift. diff > 0 = personalization helped; 95% CI: 2,000 bootstrap resamples of users.\n`);
  for (const n of notes) console.log(`- ${n}`);
  console.log(`\n${markdown(rows)}`);
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(rows, null, 2)}\n`);
  process.stderr.write(`done in ${secs()} s\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => failCli('eval:personalization', e));
}
