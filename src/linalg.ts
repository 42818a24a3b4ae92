/**
 * Small dense linear algebra in plain JavaScript, shared by the per-user fits (the intent head's
 * Newton steps, the taste vector's ridge solve) and the store-side factor training. Matrices are
 * row-major `Float64Array`s.
 */

/**
 * Solves `A x = b` for a symmetric positive definite `A` (n × n) by Cholesky. `A` is overwritten
 * with its factor; `b` is left alone. Pivots below 1e-12 are clamped (a near-singular system
 * gives a large but finite answer instead of NaN).
 */
export function solveSpd(A: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= A[j * n + k] * A[j * n + k];
    const l = Math.sqrt(Math.max(d, 1e-12));
    A[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s / l;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * n + k] * y[k];
    y[i] = s / A[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= A[k * n + i] * x[k];
    x[i] = s / A[i * n + i];
  }
  return x;
}

/** `MᵀM` of the first `rows` rows of `M` (rows × d): a d × d matrix. */
export function gram(M: ArrayLike<number>, rows: number, d: number): Float64Array {
  return addGramRows(M, 0, rows, d, new Float64Array(d * d));
}

/** Adds `Σ m mᵀ` over rows `from .. to` of `M` (rows of length d) into `G` (d × d); returns `G`. */
export function addGramRows(M: ArrayLike<number>, from: number, to: number, d: number, G: Float64Array): Float64Array {
  for (let r = from; r < to; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const a = M[o + i];
      if (a === 0) continue;
      for (let j = 0; j < d; j++) G[i * d + j] += a * M[o + j];
    }
  }
  return G;
}
