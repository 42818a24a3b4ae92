/**
 * Candidate features of the learned re-ranker: one fixed-length vector per (history,
 * candidate item), from the scorers' votes and the history. The browser and the training CLI
 * both call {@link candidateFeatures}, so the learned weights mean the same thing in both.
 */

/** Feature names, in vector order (stored in the manifest to check compatibility). */
export const FEATURE_NAMES = [
  'knn',
  'knnSqrt',
  'rules',
  'rulesSqrt',
  'repeat',
  'inPrefix',
  'isLast',
  'logCount',
  'inPrefixLogLen',
  'isLastLogLen',
  'recentInPrefix',
  'knnInPrefix',
  'rulesInPrefix',
  'popularity',
  'logPopularity',
  'knnRules',
  'knnLogLen',
  'baseRank',
] as const;

/** Number of features. */
export const N_FEATURES = FEATURE_NAMES.length;

/** Per-candidate inputs of {@link candidateFeatures}. */
export interface CandidateInputs {
  /** kNN vote / the call's largest kNN vote (0..1). */
  knn: number;
  /** Rules vote / the call's largest rules vote (0..1). */
  rules: number;
  /** Prefix weight / the largest prefix weight (0..1; 0 when not in the history). */
  repeat: number;
  /** Occurrences in the history (0 when absent). */
  count: number;
  /** Item events since its last occurrence (ignored when count is 0). */
  sinceLast: number;
  /** Whether it is the most recent item of the current session. */
  isLast: boolean;
  /** Recent popularity (0..1). */
  popularity: number;
  /** Position in the blended order, 0-based. */
  baseRank: number;
  /** Item events in the current session. */
  sessionLength: number;
}

/** Writes the feature vector of one candidate into `out[offset .. offset + N_FEATURES)`. */
export function candidateFeatures(c: CandidateInputs, out: Float64Array | Float32Array, offset = 0): void {
  const inPrefix = c.count > 0 ? 1 : 0;
  const last = c.isLast ? 1 : 0;
  const logLen = Math.log(1 + c.sessionLength);
  out[offset] = c.knn;
  out[offset + 1] = Math.sqrt(c.knn);
  out[offset + 2] = c.rules;
  out[offset + 3] = Math.sqrt(c.rules);
  out[offset + 4] = c.repeat;
  out[offset + 5] = inPrefix;
  out[offset + 6] = last;
  out[offset + 7] = inPrefix ? Math.log(c.count) : 0;
  out[offset + 8] = inPrefix * logLen;
  out[offset + 9] = last * logLen;
  out[offset + 10] = inPrefix ? 1 / (1 + c.sinceLast) : 0;
  out[offset + 11] = c.knn * inPrefix;
  out[offset + 12] = c.rules * inPrefix;
  out[offset + 13] = c.popularity;
  out[offset + 14] = Math.log1p(1000 * c.popularity) / 7;
  out[offset + 15] = c.knn * c.rules;
  out[offset + 16] = c.knn * logLen;
  out[offset + 17] = 1 / (1 + c.baseRank);
}
