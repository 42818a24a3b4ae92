/**
 * Store-side item factors for per-user taste (`src/recommend/factors.ts`): implicit-feedback ALS
 * (Hu, Koren & Volinsky 2008) on the store's sessions or user histories, in plain JavaScript with
 * the same least-squares step the device uses to fit a shopper's taste (`alsSolve`), and the
 * choice of the blend weight β on validation cases carved from the store's own data.
 */
import { alsSolve, foldIn, type ItemFactors } from '../../src/recommend/factors';
import { gram } from '../../src/linalg';
import type { NextItemModel } from '../../src/recommend/model';
import { rank } from '../../src/recommend/rank';
import type { PrefixCase } from './data';
import { TopKMetrics } from './metrics';
import { seededRandom } from '../intent/rng';

/** ALS settings. */
export interface AlsOptions {
  /** Vector length. Default 32. */
  dims?: number;
  /** Ridge λ (also the taste fit's pull toward zero). Default 1. */
  reg?: number;
  /** Confidence α of an observed item. Default 10. */
  alpha?: number;
  /** Alternating passes. Default 10. */
  iterations?: number;
  /** Seed of the initial vectors. Default 3. */
  seed?: number;
}

/** Defaults of {@link AlsOptions}: chosen on Amazon Beauty's store-side validation split (README). */
export const ALS_DEFAULTS: Required<AlsOptions> = { dims: 32, reg: 1, alpha: 10, iterations: 10, seed: 3 };

/** β values tried by {@link selectBeta} (0 = no taste). */
export const BETA_GRID: readonly number[] = [0, 0.1, 0.2, 0.4, 0.8, 1.6];

/**
 * Trains item vectors on rows of observed items (one row per session or user; item indices).
 * @param onPass called after each alternating pass (progress)
 */
export function trainItemFactors(rows: readonly ArrayLike<number>[], nItems: number, options: AlsOptions = {}, onPass?: (done: number, total: number) => void): Float32Array {
  const { dims, reg, alpha, iterations, seed } = { ...ALS_DEFAULTS, ...options };
  const distinct = rows.map((r) => [...new Set(Array.from(r))]);
  const rand = seededRandom(seed);
  const U = new Float64Array(distinct.length * dims).map(() => (rand() - 0.5) * 0.1);
  const V = new Float64Array(nItems * dims).map(() => (rand() - 0.5) * 0.1);
  const itemRows: number[][] = Array.from({ length: nItems }, () => []);
  distinct.forEach((r, u) => r.forEach((i) => itemRows[i].push(u)));
  for (let it = 0; it < iterations; it++) {
    const GV = gram(V, nItems, dims);
    distinct.forEach((r, u) => U.set(alsSolve(V, GV, dims, r, reg, alpha), u * dims));
    const GU = gram(U, distinct.length, dims);
    itemRows.forEach((us, i) => V.set(alsSolve(U, GU, dims, us, reg, alpha), i * dims));
    onPass?.(it + 1, iterations);
  }
  return Float32Array.from(V);
}

/**
 * Picks β on validation cases: each case's taste is fitted from its prefix, and the list is
 * ranked with each β of {@link BETA_GRID}; the best MRR@20 wins (β = 0, no taste, included).
 * @param eventType how prefix items are given to `rank()` (`purchase` for order histories: then
 *   they are never recommended again)
 * @returns the chosen β and MRR@20 (percent) per β
 */
export function selectBeta(
  model: NextItemModel,
  factors: Omit<ItemFactors, 'beta'>,
  cases: readonly PrefixCase[],
  eventType = 'product_view',
): { beta: number; mrr20: Map<number, number> } {
  const metrics = BETA_GRID.map(() => new TopKMetrics(20));
  const models = BETA_GRID.map((beta) => ({ ...model, factors: { ...factors, beta } }));
  for (const c of cases) {
    const taste = foldIn(models[0].factors, c.prefix.flatMap((id) => model.indexOf.get(id) ?? []));
    models.forEach((m, k) => {
      const list = rank(m, c.prefix.map((itemId) => ({ itemId, type: eventType })), { k: 20, taste }).map((r) => r.itemId);
      metrics[k].add(list, c.target);
    });
  }
  const mrr20 = new Map(BETA_GRID.map((b, k) => [b, metrics[k].result().mrr20]));
  let beta = 0;
  for (const [b, v] of mrr20) if (v > mrr20.get(beta)! + 1e-9) beta = b;
  return { beta, mrr20 };
}
