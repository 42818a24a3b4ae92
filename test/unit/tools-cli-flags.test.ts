// @vitest-environment node
/**
 * The CLIs' flags are checked before any work starts: names are the spec's own (not inherited
 * ones like --constructor), values are not empty, options are in range, and
 * eval:personalization uses the shared parser like the others (--help, unknown flags).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSet } from '../../tools/intent/cv-set';
import { intArg, numberArg, parseArgs, requireValues, UsageError } from '../../tools/next-item/args';
import { parseStart, trainFlags } from '../../tools/next-item/train-flags';
import { parseEvalFlags } from '../../tools/personalize/eval';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const tsx = `${repo}node_modules/.bin/tsx`;
const SPEC = { usage: 'tool', flags: { boot: 'resamples', seed: 'seed' } };
const flags = (...argv: string[]) => new Map(argv.map((a) => a.split('=') as [string, string]));

describe('shared flag parser', () => {
  it('an inherited property name is not a flag', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(() => parseArgs([`--${name}`], SPEC), name).toThrow(/unknown flag/);
  });

  it('an empty or blank number is refused (Number reads it as 0)', () => {
    expect(() => intArg(parseArgs(['--boot='], SPEC), 'boot', 500, 0)).toThrow(/--boot: must be a whole number from 0 up \(got ""\)/);
    expect(() => intArg(parseArgs(['--seed', ''], SPEC), 'seed', 7, 0)).toThrow(UsageError);
    expect(() => intArg(parseArgs(['--seed', ' '], SPEC), 'seed', 7, 0)).toThrow(UsageError);
    expect(intArg(parseArgs(['--seed', '0'], SPEC), 'seed', 7, 0)).toBe(0);
    expect(() => numberArg(flags('val-fraction='), 'val-fraction', 0.1)).toThrow(/--val-fraction: needs a number \(got ""\)/);
    expect(numberArg(flags('val-fraction=0.2'), 'val-fraction', 0.1)).toBe(0.2);
    expect(numberArg(new Map(), 'val-fraction', 0.1)).toBe(0.1);
  });
});

describe('requireValues', () => {
  const SPEC2 = { usage: 'tool', flags: { csv: 'file', out: 'dir', store: 'name' } };
  it('an empty or blank value is refused naming the flag (--csv= trained on the shared stores, --out= trained then failed)', () => {
    expect(() => requireValues(parseArgs(['--csv=', '--out', 'D'], SPEC2), ['out', 'csv'])).toThrow(/^--csv: needs a value \(got ""\)$/);
    expect(() => requireValues(parseArgs(['--out='], SPEC2), ['out', 'csv'])).toThrow(/--out: needs a value/);
    expect(() => requireValues(parseArgs(['--out', ' '], SPEC2), ['out'])).toThrow(UsageError);
    expect(() => requireValues(parseArgs(['--store', '', '--csv', 'a.csv'], SPEC2), ['csv', 'store'])).toThrow(/--store: needs a value/);
    expect(() => requireValues(parseArgs(['--out'], SPEC2), ['out'])).toThrow(/^--out: needs a value$/);
    expect(() => requireValues(parseArgs(['--csv', 'a.csv', '--out', 'D'], SPEC2), ['out', 'csv', 'store'])).not.toThrow();
  });

  it('train:intent --csv= stops with a usage error before reading any data', async () => {
    await expect(run(tsx, [`${repo}tools/intent/train.ts`, '--csv=', '--out', '/nonexistent/out'], { cwd: repo, timeout: 30_000 })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^train:intent: --csv: needs a value/),
    });
  }, 40_000);
});

describe('cv.ts --set', () => {
  it('takes own training-option names with numbers in range', () => {
    expect(parseSet('hidden=16, learningRate=0.03')).toEqual({ hidden: 16, learningRate: 0.03 });
    expect(parseSet('')).toEqual({});
  });

  it('refuses inherited names, empty values, out-of-range options and seed (each fold has its own)', () => {
    expect(() => parseSet('toString=1')).toThrow(/--set: unknown training option "toString"/);
    expect(() => parseSet('constructor=1')).toThrow(/unknown training option/);
    expect(() => parseSet('hidden=')).toThrow(/--set: "hidden=" is not key=number/);
    expect(() => parseSet('hidden= ')).toThrow(/is not key=number/);
    expect(() => parseSet('epochs=0')).toThrow(/--set: epochs must be a whole number ≥ 1 \(got 0\)/);
    expect(() => parseSet('batchSize=0')).toThrow(/--set: batchSize must be a whole number ≥ 1/);
    expect(() => parseSet('hidden=2.5')).toThrow(/--set: hidden/);
    expect(() => parseSet('maxSteps=0')).toThrow(/--set: maxSteps/);
    expect(() => parseSet('seed=3')).toThrow(/--set: seed is fixed per fold/);
    expect(() => parseSet('hidden=8,hidden=16')).toThrow(/hidden given twice/);
    for (const bad of ['toString=1', 'hidden=', 'seed=3']) expect(() => parseSet(bad)).toThrow(UsageError);
  });

  it('the CLI stops with a usage error before reading any data', async () => {
    await expect(run(tsx, [`${repo}tools/intent/cv.ts`, '--set', 'toString=1'], { cwd: repo, timeout: 30_000 })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^cv: --set: unknown training option "toString"/),
    });
  }, 40_000);
});

describe('train:next-item tuning flags', () => {
  it('--start: a JSON object of known ranking parameters in range', () => {
    expect(parseStart('{"lambdaPos":3}')).toEqual({ lambdaPos: 3 });
    expect(parseStart(undefined)).toEqual({});
    expect(() => parseStart('{"lambdaPoss":2}')).toThrow(/--start: unknown ranking parameter "lambdaPoss" \(known: neighbours, sample, lambdaPos/);
    expect(() => parseStart('{"lambdaPos":2')).toThrow(/--start: not JSON/);
    expect(() => parseStart('[2]')).toThrow(/--start: needs a JSON object/);
    expect(() => parseStart('null')).toThrow(/--start: needs a JSON object/);
    expect(() => parseStart('{"lambdaPos":-1}')).toThrow(/--start: params\.lambdaPos must be a finite number ≥ 0/);
    expect(() => parseStart('{"toString":1}')).toThrow(/unknown ranking parameter "toString"/);
    for (const bad of ['{"lambdaPoss":2}', '{', '{"lambdaPos":"x"}']) expect(() => parseStart(bad)).toThrow(UsageError);
  });

  it('a bare --start and empty numbers are usage errors; defaults otherwise', () => {
    expect(() => trainFlags(new Map([['start', 'true']]))).toThrow(/--start: needs a value/);
    expect(() => trainFlags(flags('rounds='))).toThrow(/--rounds: must be a whole number from 0 up \(got ""\)/);
    expect(() => trainFlags(flags('trees='))).toThrow(/--trees/);
    expect(() => trainFlags(flags('val-every='))).toThrow(/--val-every/);
    expect(() => trainFlags(flags('factors='))).toThrow(/--factors/);
    expect(() => trainFlags(flags('val-fraction='))).toThrow(/--val-fraction/);
    expect(() => trainFlags(flags('val-fraction=1'))).toThrow(/--val-fraction: must be in \(0, 1\)/);
    expect(() => trainFlags(flags('reranker=forest'))).toThrow(/--reranker must be trees, linear or none/);
    expect(trainFlags(new Map())).toEqual({ rounds: 0, valFraction: 0.1, valEvery: 4, factors: 0, reranker: 'trees', trees: 150, start: {} });
    expect(trainFlags(flags('rerank=false', 'rounds=1', 'start={"lambdaPos":3}'))).toMatchObject({ reranker: 'none', rounds: 1, start: { lambdaPos: 3 } });
  });

  it('the CLI stops on a misspelt --start before reading the log', async () => {
    await expect(run(tsx, [`${repo}tools/next-item/train.ts`, '--sessions', '/nonexistent/s.txt', '--out', '/nonexistent/out', '--start', '{"lambdaPoss":2}'], { cwd: repo, timeout: 30_000 })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/unknown ranking parameter "lambdaPoss"/),
    });
  }, 40_000);
});

describe('eval:next-item flags', () => {
  it('a bare --json or --models is a usage error before any data is read (it wrote a file named "true" after the whole run)', async () => {
    for (const flag of ['--json', '--models']) {
      await expect(run(tsx, [`${repo}tools/next-item/eval.ts`, '--dataset', 'tmall', flag], { cwd: repo, timeout: 30_000 })).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(`${flag}: needs a value`),
      });
    }
  }, 60_000);
});

describe('eval:personalization flags', () => {
  it('reads --name=value and --name value through the shared parser', () => {
    expect(parseEvalFlags(['--only=intent', '--json=out.json'])).toEqual({ only: 'intent', json: 'out.json', tune: false });
    expect(parseEvalFlags(['--only', 'recommend', '--tune'])).toEqual({ only: 'recommend', json: undefined, tune: true });
    expect(parseEvalFlags([])).toEqual({ only: undefined, json: undefined, tune: false });
  });

  it('refuses unknown flags, a bare --only or --json, and an unknown part', () => {
    expect(() => parseEvalFlags(['--bogus'])).toThrow(/unknown flag --bogus \(known: --json, --only, --tune/);
    expect(() => parseEvalFlags(['--only'])).toThrow(/--only: needs a value/);
    expect(() => parseEvalFlags(['--json', '--only', 'intent'])).toThrow(/--json: needs a value/);
    expect(() => parseEvalFlags(['--only', 'both'])).toThrow(/--only: intent or recommend \(got "both"\)/);
    expect(() => parseEvalFlags(['--tune=yes'])).toThrow(/--tune takes no value/);
  });

  it('--help lists the flags and exits 0 (it started the 5-minute run); --bogus exits 1', async () => {
    const script = `${repo}tools/personalize/eval.ts`;
    const { stdout } = await run(tsx, [script, '--help'], { cwd: repo, timeout: 30_000 });
    expect(stdout).toMatch(/--only\s+intent or recommend/);
    await expect(run(tsx, [script, '--bogus'], { cwd: repo, timeout: 30_000 })).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/unknown flag --bogus/) });
  }, 70_000);
});
