/**
 * Chooses the fit's pull strengths (λ, λ_b) on the training stores only (`npx tsx
 * tools/personalize/select.ts`): users of JD JData and REES46 with at least two sessions; the
 * head is fitted on all but the last session and scored on the last (no guard: this measures the
 * fit alone). Prints the mean paired log-loss difference per setting. Never reads the holdout.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dataRoot, loadStore, TRAINING_STORES } from '../data/index.js';
import { MODEL_DIR } from '../intent/paths.js';
import { fileFetch } from '../../src/model/intent-load-node.js';
import { decodeJsNet } from '../../src/model/js-net.js';
import { fetchModelFiles } from '../../src/model/model-files.js';
import { fitHead } from '../../src/personalize/fit.js';
import { runToEnd } from '../../src/slice.js';
import { globalHead } from '../../src/personalize/head.js';
import { meanLogLoss } from '../../src/personalize/loss.js';
import { usersOf } from './replay.js';
import { summarize } from './summary.js';

/** The grid searched. */
export const GRID = { lambda: [1, 4, 16, 64], lambdaBias: [0.1, 0.5, 2, 8] };

async function main(): Promise<void> {
  const net = decodeJsNet(await fetchModelFiles(fileFetch, pathToFileURL(join(MODEL_DIR, '/')).href));
  const g = globalHead(net);
  const histories = TRAINING_STORES.flatMap((s) => [...usersOf(net, loadStore(s, dataRoot()).sessions).values()]).filter((l) => l.length >= 2);
  console.log(`${histories.length} training-store users with ≥ 2 sessions, ${histories.reduce((a, l) => a + l.length, 0)} sessions, ${histories.reduce((a, l) => a + l.reduce((b, s) => b + s.label, 0), 0)} buying\n`);
  console.log('| λ | λ_b | diff (global − fitted) | 95% CI | helped | harmed |\n|---:|---:|---:|---|---:|---:|');
  for (const lambda of GRID.lambda) {
    for (const lambdaBias of GRID.lambdaBias) {
      const outcomes = histories.map((l, i) => {
        const head = runToEnd(fitHead(l.slice(0, -1), g, { lambda, lambdaBias }));
        return { user: String(i), global: meanLogLoss(g, l.slice(-1)), personalized: meanLogLoss(head, l.slice(-1)), adopted: true, sessions: { past: l.length - 1, later: 1 } };
      });
      const s = summarize(outcomes);
      console.log(`| ${lambda} | ${lambdaBias} | ${s.diff.toFixed(4)} | [${s.ci95[0].toFixed(4)}, ${s.ci95[1].toFixed(4)}] | ${(s.helped * 100).toFixed(1)}% | ${(s.harmed * 100).toFixed(1)}% |`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
