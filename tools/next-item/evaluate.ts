/**
 * Scores prefix cases with hunch's `rank()` — the very function the browser calls, the prefix
 * given as product views — and returns P@20 / MRR@20.
 */
import type { NextItemModel } from '../../src/recommend/model';
import { rank } from '../../src/recommend/rank';
import type { PrefixCase } from './data';
import { TopKMetrics } from './metrics';
import { Progress } from './progress';

/** A ranker under evaluation: prefix (store ids) → ranked store ids, best first. */
export type Ranker = (prefix: readonly string[], k: number) => string[];

/** hunch's ranker: `rank(model, prefix as product_view events, { k })`. */
export function hunchRanker(model: NextItemModel): Ranker {
  return (prefix, k) =>
    rank(
      model,
      prefix.map((itemId) => ({ itemId, type: 'product_view' })),
      { k },
    ).map((r) => r.itemId);
}

/** Evaluates a ranker on cases; shows a progress bar when `label` is given. */
export function evaluate(ranker: Ranker, cases: readonly PrefixCase[], label?: string): { p20: number; mrr20: number } {
  const m = new TopKMetrics(20);
  const bar = label ? new Progress(label, cases.length) : undefined;
  cases.forEach((c, n) => {
    m.add(ranker(c.prefix, 20), c.target);
    if (bar && (n & 1023) === 0) bar.tick(n);
  });
  bar?.tick(cases.length);
  return m.result();
}
