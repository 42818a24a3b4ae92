/**
 * Offline lift of on-device personalization (`npm run eval:personalization [-- --json FILE]`):
 * replays real users who have several sessions, personalizes each on their past through the
 * browser's code path (`src/personalize/`), scores their later sessions with the global and the
 * personalized head, and prints a markdown table (paired difference with a 95% bootstrap CI).
 * Data root: env `HUNCH_DATA` (default `../shared/data`). The holdout store (Taobao) is only
 * scored: λ, the guard and the split were fixed before looking at it.
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
import { replayUsers, usersOf, type ReplayOptions } from './replay.js';
import { summarize, type DatasetSummary } from './summary.js';

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
    '| dataset | users | log-loss global | log-loss personalized | diff (global − pers.) | 95% CI | adopted | helped | harmed | users for a CI excluding 0 |',
    '|---|---:|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const [name, s] of Object.entries(rows)) {
    lines.push(`| ${name} | ${s.users} | ${fmt(s.global)} | ${fmt(s.personalized)} | ${fmt(s.diff)} | [${fmt(s.ci95[0])}, ${fmt(s.ci95[1])}] | ${pct(s.adopted)} | ${pct(s.helped)} | ${pct(s.harmed)} | ${s.usersForSignificance === null ? '–' : `≈ ${s.usersForSignificance.toLocaleString('en-US')}`} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf('--json');
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  if (jsonAt >= 0 && !jsonFile) throw new TypeError('--json: needs a file name');
  const root = dataRoot();
  if (!hasData(root)) throw new Error(`no data at ${root} (set HUNCH_DATA)`);
  const t0 = Date.now();
  const net = decodeJsNet(await fetchModelFiles(fileFetch, pathToFileURL(join(MODEL_DIR, '/')).href));
  const options: ReplayOptions = {};
  const rows: Record<string, DatasetSummary> = {};
  for (const { store, holdout } of DATASETS) {
    const data = loadStore(store, root);
    const users = usersOf(net, data.sessions);
    const outcomes = replayUsers(net, users, options);
    rows[holdout ? `${store} (holdout)` : store] = summarize(outcomes);
    process.stderr.write(`${store}: ${outcomes.length} users with enough sessions (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  console.log(
    `Personalization lift, model ${net.modelVersion}. Users with ≥ 4 labelled sessions; per user the most recent 30% of sessions (≥ 1) are scored, ` +
      `the head is fitted on the older ones with the browser's guard (last 20% of those held out, adopt if held-out log-loss drops > ${GUARD_DEFAULTS.margin}; ` +
      `λ = ${FIT_DEFAULTS.lambda}, λ_b = ${FIT_DEFAULTS.lambdaBias}, chosen on the training stores). Metric: mean per-session log-loss over the later sessions' prefix steps; ` +
      `diff > 0 = personalization helped; 95% CI: 2,000 bootstrap resamples of users.\n`,
  );
  console.log(markdown(rows));
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(rows, null, 2)}\n`);
  process.stderr.write(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
