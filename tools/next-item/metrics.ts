/**
 * Next-item metrics, SR-GNN protocol: P@K is the share of cases whose target is in the top K;
 * MRR@K the mean reciprocal rank of the target when in the top K, else 0. Both in percent.
 */

/** Running P@K / MRR@K accumulator. */
export class TopKMetrics {
  private hits = 0;
  private rr = 0;
  private n = 0;
  /** @param k cutoff (default 20). */
  constructor(readonly k = 20) {
    if (!Number.isInteger(k) || k < 1) throw new TypeError('k must be an integer ≥ 1');
  }
  /** Adds one case: the ranked ids (best first) and the true next item. */
  add(ranked: readonly string[], target: string): void {
    this.n++;
    const r = ranked.indexOf(target);
    if (r >= 0 && r < this.k) {
      this.hits++;
      this.rr += 1 / (r + 1);
    }
  }
  /** Cases added. */
  get count(): number {
    return this.n;
  }
  /** `{ p20, mrr20 }` in percent (named for K = 20, the protocol's cutoff), 0 when empty. */
  result(): { p20: number; mrr20: number } {
    return this.n === 0 ? { p20: 0, mrr20: 0 } : { p20: (100 * this.hits) / this.n, mrr20: (100 * this.rr) / this.n };
  }
}
