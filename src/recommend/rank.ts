/**
 * `rank()`: next-item recommendations for a shopper's history, blending the session-kNN vote,
 * the sequential-rules vote, a repeat (reminder) boost for items already in the history and
 * recent popularity. Pure and synchronous; the browser and the Node evaluation call this same
 * function, so a given history yields the same list in both.
 */
import { scoreKnn } from './knn';
import type { NextItemModel } from './model';
import { buildPrefix, type RecEvent, type RecHistory } from './prefix';
import { scoreRules } from './rules';
import { beginTouched, clearTouched, touch } from './touched';

/** Options of {@link rank}. */
export interface RankOptions {
  /** Number of items to return: integer 1..1000 (default 10). */
  k?: number;
  /** Only these item ids may be returned (unknown ids are ignored). */
  candidates?: Iterable<string>;
  /** These item ids are never returned. */
  exclude?: Iterable<string>;
  /** Return items the history shows as purchased (default false: they are left out). */
  includePurchased?: boolean;
}

/** One recommendation. */
export interface Recommendation {
  itemId: string;
  /** Blended score (higher is better; comparable within one call only). */
  score: number;
  /** Short human-readable reason, e.g. `similar to 123` or `often viewed after 123`. */
  reason: string;
}

/**
 * Ranks items for `history` (current session events oldest first, or `{ session, past }`).
 * Runs in a few milliseconds on a Diginetica-size model.
 * @throws TypeError naming the option when `k` is not an integer in 1..1000 or an id list is not iterable.
 */
export function rank(
  model: NextItemModel,
  history: readonly RecEvent[] | RecHistory,
  options: RankOptions = {},
): Recommendation[] {
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new TypeError('options.k must be an integer in 1..1000');
  const toSet = (name: string, v: Iterable<string> | undefined): Set<number> | undefined => {
    if (v === undefined) return undefined;
    if (v === null || typeof (v as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`options.${name} must be an iterable of item ids`);
    }
    const out = new Set<number>();
    for (const id of v) {
      const i = model.indexOf.get(id);
      if (i !== undefined) out.add(i);
    }
    return out;
  };
  const candidates = toSet('candidates', options.candidates);
  const exclude = toSet('exclude', options.exclude) ?? new Set<number>();
  const prefix = buildPrefix(model, history);
  if (!options.includePurchased) for (const i of prefix.purchased) exclude.add(i);

  const p = model.params;
  const s = model.scratch;
  const touched = beginTouched(model);
  const maxKnn = scoreKnn(model, prefix, touched);
  const maxRules = scoreRules(model, prefix, touched);

  const prefixWeight = new Map<number, number>();
  let maxW = 0;
  for (let t = 0; t < prefix.items.length; t++) {
    prefixWeight.set(prefix.items[t], prefix.weights[t]);
    if (prefix.weights[t] > maxW) maxW = prefix.weights[t];
    touch(model, touched, prefix.items[t]);
  }
  const last = prefix.sequence.length > 0 ? prefix.sequence[prefix.sequence.length - 1] : -1;
  if (candidates) for (const i of candidates) touch(model, touched, i);
  else for (let t = 0; t < model.popularOrder.length; t++) touch(model, touched, model.popularOrder[t]);

  const pool: number[] = [];
  const scores: number[] = [];
  const parts = (i: number): [number, number, number, number] => {
    const w = prefixWeight.get(i);
    return [
      maxKnn > 0 ? s.knn[i] / maxKnn : 0,
      maxRules > 0 ? (p.rulesWeight * s.rules[i]) / maxRules : 0,
      w === undefined ? 0 : (p.repeatWeight * w) / maxW + (i === last ? p.lastWeight : 0),
      p.popularityWeight * model.popularity[i],
    ];
  };
  for (let t = 0; t < touched.n; t++) {
    const i = touched.list[t];
    if (exclude.has(i) || (candidates && !candidates.has(i))) continue;
    const [a, b, c, d] = parts(i);
    pool.push(i);
    scores.push(a + b + c + d);
  }
  const order = pool.map((_, x) => x);
  order.sort((a, b) => scores[b] - scores[a] || pool[a] - pool[b]);
  const out: Recommendation[] = [];
  for (let x = 0; x < order.length && out.length < k; x++) {
    const i = pool[order[x]];
    const [cKnn, cRules, cRepeat, cPop] = parts(i);
    const top = Math.max(cKnn, cRules, cRepeat, cPop);
    let reason: string;
    if (top === 0 || top === cPop) reason = 'popular now';
    else if (top === cRepeat) reason = 'viewed recently';
    else if (top === cRules) reason = `often viewed after ${model.itemIds[last]}`;
    else reason = `similar to ${model.itemIds[s.anchor[i] - 1]}`;
    out.push({ itemId: model.itemIds[i], score: scores[order[x]], reason });
  }
  clearTouched(model, touched);
  return out;
}
