// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseBenchFlags } from '../../bench/flags';
import { personalizeRows } from '../../bench/personalize';
import { recommendRows } from '../../bench/recommend';
import { formatTable, rowsToJson } from '../../bench/table';

describe('npm run bench flags', () => {
  it('reads --json FILE and --only GROUP; refuses an unknown flag, an unknown group and a flag without its value', () => {
    expect(parseBenchFlags(['--json', 'out.json', '--only', 'ingest'])).toEqual({ json: 'out.json', only: 'ingest' });
    expect(parseBenchFlags([])).toEqual({ json: undefined, only: undefined });
    expect(() => parseBenchFlags(['--only', 'ingst'])).toThrow(/--only: one of ingest, intent, recommend, personalize \(got "ingst"\)/);
    expect(() => parseBenchFlags(['--json'])).toThrow(/--json: needs a value/);
    expect(() => parseBenchFlags(['--fast'])).toThrow(/unknown flag/);
  });

  it('--help lists the flags and exits 0 without starting a browser', () => {
    const r = spawnSync('npx', ['tsx', 'bench/run.ts', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--only/);
    expect(r.stderr).not.toMatch(/bench: ingest/);
  });
});

describe('npm run bench output', () => {
  // two runs that measured different figures, including the ones the table shows besides value and baseline
  const rec = (k: number) => recommendRows({ first: 400 * k, median: 4 * k, p95: 12.3 * k, heapMB: 21.4, fileMB: 2.23, longTasks: k - 1, maxGap: 30 * k });
  const pers = (k: number) => personalizeRows({ ms: 130 * k, longest: 18 * k, longTasks: k - 1 }, { ms: 430 * k, longest: 19 * k, longTasks: 2 * k }, { none: 120 * k, inUse: 210 * k });

  it('--json keys (row names) are the same whatever a run measured; the extra figures are fields of the row', () => {
    for (const rows of [rec, pers]) {
      const [a, b] = [rowsToJson(rows(1)), rowsToJson(rows(2))];
      expect(Object.keys(a)).toEqual(Object.keys(b));
      for (const name of Object.keys(a)) expect(name).not.toMatch(/p95 [\d.]+|long tasks > 50 ms: \d/);
    }
    const json = rowsToJson(rec(2));
    expect(json['recommend(): warm call, k=20 (median of 200)'].extra).toEqual({ p95Ms: 24.6 });
    expect(json['recommend(): longest main-thread task during the first call']).toMatchObject({ value: 60, baseline: 50, baselineFixed: true, extra: { longTasks: 1 } });
    expect(rowsToJson(pers(2))['personalize: one run on 200 events (median of 3)']).toMatchObject({ baseline: 1000, baselineFixed: true, baselineIs: 'fixed: budget 1 s' });
  });

  it('the printed table shows the extra figures in a note column; two rows with one name are refused', () => {
    const table = formatTable(rec(1));
    expect(table.split('\n')[0]).toBe('| benchmark | hunch | baseline | ratio | unit | baseline is | note |');
    expect(table).toContain('| recommend(): warm call, k=20 (median of 200) | 4.00 | 400 | 100× | ms | first call: load + decode + index + replay | p95 12.3 ms |');
    expect(() => rowsToJson([...rec(1), rec(2)[0]])).toThrow(/two rows named "recommend\(\): warm call/);
  });
});
