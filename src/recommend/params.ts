/**
 * Ranking hyperparameters of the next-item model. They travel inside the artifact manifest,
 * so the browser ranks with exactly the values the training CLI tuned on its validation split.
 */

/** Hyperparameters of {@link rank}; every field is a finite number. */
export interface RankParams {
  /** Neighbour sessions kept for the kNN vote (top by similarity). Integer ≥ 1. */
  neighbours: number;
  /** Most recent training sessions read per prefix item when looking for neighbours. Integer ≥ 1. */
  sample: number;
  /** Position decay in the shopper's prefix, in item events: weight = exp(-(L - pos) / lambdaPos). > 0. */
  lambdaPos: number;
  /** Neighbour recency decay, in training sessions (the log is in time order). > 0; Infinity-like values (≥ 1e9) disable it. */
  lambdaRecency: number;
  /** Item distance decay inside a neighbour session, in clicks from the anchor item. > 0. */
  lambdaDist: number;
  /** Factor for neighbour items clicked before the anchor item (0..1; 1 = symmetric). */
  backward: number;
  /** Factor on a neighbour's vote for its anchor click itself (0..1; repeats are also scored by repeatWeight). */
  selfVote: number;
  /** Exponent on item IDF, log(sessions / sessions with the item), multiplying kNN votes (0 = none). */
  idfPow: number;
  /** Exponent on the neighbour session length in the similarity denominator (0 = none, 0.5 = cosine). */
  lengthPow: number;
  /** Weight of the sequential-rules (item transition) score, relative to the kNN score (≥ 0). */
  rulesWeight: number;
  /** Clicks after an occurrence that count as a transition (integer ≥ 1). */
  rulesWindow: number;
  /** Most recent prefix items that vote through the rules (integer ≥ 1). */
  rulesDepth: number;
  /** Factor per step back in the prefix for the rules vote (0..1). */
  rulesDecay: number;
  /** Boost for items already in the prefix, times their prefix weight (≥ 0). */
  repeatWeight: number;
  /** Extra boost for the most recent prefix item (≥ 0). */
  lastWeight: number;
  /** Extra prefix weight per repeated occurrence of an item (≥ 0): w × (1 + repeatCount × (n - 1)). */
  repeatCount: number;
  /** Prefix weight multiplier for carted items (≥ 0). Not tuned: session logs have views only. */
  cartWeight: number;
  /** Prefix weight multiplier for items from past sessions (≥ 0). Not tuned: session logs are anonymous. */
  pastWeight: number;
  /** Weight of recent popularity, the fallback when few items have a vote (≥ 0). */
  popularityWeight: number;
}

/** Defaults used when an artifact omits a field, and the starting point of tuning. */
export const DEFAULT_PARAMS: Readonly<RankParams> = Object.freeze({
  neighbours: 100,
  sample: 1000,
  lambdaPos: 2,
  lambdaRecency: 50_000,
  lambdaDist: 2,
  backward: 0.5,
  selfVote: 1,
  idfPow: 0,
  lengthPow: 0.5,
  rulesWeight: 0.3,
  rulesWindow: 3,
  rulesDepth: 2,
  rulesDecay: 0.5,
  repeatWeight: 0.2,
  lastWeight: 0,
  repeatCount: 0.5,
  cartWeight: 2,
  pastWeight: 0.3,
  popularityWeight: 0.01,
});

const INTEGER_FIELDS: ReadonlySet<keyof RankParams> = new Set([
  'neighbours',
  'sample',
  'rulesWindow',
  'rulesDepth',
]);

/**
 * Fills missing fields from {@link DEFAULT_PARAMS} and validates the result.
 * @throws TypeError naming the field when a value is not a finite number in range.
 */
export function resolveParams(partial: Partial<RankParams> = {}): RankParams {
  const out = { ...DEFAULT_PARAMS, ...partial } as RankParams;
  for (const key of Object.keys(DEFAULT_PARAMS) as (keyof RankParams)[]) {
    const v = out[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new TypeError(`params.${key} must be a finite number ≥ 0, got ${String(v)}`);
    }
    if (INTEGER_FIELDS.has(key) && (!Number.isInteger(v) || v < 1)) {
      throw new TypeError(`params.${key} must be an integer ≥ 1, got ${v}`);
    }
  }
  for (const key of ['lambdaPos', 'lambdaRecency', 'lambdaDist'] as const) {
    if (out[key] === 0) throw new TypeError(`params.${key} must be > 0`);
  }
  return out;
}
