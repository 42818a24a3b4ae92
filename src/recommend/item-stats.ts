/**
 * Per-item statistics of the store's session log that the tree re-ranker's context features
 * read (`features.ts`): adjacent-click transitions (a CSR table of each item's distinct
 * successors with counts), how often an item starts or ends a session, its clicks overall and
 * in the newest sessions, and the first and last session it appears in. Built once per model,
 * on first use, from the sessions the artifact already holds (nothing extra is downloaded).
 *
 * Memory for Diginetica: ~7 MB (mostly the transition table); building it takes ~150 ms.
 */
import type { NextItemModel } from './model.js';
import { inChunks, runToEnd } from '../slice.js';

/** Sessions counted as "recent" by {@link ItemStats.recentClicks} (the newest of the log). */
export const RECENT_SESSIONS = 10_000;

/** Statistics per item index. Treat as read-only. */
export interface ItemStats {
  /** Successors of item `a`: `succItem[succStart[a] .. succStart[a + 1])`, ascending item index. */
  readonly succStart: Uint32Array;
  readonly succItem: Uint32Array;
  /** Times each successor directly followed `a` (adjacent clicks of one session, a ≠ b). */
  readonly succCount: Uint32Array;
  /** Transitions out of each item (sum of its `succCount`). */
  readonly outCount: Uint32Array;
  /** Clicks per item. */
  readonly clicks: Uint32Array;
  /** Sessions whose first / last click is the item. */
  readonly firstCount: Uint32Array;
  readonly lastCount: Uint32Array;
  /** Clicks in the newest {@link RECENT_SESSIONS} sessions. */
  readonly recentClicks: Uint32Array;
  /** Session index of the item's first / last appearance (oldest session = 0). */
  readonly firstSeen: Uint32Array;
  readonly lastSeen: Uint32Array;
  /** Scratch: a stamp per session for {@link cooccurrence} (synchronous use only). */
  readonly stamp: Uint32Array;
  stampId: number;
}

const cache = new WeakMap<NextItemModel, ItemStats>();

/** The model's item statistics, built on the first call (unless prepared) and cached. */
export function itemStats(model: NextItemModel): ItemStats {
  return cache.get(model) ?? runToEnd(prepareItemStats(model));
}

/**
 * Builds and caches the model's item statistics, yielding every `STEP_UNITS` sessions or items
 * (so the browser can build them in slices); returns the cached ones when already built.
 */
export function* prepareItemStats(model: NextItemModel): Generator<void, ItemStats> {
  const cached = cache.get(model);
  if (cached) return cached;
  const stats = yield* buildItemStats(model);
  cache.set(model, stats);
  return stats;
}

function* buildItemStats(model: NextItemModel): Generator<void, ItemStats> {
  const { nItems, nSessions, sessionStart, sessionItems } = model;
  const outCount = new Uint32Array(nItems);
  const clicks = new Uint32Array(nItems);
  const firstCount = new Uint32Array(nItems);
  const lastCount = new Uint32Array(nItems);
  const recentClicks = new Uint32Array(nItems);
  const firstSeen = new Uint32Array(nItems).fill(0xffffffff);
  const lastSeen = new Uint32Array(nItems);
  const recentFrom = nSessions - RECENT_SESSIONS;
  yield* inChunks(nSessions, (s0, s1) => {
    for (let s = s0; s < s1; s++) {
      const a = sessionStart[s];
      const b = sessionStart[s + 1];
      if (b > a) {
        firstCount[sessionItems[a]]++;
        lastCount[sessionItems[b - 1]]++;
      }
      for (let p = a; p < b; p++) {
        const it = sessionItems[p];
        clicks[it]++;
        if (s >= recentFrom) recentClicks[it]++;
        if (firstSeen[it] === 0xffffffff) firstSeen[it] = s;
        lastSeen[it] = s;
        if (p + 1 < b && sessionItems[p + 1] !== it) outCount[it]++;
      }
    }
  });
  // All transitions grouped by source (with repeats), then each group sorted and run-length coded.
  const rawStart = new Uint32Array(nItems + 1);
  for (let i = 0; i < nItems; i++) rawStart[i + 1] = rawStart[i] + outCount[i];
  const raw = new Uint32Array(rawStart[nItems]);
  const fill = rawStart.slice(0, nItems);
  yield* inChunks(nSessions, (s0, s1) => {
    for (let s = s0; s < s1; s++) {
      for (let p = sessionStart[s]; p + 1 < sessionStart[s + 1]; p++) {
        const it = sessionItems[p];
        if (sessionItems[p + 1] !== it) raw[fill[it]++] = sessionItems[p + 1];
      }
    }
  });
  const succStart = new Uint32Array(nItems + 1);
  const succItem = new Uint32Array(raw.length);
  const succCount = new Uint32Array(raw.length);
  let n = 0;
  // Sorting makes an item costlier than a session: smaller chunks.
  yield* inChunks(
    nItems,
    (i0, i1) => {
      for (let i = i0; i < i1; i++) {
        const group = raw.subarray(rawStart[i], rawStart[i + 1]).sort();
        for (let x = 0; x < group.length; x++) {
          if (x > 0 && group[x] === group[x - 1]) succCount[n - 1]++;
          else {
            succItem[n] = group[x];
            succCount[n++] = 1;
          }
        }
        succStart[i + 1] = n;
      }
    },
    1024,
  );
  for (let i = 0; i < nItems; i++) if (firstSeen[i] === 0xffffffff) firstSeen[i] = 0;
  return {
    succStart,
    succItem: succItem.slice(0, n),
    succCount: succCount.slice(0, n),
    outCount,
    clicks,
    firstCount,
    lastCount,
    recentClicks,
    firstSeen,
    lastSeen,
    stamp: new Uint32Array(nSessions),
    stampId: 0,
  };
}

/** Times `b` directly followed `a` in the log (0 when never, or when either is -1). */
export function transitions(stats: ItemStats, a: number, b: number): number {
  if (a < 0 || b < 0) return 0;
  let lo = stats.succStart[a];
  let hi = stats.succStart[a + 1];
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    const v = stats.succItem[m];
    if (v === b) return stats.succCount[m];
    if (v < b) lo = m + 1;
    else hi = m;
  }
  return 0;
}

/**
 * Sessions that contain both `anchor` and each of `items` (written to `out`; all 0 when the
 * anchor is -1). Cost: the postings of the anchor and of each item.
 */
export function cooccurrence(model: NextItemModel, stats: ItemStats, anchor: number, items: readonly number[], out: Float64Array): void {
  if (anchor < 0) {
    out.fill(0, 0, items.length);
    return;
  }
  // Stamps wrap after 2^32 calls; clear them then so an old stamp never matches.
  if (stats.stampId >= 0xfffffffe) {
    stats.stamp.fill(0);
    stats.stampId = 0;
  }
  const id = ++stats.stampId;
  const { postStart, postings } = model;
  for (let p = postStart[anchor]; p < postStart[anchor + 1]; p++) stats.stamp[postings[p]] = id;
  for (let x = 0; x < items.length; x++) {
    let n = 0;
    const c = items[x];
    for (let p = postStart[c]; p < postStart[c + 1]; p++) if (stats.stamp[postings[p]] === id) n++;
    out[x] = n;
  }
}
