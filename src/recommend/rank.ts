/**
 * `rank()`: next-item recommendations for a shopper's history. Candidates get a blended score
 * (session-kNN vote + sequential-rules vote + repeat boost for items already in the history +
 * recent popularity); when the model has a learned re-ranker, the top `depth` of that blend
 * are re-ordered by it: a linear function of their vote/history features, or boosted trees over
 * those and the context features (`features.ts`, `trees.ts`). Pure and
 * synchronous; the browser and the Node evaluation call this same function, so a given
 * history yields the same list in both.
 */
import { blendTaste, checkTaste } from './factors.js';
import { candidateFeatures, contextFeatures, N_FEATURES, N_LINEAR_FEATURES } from './features.js';
import { itemStats } from './item-stats.js';
import { scoreKnn } from './knn.js';
import type { NextItemModel } from './model.js';
import { fillPopular, POPULAR_CANDIDATES } from './popular.js';
import { buildPrefix, type RecEvent, type RecHistory } from './prefix.js';
import { scoreRules } from './rules.js';
import { beginTouched, clearTouched, touch } from './touched.js';
import { scoreTrees } from './trees.js';
import { describeValue } from '../validate-event.js';

/**
 * Options of {@link rank}. Any other key throws a TypeError naming it (a misspelt `K` or `limit`
 * would otherwise be ignored).
 */
export interface RankOptions {
  /** Number of items to return: integer 1..1000 (default 10). */
  k?: number;
  /**
   * Only these item ids may be returned (ids the model does not know are ignored). An iterable
   * (array, Set…) of ids: strings, or finite numbers, which are matched as `String(n)` the way
   * `track()` stores a numeric `itemId`. A string on its own is not accepted (it would be read
   * character by character): a compile error, and a TypeError at run time.
   */
  candidates?: Iterable<string | number> & object;
  /** These item ids are never returned. Same form as `candidates`. */
  exclude?: Iterable<string | number> & object;
  /** Return items the history shows as purchased: a boolean (default false: they are left out). */
  includePurchased?: boolean;
  /**
   * The shopper's taste vector (`factors.ts` `foldIn`, length = the model's factor dims): the
   * top of the list is re-ordered by it (`blendTaste` in `factors.ts`). Needs a model with item factors.
   * `hunch.recommend()` sets it from the adopted taste and never passes a caller's own.
   */
  taste?: ArrayLike<number>;
}

/** Largest `k` {@link rank} accepts. */
export const MAX_RANK_K = 1000;

/** The keys {@link RankOptions} accepts. */
export const RANK_OPTION_KEYS: readonly (keyof RankOptions)[] = Object.freeze(['k', 'candidates', 'exclude', 'includePurchased', 'taste'] as const);

/** One recommendation. */
export interface Recommendation {
  /** The store's item id, as in its item model (and as tracked). */
  itemId: string;
  /** Score (higher is better; comparable within one call only). */
  score: number;
  /** Short human-readable reason, e.g. `similar to 123` or `often viewed after 123`. */
  reason: string;
}

/** Receives the features of the top blended candidates (training tools only). */
export type FeatureSink = (items: readonly number[], features: Float64Array) => void;

/** Re-ranking depth used for feature extraction when the model has no re-ranker. */
export const DEFAULT_RERANK_DEPTH = 100;

/** Checks that an id list option is an iterable other than a string (its elements are checked as it is read). */
function checkIdList(name: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v === 'string') throw new TypeError(`options.${name}: must be an iterable of item ids (strings), not a string; wrap one id in an array`);
  if (v === null || typeof (v as Iterable<string>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`options.${name}: must be an iterable of item ids (strings), e.g. an array or a Set`);
  }
}

function idSet(model: NextItemModel, name: string, v: Iterable<unknown> | undefined): Set<number> | undefined {
  if (v === undefined) return undefined;
  const out = new Set<number>();
  let n = 0;
  for (const x of v) {
    let id: string;
    if (typeof x === 'string') id = x;
    else if (typeof x === 'number' && Number.isFinite(x)) id = String(x);
    else throw new TypeError(`options.${name}[${n}]: must be an item id, a string or a finite number (got ${describeValue(x)})`);
    n++;
    const i = model.indexOf.get(id);
    if (i !== undefined) out.add(i);
  }
  return out;
}

/**
 * Checks that ranking options are an object (`{ k: 10 }`, not a number or an array).
 * @throws TypeError otherwise
 */
export function checkOptionsObject(options: unknown): asserts options is RankOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new TypeError('options: must be an object, e.g. { k: 10 }');
}

/**
 * Everything about ranking options that needs no model: an object with known keys only, `k` an
 * integer in 1..{@link MAX_RANK_K}, `includePurchased` a boolean, `candidates`/`exclude` iterables
 * other than strings (their elements, and `taste`, are checked by {@link rank}). `recommend()` runs
 * it before the item model loads, so a bad option is a TypeError even when the model cannot load.
 * Returns `k` (default 10).
 * @throws TypeError naming the option
 */
export function checkRankOptions(options: unknown): number {
  checkOptionsObject(options);
  for (const key of Object.keys(options)) {
    if (!(RANK_OPTION_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`options.${key.slice(0, 40)}: is not a known option (known: ${RANK_OPTION_KEYS.join(', ')})`);
    }
  }
  // only an absent k means the default: null is a mistake like any other non-integer
  const k = options.k === undefined ? 10 : options.k;
  if (!Number.isInteger(k) || k < 1 || k > MAX_RANK_K) throw new TypeError(`options.k must be an integer in 1..${MAX_RANK_K} (got ${describeValue(k)})`);
  if (options.includePurchased !== undefined && typeof options.includePurchased !== 'boolean') {
    throw new TypeError('options.includePurchased: must be a boolean');
  }
  checkIdList('candidates', options.candidates);
  checkIdList('exclude', options.exclude);
  return k;
}

/**
 * Ranks items for `history` (current session events oldest first, or `{ session, past }`).
 * Runs in about a millisecond on a Diginetica-size model.
 * @param sink training tools only: receives the top candidates' features.
 * @throws TypeError naming the option when `options` is not an object or has a key other than
 *   {@link RANK_OPTION_KEYS}, `k` is not an integer in 1..1000, `candidates`/`exclude` is a string,
 *   not iterable, or holds something other than a string or finite number (named
 *   `options.candidates[i]`), `includePurchased` is not a boolean, or `taste` is given to a model
 *   without factors or has the wrong length.
 */
export function rank(
  model: NextItemModel,
  history: readonly RecEvent[] | RecHistory,
  options: RankOptions = {},
  sink?: FeatureSink,
): Recommendation[] {
  const k = checkRankOptions(options);
  const candidates = idSet(model, 'candidates', options.candidates);
  const exclude = idSet(model, 'exclude', options.exclude) ?? new Set<number>();
  if (options.taste !== undefined && !model.factors) throw new TypeError('options.taste: this item model has no factors (train it with --factors)');
  const taste = options.taste === undefined ? undefined : checkTaste(options.taste, model.factors!.dims, 'options.taste');
  const prefix = buildPrefix(model, history);
  if (!options.includePurchased) for (const i of prefix.purchased) exclude.add(i);

  const p = model.params;
  const s = model.scratch;
  const touched = beginTouched(model);
  try {
    const maxKnn = scoreKnn(model, prefix, touched);
    const maxRules = scoreRules(model, prefix, touched);
    const slot = new Map<number, number>();
    let maxW = 0;
    for (let t = 0; t < prefix.items.length; t++) {
      slot.set(prefix.items[t], t);
      if (prefix.weights[t] > maxW) maxW = prefix.weights[t];
      touch(model, touched, prefix.items[t]);
    }
    const last = prefix.sequence.length > 0 ? prefix.sequence[prefix.sequence.length - 1] : -1;
    if (candidates) for (const i of candidates) touch(model, touched, i);
    else for (let t = 0; t < Math.min(POPULAR_CANDIDATES, model.popularOrder.length); t++) touch(model, touched, model.popularOrder[t]);

    // Blend components of item i: kNN, rules, repeat, popularity.
    const parts = (i: number): [number, number, number, number] => {
      const t = slot.get(i);
      return [
        maxKnn > 0 ? s.knn[i] / maxKnn : 0,
        maxRules > 0 ? (p.rulesWeight * s.rules[i]) / maxRules : 0,
        t === undefined ? 0 : (p.repeatWeight * prefix.weights[t]) / maxW + (i === last ? p.lastWeight : 0),
        p.popularityWeight * model.popularity[i],
      ];
    };
    const pool: number[] = [];
    const base: number[] = [];
    for (let t = 0; t < touched.n; t++) {
      const i = touched.list[t];
      if (exclude.has(i) || (candidates && !candidates.has(i))) continue;
      const [a, b, c, d] = parts(i);
      pool.push(i);
      base.push(a + b + c + d);
    }
    const order = pool.map((_, x) => x);
    order.sort((a, b) => base[b] - base[a] || pool[a] - pool[b]);
    let items = order.map((x) => pool[x]);
    let scores = order.map((x) => base[x]);

    const rr = model.reranker;
    if (rr || sink) {
      const depth = Math.min(items.length, rr ? rr.depth : DEFAULT_RERANK_DEPTH);
      const feats = new Float64Array(depth * N_FEATURES);
      for (let r = 0; r < depth; r++) {
        const i = items[r];
        const t = slot.get(i);
        candidateFeatures(
          {
            knn: maxKnn > 0 ? s.knn[i] / maxKnn : 0,
            rules: maxRules > 0 ? s.rules[i] / maxRules : 0,
            repeat: t === undefined ? 0 : prefix.weights[t] / maxW,
            count: t === undefined ? 0 : prefix.counts[t],
            sinceLast: t === undefined ? 0 : prefix.sinceLast[t],
            isLast: i === last,
            popularity: model.popularity[i],
            baseRank: r,
            sessionLength: prefix.sequence.length,
          },
          feats,
          r * N_FEATURES,
        );
      }
      const head = items.slice(0, depth);
      if (sink || rr?.kind === 'trees') contextFeatures(model, itemStats(model), prefix.sequence, head, feats, new Float64Array(2 * depth));
      sink?.(head, feats);
      if (rr) {
        const top = head.map((i, r) => {
          let v = 0;
          if (rr.kind === 'trees') v = scoreTrees(rr, feats, r * N_FEATURES);
          else for (let f = 0; f < N_LINEAR_FEATURES; f++) v += rr.weights[f] * feats[r * N_FEATURES + f];
          return { i, r, v };
        });
        top.sort((a, b) => b.v - a.v || a.r - b.r);
        const floor = top.length > 0 ? top[top.length - 1].v : 0;
        // Items below the re-ranked depth keep their blended order, scored under the re-ranked ones.
        scores = [...top.map((x) => x.v), ...items.slice(depth).map((_, r) => floor - 1 - r)];
        items = [...top.map((x) => x.i), ...items.slice(depth)];
      }
    }

    if (taste) ({ items, scores } = blendTaste(model.factors!, taste, items, scores, rr ? rr.depth : DEFAULT_RERANK_DEPTH));
    // exclusions and purchases can leave fewer than k: recent popularity fills the list
    if (!candidates) fillPopular(model.popularOrder, items, scores, k, s.itemSeen, exclude);

    const out: Recommendation[] = [];
    for (let x = 0; x < items.length && out.length < k; x++) {
      const i = items[x];
      const [cKnn, cRules, cRepeat, cPop] = parts(i);
      const top = Math.max(cKnn, cRules, cRepeat, cPop);
      let reason: string;
      if (top === 0 || top === cPop) reason = 'popular now';
      else if (top === cRepeat) reason = 'viewed recently';
      else if (top === cRules) reason = `often viewed after ${model.itemIds[s.ruleSource[i] - 1]}`;
      else reason = `similar to ${model.itemIds[s.anchor[i] - 1]}`;
      out.push({ itemId: model.itemIds[i], score: scores[x], reason });
    }
    return out;
  } finally {
    clearTouched(model, touched);
  }
}
