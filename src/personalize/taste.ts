/**
 * Per-user taste for recommendations, with its guard. Pure: the browser (`recommend-service.ts`)
 * and the Node lift harness (`tools/personalize/taste-replay.ts`) both call {@link guardTaste}.
 *
 * The shopper's item history (one event per distinct item, oldest first) is split in time: a taste vector is
 * fitted on the older items (`foldIn`, the store's frozen item factors stay fixed); each of the
 * most recent items is then predicted from the items before it, ranked with the taste in use now
 * with the candidate and (when a taste is in use) with no taste. The candidate is adopted only when
 * its mean reciprocal rank of those held-out items (within the top `depth`, 0 when absent) is
 * higher than both others'; a taste in use that ranks them worse than no taste is dropped
 * (`choose.ts`). Ties (e.g. no held-out item reaches the top of any list) keep the taste in use.
 */
import { chooseWeights } from './choose.js';
import { foldIn, gramSteps } from '../recommend/factors.js';
import type { NextItemModel } from '../recommend/model.js';
import type { RecEvent } from '../recommend/prefix.js';
import { DEFAULT_RERANK_DEPTH, MAX_RANK_K, rank } from '../recommend/rank.js';

/** Options of {@link guardTaste}. */
export interface TasteOptions {
  /** Share of the most recent items held out. Default 0.2 (at least `minHoldout`, at most `maxHoldout`). */
  holdoutShare?: number;
  /** Held-out items at least. Default 1. */
  minHoldout?: number;
  /** Held-out items at most (bounds the work). Default 20. */
  maxHoldout?: number;
  /** Items (known to the model) needed to fit at all, besides the held-out ones. Default 3. */
  minItems?: number;
  /** Adopt only when the held-out mean reciprocal rank rises by more than this. Default 0. */
  margin?: number;
}

/** Defaults of {@link TasteOptions}. */
export const TASTE_DEFAULTS: Required<TasteOptions> = { holdoutShare: 0.2, minHoldout: 1, maxHoldout: 20, minItems: 3, margin: 0 };

/** What a taste run reports (`personalize().recommend`, `on('personalize')` with `target: 'recommend'`). */
export interface TasteResult {
  /** Whether the new taste replaced the one in use. */
  adopted: boolean;
  /** Whether the taste in use was dropped (no taste ranked the held-out items better). */
  reverted: boolean;
  /** Held-out mean reciprocal rank (0..1, higher is better) with the taste in use before; NaN when skipped. */
  before: number;
  /** The same (0..1) with the candidate taste; NaN when skipped. */
  after: number;
  /** The same (0..1) with no taste (equal to `before` when none is in use); NaN when skipped. */
  base: number;
  /** Items the candidate was fitted on. */
  examples: number;
  /** Items fitted on and held out. */
  items: {
    /** Older distinct items (known to the item model) the candidate taste was fitted on. */
    train: number;
    /** Most recent distinct items the tastes were compared on (each predicted from the items before it). */
    holdout: number;
  };
  /** Why nothing was tried, when so (no factors, too few items). */
  skipped?: string;
}

/** The result of a taste run that tried nothing, and why. */
export function skippedTaste(why: string, examples = 0, items = { train: 0, holdout: 0 }): TasteResult {
  return { adopted: false, reverted: false, before: NaN, after: NaN, base: NaN, examples, items, skipped: why };
}

/**
 * The history's events on items known to the model, one per item (its last event, so a
 * purchase after views counts as a purchase), in the order of those last events.
 */
export function knownItems(model: NextItemModel, history: readonly RecEvent[]): RecEvent[] {
  const last = new Map<string, { at: number; type: string | undefined }>();
  history.forEach((e, at) => {
    if (e && typeof e.itemId === 'string' && model.indexOf.has(e.itemId) && e.type !== 'remove_from_cart') last.set(e.itemId, { at, type: e.type });
  });
  return [...last.entries()].sort((a, b) => a[1].at - b[1].at).map(([itemId, { type }]) => (type === undefined ? { itemId } : { itemId, type }));
}

/**
 * Reciprocal rank of `target` in the top `depth` that `rank()` gives for `prefix` (0 when absent).
 * Items the prefix shows as purchased are left out, as `recommend()` does.
 */
export function reciprocalRank(model: NextItemModel, prefix: readonly RecEvent[], target: string, depth: number, taste?: ArrayLike<number> | null): number {
  const list = rank(model, prefix, { k: depth, ...(taste ? { taste } : {}) });
  const at = list.findIndex((r) => r.itemId === target);
  return at < 0 ? 0 : 1 / (at + 1);
}

/**
 * Runs the guard. Yields after each ranking call (a caller slices the work); returns the result
 * and the taste to use from now on (the candidate when adopted, null when reverted, else `current`;
 * null = no taste).
 * @param history the shopper's events, oldest first (repeats, unknown items and events without
 *   an item allowed)
 * @param current the taste in use now (null: none)
 */
export function* guardTaste(
  model: NextItemModel,
  history: readonly RecEvent[],
  current: readonly number[] | null,
  options: TasteOptions = {},
): Generator<void, { result: TasteResult; taste: readonly number[] | null }> {
  const o = { ...TASTE_DEFAULTS, ...options };
  if (!(o.holdoutShare >= 0 && o.holdoutShare < 1)) throw new TypeError('options.holdoutShare: must be in [0, 1)');
  const items = knownItems(model, history);
  const nHold = Math.min(o.maxHoldout, Math.max(o.minHoldout, Math.round(items.length * o.holdoutShare)));
  const train = items.slice(0, Math.max(0, items.length - nHold));
  const counts = { train: train.length, holdout: items.length - train.length };
  const skip = (why: string) => ({ result: skippedTaste(why, train.length, counts), taste: current });
  if (!model.factors) return skip('the item model has no factors');
  if (train.length < o.minItems) return skip(`needs ${o.minItems + nHold} known items, has ${items.length}`);
  const f = model.factors;
  yield* gramSteps(f); // once per model, in slices: ~175 ms for a 43,000-item catalogue at once
  const candidate = Array.from(foldIn(f, train.map((e) => model.indexOf.get(e.itemId!)!)));
  // rank() lists at most MAX_RANK_K items; a deeper re-ranker is still valid for ranking, and an
  // item held out below rank 1000 adds under 0.001 to the mean reciprocal rank anyway
  const depth = Math.min(model.reranker?.depth ?? DEFAULT_RERANK_DEPTH, MAX_RANK_K);
  const tastes = current === null ? [current, candidate] : [current, candidate, null];
  const mrr = tastes.map(() => 0);
  for (let j = train.length; j < items.length; j++) {
    const prefix = items.slice(0, j);
    for (let t = 0; t < tastes.length; t++) {
      mrr[t] += reciprocalRank(model, prefix, items[j].itemId!, depth, tastes[t]) / counts.holdout;
      yield;
    }
  }
  const [before, after, base = before] = mrr;
  // chooseWeights wants lower-is-better scores: negate the reciprocal ranks
  const choice = chooseWeights(-before, -after, current === null ? null : -base, o.margin);
  const taste = choice === 'adopt' ? candidate : choice === 'revert' ? null : current;
  return { result: { adopted: choice === 'adopt', reverted: choice === 'revert', before, after, base, examples: train.length, items: counts }, taste };
}
