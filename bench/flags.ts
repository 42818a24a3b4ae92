/**
 * The flags of `npm run bench` (`bench/run.ts`), read with the CLIs' shared parser: `--help` lists
 * them, an unknown flag or group is a usage error (exit 1) before any browser starts.
 */
import { parseArgs, requireValues, UsageError, type CliSpec } from '../tools/next-item/args';

/** The benchmark groups, in the order they run. */
export const BENCH_GROUPS = ['ingest', 'intent', 'recommend', 'personalize'] as const;
export type BenchGroup = (typeof BENCH_GROUPS)[number];

const SPEC: CliSpec = {
  usage: 'npm run bench [-- --json FILE] [-- --only GROUP]: benchmarks in headless Chromium against the built files, each row against a baseline measured in the same run, or a fixed budget/threshold where the row says so',
  flags: {
    json: 'also write the rows as JSON to FILE',
    only: `run one group: ${BENCH_GROUPS.join(', ')} (default: all)`,
  },
};

/**
 * Reads the bench's flags.
 * @throws UsageError for an unknown flag, a flag without its value, or an unknown group
 */
export function parseBenchFlags(argv: readonly string[]): { json?: string; only?: BenchGroup } {
  const args = parseArgs(argv, SPEC);
  requireValues(args, ['json', 'only']);
  const only = args.get('only');
  if (only !== undefined && !(BENCH_GROUPS as readonly string[]).includes(only)) throw new UsageError(`--only: one of ${BENCH_GROUPS.join(', ')} (got "${only}")`);
  return { json: args.get('json'), only: only as BenchGroup | undefined };
}
