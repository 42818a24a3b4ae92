/**
 * Candidate features of the learned re-rankers: one fixed-length vector per (history,
 * candidate item). The first {@link N_LINEAR_FEATURES} come from the scorers' votes and the
 * history ({@link candidateFeatures}; the linear re-ranker reads only these); the rest describe
 * the candidate against the session's last clicks and the store's log ({@link contextFeatures},
 * read by the tree re-ranker). The browser and the training CLI both call these functions, so
 * learned weights and splits mean the same thing in both.
 */
import { cooccurrence, RECENT_SESSIONS, transitions, type ItemStats } from './item-stats.js';
import type { NextItemModel } from './model.js';

/** Names of the vote/history features, in vector order (the linear re-ranker's inputs). */
export const LINEAR_FEATURE_NAMES = [
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

/** Names of the context features, in vector order (after the linear ones). */
export const CONTEXT_FEATURE_NAMES = [
  'succLast', // log(1 + times the candidate directly followed the last click's item in the log)
  'succLastShare', // that count / all transitions out of the last item
  'predLast', // log(1 + times the last item directly followed the candidate)
  'succPrev', // log(1 + times the candidate directly followed the second-to-last item)
  'coocLast', // log(1 + sessions holding both the last item and the candidate)
  'coocLastNorm', // those sessions / sqrt(sessions of each + 1)
  'coocPrev', // log(1 + sessions holding both the second-to-last item and the candidate)
  'startShare', // share of the candidate's sessions that start with it
  'endShare', // share of the candidate's sessions that end with it
  'logSessions', // log(1 + sessions holding the candidate)
  'logLength', // log(1 + clicks in the current session)
  'logDistinct', // log(1 + distinct items in the current session)
  'isPrev', // the candidate is the second-to-last click
  'succPrevShare', // succPrev's count / all transitions out of the second-to-last item
  'succPrev2', // log(1 + times the candidate directly followed the third-to-last item)
  'recentClicks', // log(1 + clicks in the newest RECENT_SESSIONS sessions)
  'recentRatio', // log of recent clicks against the rate its overall clicks predict (+1 smoothed)
  'firstSeen', // first session holding the candidate / sessions (0 = oldest)
  'lastSeen', // last session holding the candidate / sessions
] as const;

/** All feature names, in vector order (stored in the manifest to check compatibility). */
export const FEATURE_NAMES = [...LINEAR_FEATURE_NAMES, ...CONTEXT_FEATURE_NAMES] as const;

/** Number of vote/history features (the prefix of each vector the linear re-ranker reads). */
export const N_LINEAR_FEATURES = LINEAR_FEATURE_NAMES.length;
/** Number of features per candidate (the row stride of feature matrices). */
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

/** Writes the vote/history features of one candidate into `out[offset .. offset + N_LINEAR_FEATURES)`. */
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

/**
 * Writes the context features of each candidate `items[r]` into
 * `out[r * N_FEATURES + N_LINEAR_FEATURES ..)`, for a session whose known clicks, oldest first,
 * are `sequence`. `scratch` needs room for `2 × items.length` numbers.
 */
export function contextFeatures(
  model: NextItemModel,
  stats: ItemStats,
  sequence: readonly number[],
  items: readonly number[],
  out: Float64Array,
  scratch: Float64Array,
): void {
  const n = sequence.length;
  const last = n > 0 ? sequence[n - 1] : -1;
  const prev = n > 1 ? sequence[n - 2] : -1;
  const prev2 = n > 2 ? sequence[n - 3] : -1;
  const withLast = scratch.subarray(0, items.length);
  const withPrev = scratch.subarray(items.length, 2 * items.length);
  cooccurrence(model, stats, last, items, withLast);
  cooccurrence(model, stats, prev, items, withPrev);
  const logLength = Math.log1p(n);
  const logDistinct = Math.log1p(new Set(sequence).size);
  const sessionsOf = (i: number) => model.postStart[i + 1] - model.postStart[i];
  const nLast = last >= 0 ? sessionsOf(last) : 0;
  const expectedRecent = RECENT_SESSIONS / Math.max(1, model.nSessions);
  for (let r = 0; r < items.length; r++) {
    const c = items[r];
    const o = r * N_FEATURES + N_LINEAR_FEATURES;
    const sl = transitions(stats, last, c);
    const sp = transitions(stats, prev, c);
    const nc = sessionsOf(c);
    out[o] = Math.log1p(sl);
    out[o + 1] = last >= 0 && stats.outCount[last] > 0 ? sl / stats.outCount[last] : 0;
    out[o + 2] = Math.log1p(transitions(stats, c, last));
    out[o + 3] = Math.log1p(sp);
    out[o + 4] = Math.log1p(withLast[r]);
    out[o + 5] = last >= 0 ? withLast[r] / Math.sqrt(nLast * nc + 1) : 0;
    out[o + 6] = Math.log1p(withPrev[r]);
    out[o + 7] = nc > 0 ? stats.firstCount[c] / nc : 0;
    out[o + 8] = nc > 0 ? stats.lastCount[c] / nc : 0;
    out[o + 9] = Math.log1p(nc);
    out[o + 10] = logLength;
    out[o + 11] = logDistinct;
    out[o + 12] = c === prev ? 1 : 0;
    out[o + 13] = prev >= 0 && stats.outCount[prev] > 0 ? sp / stats.outCount[prev] : 0;
    out[o + 14] = Math.log1p(transitions(stats, prev2, c));
    out[o + 15] = Math.log1p(stats.recentClicks[c]);
    out[o + 16] = Math.log((stats.recentClicks[c] + 1) / (stats.clicks[c] * expectedRecent + 1));
    out[o + 17] = stats.firstSeen[c] / Math.max(1, model.nSessions);
    out[o + 18] = stats.lastSeen[c] / Math.max(1, model.nSessions);
  }
}
