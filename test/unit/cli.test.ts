// @vitest-environment node
/**
 * The Node CLIs as a store calls them: strict flags, clear usage errors, and `train:intent --csv`
 * and `train:next-item --csv / --sessions` training on a store's own logs into a folder of its
 * choosing (never over the shipped models).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIntentNetFromDir } from '../../src/model/intent-load-node';
import { disposeIntentWeights } from '../../src/model/intent-net';
import { createModel } from '../../src/recommend/model';
import { rank } from '../../src/recommend/rank';
import type { NormalizedEvent } from '../../tools/data/types';
import { helpText, intArg, parseArgs, UsageError } from '../../tools/next-item/args';
import { readArtifact } from '../../tools/next-item/io';
import { loadGenericCsv } from '../../tools/data/index';
import { toExamples } from '../../tools/intent/dataset';
import type { Example } from '../../tools/intent/dataset';
import { fitAll } from '../../tools/intent/fit-all';
import { bestF1Threshold } from '../../tools/intent/metrics';
import { predictLast } from '../../tools/intent/predict';
import { seededRandom } from '../../tools/intent/rng';
import { userSplit } from '../../tools/intent/split';
import { itemSessions } from '../../tools/next-item/store-sessions';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hunch-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const SPEC = { usage: 'tool -- [--out DIR]', flags: { out: 'output folder', folds: 'folds (default 5)' } };

describe('CLI flags', () => {
  it('reads --name value and --name=value; a flag the spec does not list is a UsageError naming it', () => {
    expect([...parseArgs(['--out', 'a', '--folds=3'], SPEC)]).toEqual([
      ['out', 'a'],
      ['folds', '3'],
    ]);
    expect(() => parseArgs(['--otu', 'a'], SPEC)).toThrow(UsageError);
    expect(() => parseArgs(['--otu', 'a'], SPEC)).toThrow(/unknown flag --otu \(known: --out, --folds/);
    expect(() => parseArgs(['stray'], SPEC)).toThrow(/unexpected argument "stray"/);
    expect(helpText(SPEC)).toMatch(/--out\s+output folder/);
  });

  it('whole-number flags are checked against their range', () => {
    const a = parseArgs(['--folds', '1'], SPEC);
    expect(() => intArg(a, 'folds', 5, 2)).toThrow(/--folds: must be a whole number from 2 up \(got "1"\)/);
    expect(intArg(parseArgs(['--folds', '4'], SPEC), 'folds', 5, 2)).toBe(4);
    expect(intArg(new Map(), 'folds', 5, 2)).toBe(5);
    expect(() => intArg(parseArgs(['--folds', 'x'], SPEC), 'folds', 5, 2)).toThrow(UsageError);
  });
});

/** A store's log in the generic CSV: 120 shoppers, one in four sessions ends in a purchase (or those `buys` picks). */
function storeCsv(buys: (u: number) => boolean = (u) => u % 4 === 0): string {
  const rows = ['timestamp,user_id,session_id,event_type,item_id,category_id,price'];
  let t = Date.UTC(2024, 4, 1);
  for (let u = 0; u < 120; u++) {
    const n = 3 + (u % 5);
    for (let i = 0; i < n; i++) {
      t += 40_000;
      rows.push(`${new Date(t).toISOString()},u${u},,product_view,sku-${(u * 7 + i) % 30},c${i % 3},${10 + (i % 7)}`);
    }
    if (buys(u)) {
      rows.push(`${new Date((t += 30_000)).toISOString()},u${u},,add_to_cart,sku-${u % 30},c0,12`);
      rows.push(`${new Date((t += 60_000)).toISOString()},u${u},,purchase,sku-${u % 30},c0,12`);
    }
    t += 3_600_000; // the next shopper's visit
  }
  rows.push('not a time,u1,,product_view,sku-1,,'); // counted as malformed, not fatal
  return rows.join('\n');
}

/** A noisier store log: random visit lengths and items, carts by buyers and non-buyers alike (seeded). */
function noisyCsv(): string {
  const rand = seededRandom(1);
  const rows = ['timestamp,user_id,session_id,event_type,item_id,category_id,price'];
  let t = Date.UTC(2024, 4, 1);
  for (let u = 0; u < 120; u++) {
    const buys = u % 4 === 0;
    const n = 2 + Math.floor(rand() * 6);
    for (let i = 0; i < n; i++) {
      t += 40_000;
      rows.push(`${new Date(t).toISOString()},u${u},,product_view,sku-${Math.floor(rand() * 30)},c${Math.floor(rand() * 3)},${10 + Math.floor(rand() * 7)}`);
      if (rand() < (buys ? 0.3 : 0.1)) rows.push(`${new Date((t += 20_000)).toISOString()},u${u},,add_to_cart,sku-${u % 30},c0,12`);
    }
    if (buys) rows.push(`${new Date((t += 60_000)).toISOString()},u${u},,purchase,sku-${u % 30},c0,12`);
    t += 3_600_000;
  }
  return rows.join('\n');
}

describe('train:intent and eval:intent on a store\'s own CSV', () => {
  const tsx = join(repo, 'node_modules/.bin/tsx');
  const train = join(repo, 'tools/intent/train.ts');
  const shipped = readFileSync(join(repo, 'models/intent/weights.bin'));

  it('--csv without --out is refused, so the shipped model cannot be overwritten', async () => {
    const csv = join(dir, 'store.csv');
    writeFileSync(csv, storeCsv());
    await expect(run(tsx, [train, '--csv', csv], { cwd: repo })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--csv: pass --out DIR too/) });
    await expect(run(tsx, [train, '--otu', dir], { cwd: repo })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/unknown flag --otu/) });
    expect(readFileSync(join(repo, 'models/intent/weights.bin')).equals(shipped)).toBe(true);
  });

  it('the part fitted on must hold a buying session (was a model with head bias −Infinity); --store needs --csv', async () => {
    // the users split off for validation do not depend on the outcomes: find them, and let only one of them buy
    const probe = join(dir, 'probe.csv');
    writeFileSync(probe, storeCsv(() => false));
    const { val } = userSplit(toExamples(loadGenericCsv(probe, 'mystore').sessions), 0.15, 7);
    const buyer = Number(val[0].userId.slice(1));
    const csv = join(dir, 'val-buys.csv');
    writeFileSync(csv, storeCsv((u) => u === buyer));
    const out = join(dir, 'no-buyer-model');
    await expect(run(tsx, [train, '--csv', csv, '--store', 'mystore', '--out', out], { cwd: repo })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no buying session \(label 1\) to learn from in the training part \(\d+ sessions; \d+ more held out for validation\)/),
    });
    expect(existsSync(join(out, 'model.json'))).toBe(false);
    await expect(run(tsx, [train, '--store', 'x'], { cwd: repo })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--store: only with --csv/) });
  }, 60_000);

  it('--csv FILE --out DIR trains a model that loads, with the store recorded in its metadata', async () => {
    const csv = join(dir, 'store.csv');
    writeFileSync(csv, storeCsv());
    const out = join(dir, 'model');
    const { stdout } = await run(tsx, [train, '--csv', csv, '--store', 'mystore', '--out', out], { cwd: repo });
    expect(JSON.parse(stdout.slice(stdout.indexOf('{')))).toMatchObject({ out });
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(Object.keys(meta.training.stores)).toEqual(['mystore']);
    expect(meta.training.stores.mystore).toMatchObject({ malformed: 1 });
    expect(meta.training.sessions.positives).toBe(30);
    const loaded = await loadIntentNetFromDir(out);
    expect(loaded.model.modelVersion).toMatch(/^1\.1-/);
    disposeIntentWeights(loaded.weights);
    expect(readFileSync(join(repo, 'models/intent/weights.bin')).equals(shipped)).toBe(true);
  }, 60_000);

  describe('thresholds: picked on the validation users of the training side', () => {
    const csv = join(dir, 'noisy.csv');
    const out = join(dir, 'noisy-model');
    let meta: { threshold: number };
    let examples: Example[];
    beforeAll(async () => {
      writeFileSync(csv, noisyCsv());
      await run(tsx, [train, '--csv', csv, '--store', 'mystore', '--out', out], { cwd: repo });
      meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
      examples = toExamples(loadGenericCsv(csv, 'mystore').sessions);
    }, 60_000);

    it('train:intent writes the one that maximizes F1 on its validation users (seed 7\'s split), not on the sessions fitted on', async () => {
      const loaded = await loadIntentNetFromDir(out);
      const { train: fitted, val } = userSplit(examples, 0.15, 7);
      const valT = bestF1Threshold(val.map((e) => e.label), predictLast(loaded.weights, val));
      const inSample = bestF1Threshold(fitted.map((e) => e.label), predictLast(loaded.weights, fitted));
      disposeIntentWeights(loaded.weights);
      expect(Math.abs(valT - inSample)).toBeGreaterThan(1e-3); // the data tells the two apart
      expect(meta.threshold).toBeCloseTo(valT, 5); // predicted here on the CPU backend, there on WASM
    });

    it('the holdout job picks the committed network\'s like the baselines\' (not read from meta.json): the same as train:intent\'s on the same sessions and seed', async () => {
      const loaded = await loadIntentNetFromDir(out);
      const fit = await fitAll(examples, 7, { pretrained: { weights: loaded.weights } });
      const { thresholds } = fit;
      fit.dispose();
      disposeIntentWeights(loaded.weights);
      expect(thresholds.hunch).toBeCloseTo(meta.threshold, 5);
      expect(thresholds.hunch_shared).toBe(thresholds.hunch); // no store bias for a pretrained network
    }, 60_000);
  });

  it('eval:intent --csv cross-validates on the store\'s sessions and writes the JSON; without shared data it skips the holdout part', async () => {
    const csv = join(dir, 'store.csv');
    writeFileSync(csv, storeCsv());
    const json = join(dir, 'eval.json');
    const empty = mkdtempSync(join(tmpdir(), 'hunch-nodata-'));
    const env = { ...process.env, HUNCH_DATA: empty };
    const { stdout } = await run(tsx, [join(repo, 'tools/intent/eval.ts'), '--csv', csv, '--store', 'mystore', '--folds', '2', '--boot', '20', '--json', json], { cwd: repo, env });
    rmSync(empty, { recursive: true, force: true });
    // 119 of the 120 sessions: the last one ends at the end of the file's time window, so its
    // outcome is unknown and it is left out (the cut-off rule of every store)
    expect(stdout).toMatch(/Pooled, 2-fold CV grouped by user \(mystore: models trained on its own logs\) \(n=119, positives=30\)/);
    expect(stdout).not.toMatch(/committed model/);
    const r = JSON.parse(readFileSync(json, 'utf8'));
    expect(Object.keys(r.stores)).toEqual(['mystore']);
    expect(r.pooled.hunch.auc).toBeGreaterThan(0.5);
    expect(r.holdout).toEqual({});
    expect(r.settings.csv).toMatchObject({ store: 'mystore', holdoutBaselines: 'no shared data: no holdout job' });
    await expect(run(tsx, [join(repo, 'tools/intent/eval.ts'), '--store', 'x'], { cwd: repo })).rejects.toMatchObject({ stderr: expect.stringMatching(/--store: only with --csv/) });
  }, 120_000);
});

/**
 * A store's log in the generic CSV for the item model: 300 visits, each walking a chain of 40
 * items (sku-k, sku-k+1, …), with a cart add and a removal of the current item now and then.
 */
function chainCsv(): string {
  const rows = ['timestamp,user_id,session_id,event_type,item_id,category_id,price'];
  let t = Date.UTC(2024, 4, 1);
  for (let v = 0; v < 300; v++) {
    const start = (v * 7) % 40;
    const n = 3 + (v % 6);
    for (let i = 0; i < n; i++) {
      const item = `sku-${(start + i) % 40}`;
      rows.push(`${new Date((t += 20_000)).toISOString()},u${v % 90},,product_view,${item},c,10`);
      if (i === 1 && v % 3 === 0) rows.push(`${new Date((t += 5_000)).toISOString()},u${v % 90},,add_to_cart,${item},c,10`);
      if (i === 2 && v % 3 === 0) rows.push(`${new Date((t += 5_000)).toISOString()},u${v % 90},,remove_from_cart,${item},c,10`);
    }
    t += 3_600_000; // the next visit
  }
  return rows.join('\n');
}

describe("train:next-item on a store's own log", () => {
  const tsx = join(repo, 'node_modules/.bin/tsx');
  const train = join(repo, 'tools/next-item/train.ts');

  it('item sessions: what the ranker sees of each visit (removes skipped), split on 30-minute gaps, oldest first, single items left out', () => {
    const ev = (userId: string, ts: number, type: NormalizedEvent['type'], itemId: string): NormalizedEvent => ({ store: 's', userId, sessionId: '', ts, type, itemId, categoryId: '' });
    const min = 60_000;
    const r = itemSessions([
      ev('b', 100 * min, 'product_view', 'x'),
      ev('a', 0, 'product_view', 'p'),
      ev('a', 1 * min, 'add_to_cart', 'p'),
      ev('a', 2 * min, 'remove_from_cart', 'p'),
      ev('a', 3 * min, 'search', ''),
      ev('a', 4 * min, 'purchase', 'q'),
      ev('a', 40 * min, 'product_view', 'r'), // 36 minutes later: a new visit, of one item
      ev('b', 101 * min, 'product_view', 'y'),
    ]);
    expect(r).toEqual({ sessions: [['p', 'p', 'q'], ['x', 'y']], short: 1 });
  });

  it('--csv / --sessions need --out and refuse --dataset, so the committed artifacts cannot be overwritten', async () => {
    const csv = join(dir, 'chain.csv');
    writeFileSync(csv, chainCsv());
    await expect(run(tsx, [train, '--csv', csv], { cwd: repo })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--csv: pass --out DIR too/) });
    await expect(run(tsx, [train, '--csv', csv, '--dataset', 'tmall', '--out', dir], { cwd: repo })).rejects.toMatchObject({ stderr: expect.stringMatching(/--dataset does not go with --csv/) });
    await expect(run(tsx, [train, '--csv', csv, '--sessions', csv, '--out', dir], { cwd: repo })).rejects.toMatchObject({ stderr: expect.stringMatching(/not both/) });
    await expect(run(tsx, [train, '--csv', csv, '--like', 'amazon', '--out', dir], { cwd: repo })).rejects.toMatchObject({ stderr: expect.stringMatching(/--like: unknown "amazon"/) });
    const few = join(dir, 'few.txt');
    writeFileSync(few, 'a b\nb c\n');
    await expect(run(tsx, [train, '--sessions', few, '--out', join(dir, 'few')], { cwd: repo })).rejects.toMatchObject({ stderr: expect.stringMatching(/too few sessions \(2; at least 20/) });
  }, 60_000);

  it('--csv FILE --out DIR writes an artifact that loads and ranks the chain\'s next item first', async () => {
    const csv = join(dir, 'chain.csv');
    writeFileSync(csv, chainCsv());
    const out = join(dir, 'items');
    const { stdout, stderr } = await run(tsx, [train, '--csv', csv, '--store', 'mystore', '--out', out, '--trees', '10'], { cwd: repo });
    expect(stderr).toMatch(/mystore: 300 sessions of 2\+ items read from .* \(0 shorter left out; 1\d{3} rows, 0 malformed skipped\)/);
    const p20 = Number(/validation hunch P@20 ([\d.]+)/.exec(stdout)?.[1]);
    expect(p20).toBeGreaterThan(90); // the chain is learnable: the next item is almost always in the top 20
    const { artifact, manifest } = readArtifact(out);
    expect(manifest.meta).toMatchObject({ dataset: 'mystore' });
    expect(artifact.itemIds.length).toBe(40);
    const recs = rank(createModel(artifact), [{ itemId: 'sku-11' }, { itemId: 'sku-12' }], { k: 3 });
    expect(recs[0].itemId).toBe('sku-13');
  }, 120_000);
});
