/**
 * Learned item-embedding scorer (a small factorized next-item model): the history is read as
 * q = A · e(last item) + B · (recency-weighted mean of its items' embeddings, decay `embedDecay`
 * per step back), and item j scores q · e(j) + bias(j). Trained by the Node CLI with sampled
 * softmax; here only inference, on the candidate pool the other scorers found.
 */

/** Embedding tables as used at rank time (dequantized). */
export interface ItemEmbeddings {
  /** Embedding size. */
  dim: number;
  /** nItems × dim, row-major. */
  table: Float32Array;
  /** dim × dim, row-major (q = A · last + B · mean). */
  a: Float32Array;
  b: Float32Array;
  /** nItems biases. */
  bias: Float32Array;
  /** Weight decay per step back in the mean (0..1). */
  decay: number;
}

/**
 * Query vector for an item sequence (oldest first); returns null for an empty sequence.
 * `out` receives dim values when given.
 */
export function embedQuery(e: ItemEmbeddings, sequence: readonly number[], out?: Float64Array): Float64Array | null {
  const L = sequence.length;
  if (L === 0) return null;
  const d = e.dim;
  const mean = new Float64Array(d);
  let wsum = 0;
  let w = 1;
  for (let t = L - 1; t >= 0; t--) {
    const o = sequence[t] * d;
    for (let x = 0; x < d; x++) mean[x] += w * e.table[o + x];
    wsum += w;
    w *= e.decay;
  }
  for (let x = 0; x < d; x++) mean[x] /= wsum;
  const lo = sequence[L - 1] * d;
  const q = out ?? new Float64Array(d);
  for (let r = 0; r < d; r++) {
    let v = 0;
    for (let c = 0; c < d; c++) v += e.a[r * d + c] * e.table[lo + c] + e.b[r * d + c] * mean[c];
    q[r] = v;
  }
  return q;
}

/** Score of item `j` for query `q`: q · e(j) + bias(j). */
export function embedScore(e: ItemEmbeddings, q: Float64Array, j: number): number {
  const d = e.dim;
  const o = j * d;
  let v = e.bias[j];
  for (let x = 0; x < d; x++) v += q[x] * e.table[o + x];
  return v;
}
