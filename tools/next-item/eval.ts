/**
 * `npm run eval:next-item -- [--dataset diginetica|retailrocket|tmall|all] [--models DIR]
 *   [--json FILE]`
 *
 * Loads each dataset's committed artifact through the browser's decoder, ranks every line of
 * `test_prefixes.tsv` with `rank()` (the prefix as product views) and with the V-SKNN baseline
 * (its validation-tuned setting from the manifest, over the same sessions), and prints a
 * markdown table of P@20 / MRR@20 (percent; SR-GNN protocol) and the gzipped artifact size.
 * `--json FILE` writes `{ "<dataset>": { hunch: { p20, mrr20 }, baseline: { p20, mrr20 },
 * artifactBytesGzip } }`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModel } from '../../src/recommend/model';
import { datasetsArg, failCli, parseArgs, requireValues, type CliSpec } from './args';
import { DATASETS, readTestPrefixes } from './data';
import { evaluate, hunchRanker } from './evaluate';
import { MODELS_DIR, readArtifact } from './io';
import { DEFAULT_VSKNN, vsknnRanker, type VsknnParams } from './vsknn';

interface Row {
  hunch: { p20: number; mrr20: number };
  baseline: { p20: number; mrr20: number };
  artifactBytesGzip: number;
  cases: number;
  msPerCase: number;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

const SPEC: CliSpec = {
  usage: 'npm run eval:next-item -- [--dataset diginetica|retailrocket|tmall|all] [--models DIR] [--json FILE]\nRanks every test prefix with the committed item model and the V-SKNN baseline; prints P@20 and MRR@20.',
  flags: {
    dataset: 'diginetica, retailrocket, tmall, a comma list, or all (default all)',
    models: `folder of the item models (default ${MODELS_DIR})`,
    json: 'also write the figures as JSON to FILE',
  },
};

function main(): void {
  const args = parseArgs(process.argv.slice(2), SPEC);
  requireValues(args, ['dataset', 'models', 'json']); // a bare --json would write a file named 'true'
  const datasets = datasetsArg(args, DATASETS);
  const models = args.get('models') ?? MODELS_DIR;
  const rows = new Map<string, Row>();
  for (const dataset of datasets) {
    const { artifact, manifest, bytesGzip } = readArtifact(join(models, dataset));
    const model = createModel(artifact);
    const cases = readTestPrefixes(dataset);
    const t0 = performance.now();
    const hunch = evaluate(hunchRanker(model), cases, `${dataset} hunch`);
    const msPerCase = (performance.now() - t0) / cases.length;
    const base = { ...DEFAULT_VSKNN, ...((manifest.meta?.baseline as Partial<VsknnParams>) ?? {}) };
    const baseline = evaluate(vsknnRanker(model, base), cases, `${dataset} V-SKNN`);
    rows.set(dataset, {
      hunch: { p20: r2(hunch.p20), mrr20: r2(hunch.mrr20) },
      baseline: { p20: r2(baseline.p20), mrr20: r2(baseline.mrr20) },
      artifactBytesGzip: bytesGzip,
      cases: cases.length,
      msPerCase,
    });
  }
  const lines = [
    '| dataset | test prefixes | hunch P@20 | hunch MRR@20 | V-SKNN P@20 | V-SKNN MRR@20 | artifact (gzip) | rank() ms/prefix |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [d, r] of rows) {
    lines.push(
      `| ${d} | ${r.cases} | ${r.hunch.p20.toFixed(2)} | ${r.hunch.mrr20.toFixed(2)} | ${r.baseline.p20.toFixed(2)} | ` +
        `${r.baseline.mrr20.toFixed(2)} | ${(r.artifactBytesGzip / 1e6).toFixed(2)} MB | ${r.msPerCase.toFixed(2)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const jsonFile = args.get('json');
  if (jsonFile) {
    const out: Record<string, Omit<Row, 'cases' | 'msPerCase'>> = {};
    for (const [d, r] of rows) out[d] = { hunch: r.hunch, baseline: r.baseline, artifactBytesGzip: r.artifactBytesGzip };
    writeFileSync(jsonFile, `${JSON.stringify(out, null, 2)}\n`);
  }
}

try {
  main();
} catch (e) {
  failCli('eval:next-item', e);
}
