/** `train:next-item`'s tuning flags, read and checked before any data is read. */
import { DEFAULT_PARAMS, resolveParams, type RankParams } from '../../src/recommend/params';
import { intArg, numberArg, requireValues, UsageError } from './args';

/** What the tuning flags ask for (defaults in brackets in `--help`). */
export interface TrainFlags {
  /** Rounds of coordinate ascent on the ranking parameters (default 0: the tuned ones). */
  rounds: number;
  /** Share of the newest sessions held out for validation, in (0, 1) (default 0.1). */
  valFraction: number;
  /** Every n-th validation case is a tuning case (default 4). */
  valEvery: number;
  /** Item-factor dimensions, 0..256 (default 0: none). */
  factors: number;
  /** The learned re-ranker (default trees). */
  reranker: 'trees' | 'linear' | 'none';
  /** Boosted trees of the tree re-ranker (default 150). */
  trees: number;
  /** Ranking parameters overriding the tuned ones (`--start`; default none). */
  start: Partial<RankParams>;
}

/**
 * Parses `--start`: a JSON object whose keys are ranking parameters ({@link DEFAULT_PARAMS}) with
 * values in their ranges ({@link resolveParams}). Absent: no override.
 * @throws UsageError for JSON that does not parse, is not a plain object, names an unknown
 *   parameter or holds a value out of range
 */
export function parseStart(raw: string | undefined): Partial<RankParams> {
  if (raw === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new UsageError(`--start: not JSON (${(e as Error).message}); e.g. '{"lambdaPos":2}'`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError(`--start: needs a JSON object of ranking parameters, e.g. '{"lambdaPos":2}' (got ${raw})`);
  for (const k of Object.keys(v)) {
    if (!Object.hasOwn(DEFAULT_PARAMS, k)) throw new UsageError(`--start: unknown ranking parameter "${k}" (known: ${Object.keys(DEFAULT_PARAMS).join(', ')})`);
  }
  try {
    resolveParams(v as Partial<RankParams>);
  } catch (e) {
    throw new UsageError(`--start: ${(e as Error).message}`);
  }
  return v as Partial<RankParams>;
}

/**
 * Reads the tuning flags.
 * @throws UsageError naming the first flag that is bare, empty (`--rounds=`) or out of range
 */
export function trainFlags(args: Map<string, string>): TrainFlags {
  requireValues(args, ['start', 'reranker']);
  const valFraction = numberArg(args, 'val-fraction', 0.1);
  if (!(valFraction > 0 && valFraction < 1)) throw new UsageError(`--val-fraction: must be in (0, 1) (got ${valFraction})`);
  const reranker = args.get('reranker') ?? (args.get('rerank') === 'false' ? 'none' : 'trees');
  if (reranker !== 'trees' && reranker !== 'linear' && reranker !== 'none') throw new UsageError('--reranker must be trees, linear or none');
  return {
    rounds: intArg(args, 'rounds', 0, 0),
    valFraction,
    valEvery: intArg(args, 'val-every', 4, 1),
    factors: intArg(args, 'factors', 0, 0, 256),
    reranker,
    trees: intArg(args, 'trees', 150, 1),
    start: parseStart(args.get('start')),
  };
}
