/**
 * `npx tsx tools/next-item/rank-cli.ts --dataset diginetica --prefix "id id id" [--k 10]`
 *
 * Prints, as JSON on stdout, the `rank()` output for a prefix of product views on a committed
 * artifact: the reference a browser test compares `recommend()` against (same code, same
 * artifact, so the lists must be identical).
 */
import { join } from 'node:path';
import { createModel } from '../../src/recommend/model';
import { rank } from '../../src/recommend/rank';
import { parseArgs } from './args';
import { MODELS_DIR, readArtifact } from './io';

const args = parseArgs(process.argv.slice(2));
const dataset = args.get('dataset') ?? 'diginetica';
const prefix = (args.get('prefix') ?? '').split(/\s+/).filter(Boolean);
const k = Number(args.get('k') ?? 10);
if (prefix.length === 0) throw new TypeError('--prefix: give item ids separated by spaces');
const { artifact } = readArtifact(join(args.get('models') ?? MODELS_DIR, dataset));
const recs = rank(
  createModel(artifact),
  prefix.map((itemId) => ({ itemId, type: 'product_view' })),
  { k },
);
process.stdout.write(`${JSON.stringify(recs, null, 1)}\n`);
