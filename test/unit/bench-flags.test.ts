// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseBenchFlags } from '../../bench/flags';

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
