/**
 * The in-memory next-item model: the decoded artifact plus the indexes ranking needs (item →
 * sessions postings, newest first; distinct items per session; recent popularity) and reusable
 * scratch buffers so a ranking call allocates almost nothing. Build once per artifact.
 *
 * Memory: ~15.5 MB of typed arrays for Diginetica (sessions, postings, per-session and per-item
 * tables, scratch); building it takes ~250 ms of CPU.
 */
import type { NextItemArtifact, Reranker } from './artifact.js';
import type { ItemFactors } from './factors.js';
import type { RankParams } from './params.js';
import { inChunks, runToEnd } from '../slice.js';
import { prepareItemStats } from './item-stats.js';
import { popularOrderSteps } from './popular.js';

/** A ranking-ready model. Treat as read-only outside `src/recommend`. */
export interface NextItemModel {
  readonly itemIds: readonly string[];
  /** Store item id → item index. */
  readonly indexOf: ReadonlyMap<string, number>;
  readonly nItems: number;
  readonly nSessions: number;
  readonly sessionStart: Uint32Array;
  readonly sessionItems: Uint32Array;
  /** Distinct items per session. */
  readonly sessionDistinct: Uint32Array;
  /** Postings of item `i`: `postings[postStart[i] .. postStart[i + 1])`, session indices, newest first. */
  readonly postStart: Uint32Array;
  readonly postings: Uint32Array;
  /** Recency weight of each session: exp(-(nSessions - 1 - s) / lambdaRecency). */
  readonly recency: Float64Array;
  /** Per-item factor on kNN votes: idf^idfPow. */
  readonly voteFactor: Float64Array;
  /** Recency-weighted click counts, scaled to max 1. */
  readonly popularity: Float64Array;
  /**
   * All item indices by decreasing popularity, ties by lower index: the first
   * `POPULAR_CANDIDATES` are always ranking candidates, the rest fill a list short of `k`.
   */
  readonly popularOrder: Uint32Array;
  readonly params: RankParams;
  /** Learned re-ranker, or undefined for the plain blend. */
  readonly reranker: Reranker | undefined;
  /** Item factors for per-user taste (`factors.ts`), or undefined when the artifact has none. */
  readonly factors: ItemFactors | undefined;
  /** Scratch buffers reused across calls (ranking is synchronous, so never shared concurrently). */
  readonly scratch: {
    sessionScore: Float64Array;
    touchedSessions: Uint32Array;
    knn: Float64Array;
    rules: Float64Array;
    /** Per item: the prefix item whose rules voted most for it (index + 1; 0: none), its vote, and the current source's votes. */
    ruleSource: Int32Array;
    ruleBest: Float64Array;
    rulePass: Float64Array;
    anchor: Int32Array;
    anchorScore: Float64Array;
    itemSeen: Uint8Array;
    prefixRank: Int32Array;
    touchedItems: Uint32Array;
  };
}

/**
 * Builds the ranking indexes for a decoded artifact.
 * @param artifact from {@link decodeArtifact} (or built in memory by the training tools).
 * @param params overrides the artifact's parameters (the training tools use this while tuning).
 * @param reranker overrides the artifact's re-ranker (`null` disables it).
 * @param factors overrides the artifact's item factors (`null` leaves them out).
 */
export function createModel(
  artifact: NextItemArtifact,
  params: RankParams = artifact.params,
  reranker: Reranker | null = artifact.reranker ?? null,
  factors: ItemFactors | null = artifact.factors ?? null,
): NextItemModel {
  return runToEnd(createModelSteps(artifact, params, reranker, factors));
}

/**
 * {@link createModel} as a generator that yields every `STEP_UNITS` sessions or items, so the
 * browser can index in slices (`runSliced`) without a long main-thread task. With a tree
 * re-ranker it also builds the item statistics the re-ranker's features read (`item-stats.ts`).
 */
export function* createModelSteps(
  artifact: NextItemArtifact,
  params: RankParams = artifact.params,
  reranker: Reranker | null = artifact.reranker ?? null,
  factors: ItemFactors | null = artifact.factors ?? null,
): Generator<void, NextItemModel> {
  const { itemIds, sessionStart, sessionItems } = artifact;
  const nItems = itemIds.length;
  const nSessions = sessionStart.length - 1;
  const indexOf = new Map<string, number>();
  yield* inChunks(nItems, (i0, i1) => {
    for (let i = i0; i < i1; i++) indexOf.set(itemIds[i], i);
  });

  const lastSeen = new Int32Array(nItems).fill(-1);
  const counts = new Uint32Array(nItems + 1);
  const sessionDistinct = new Uint32Array(nSessions);
  const popularity = new Float64Array(nItems);
  const recency = new Float64Array(nSessions);
  yield* inChunks(nSessions, (s0, s1) => {
    for (let s = s0; s < s1; s++) {
      const decay = Math.exp(-(nSessions - 1 - s) / params.lambdaRecency);
      recency[s] = decay;
      let distinct = 0;
      for (let p = sessionStart[s]; p < sessionStart[s + 1]; p++) {
        const it = sessionItems[p];
        popularity[it] += decay;
        if (lastSeen[it] !== s) {
          lastSeen[it] = s;
          counts[it + 1]++;
          distinct++;
        }
      }
      sessionDistinct[s] = distinct;
    }
  });
  const postStart = new Uint32Array(nItems + 1);
  for (let i = 0; i < nItems; i++) postStart[i + 1] = postStart[i] + counts[i + 1];
  const postings = new Uint32Array(postStart[nItems]);
  const fill = postStart.slice(0, nItems);
  lastSeen.fill(-1);
  // Newest session first, so each item's postings run newest → oldest.
  yield* inChunks(nSessions, (k0, k1) => {
    for (let k = k0; k < k1; k++) {
      const s = nSessions - 1 - k;
      for (let p = sessionStart[s]; p < sessionStart[s + 1]; p++) {
        const it = sessionItems[p];
        if (lastSeen[it] !== s) {
          lastSeen[it] = s;
          postings[fill[it]++] = s;
        }
      }
    }
  });
  const voteFactor = new Float64Array(nItems);
  let maxPop = 0;
  yield* inChunks(nItems, (i0, i1) => {
    for (let i = i0; i < i1; i++) {
      voteFactor[i] = Math.pow(Math.log((nSessions + 1) / (counts[i + 1] + 1)), params.idfPow);
      if (popularity[i] > maxPop) maxPop = popularity[i];
    }
  });
  if (maxPop > 0) {
    yield* inChunks(nItems, (i0, i1) => {
      for (let i = i0; i < i1; i++) popularity[i] /= maxPop;
    });
  }
  yield;
  const popularOrder = yield* popularOrderSteps(popularity);
  yield;

  const model: NextItemModel = {
    itemIds,
    indexOf,
    nItems,
    nSessions,
    sessionStart,
    sessionItems,
    sessionDistinct,
    postStart,
    postings,
    recency,
    voteFactor,
    popularity,
    popularOrder,
    params,
    reranker: reranker ?? undefined,
    factors: factors ?? undefined,
    scratch: {
      sessionScore: new Float64Array(nSessions),
      touchedSessions: new Uint32Array(nSessions),
      knn: new Float64Array(nItems),
      rules: new Float64Array(nItems),
      ruleSource: new Int32Array(nItems),
      ruleBest: new Float64Array(nItems),
      rulePass: new Float64Array(nItems),
      anchor: new Int32Array(nItems),
      anchorScore: new Float64Array(nItems),
      itemSeen: new Uint8Array(nItems),
      prefixRank: new Int32Array(nItems),
      touchedItems: new Uint32Array(nItems),
    },
  };
  if (reranker?.kind === 'trees') {
    yield; // the scratch buffers above are a step of their own
    yield* prepareItemStats(model);
  }
  return model;
}
