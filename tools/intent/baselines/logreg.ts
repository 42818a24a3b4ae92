/** Logistic regression (plain JS): standardized inputs, L2, full-batch gradient descent with Adam. */

/** A fitted model. */
export interface LogReg {
  mean: number[];
  std: number[];
  w: number[];
  b: number;
}

/**
 * Fits logistic regression.
 * @param X rows of features
 * @param y labels 0/1
 * @param l2 L2 penalty on weights (default 1e-3)
 * @param iters gradient steps (default 400)
 */
export function fitLogReg(X: number[][], y: number[], l2 = 1e-3, iters = 400): LogReg {
  const n = X.length;
  const d = X[0]?.length ?? 0;
  const mean = Array.from({ length: d }, (_, j) => X.reduce((a, r) => a + r[j], 0) / n);
  const std = Array.from({ length: d }, (_, j) => Math.sqrt(X.reduce((a, r) => a + (r[j] - mean[j]) ** 2, 0) / n) || 1);
  const Z = X.map((r) => r.map((v, j) => (v - mean[j]) / std[j]));
  const rate = y.reduce((a, v) => a + v, 0) / n;
  const w = new Array<number>(d).fill(0);
  let b = Math.log((rate + 1e-6) / (1 - rate + 1e-6));
  const m = new Array<number>(d + 1).fill(0);
  const v = new Array<number>(d + 1).fill(0);
  const lr = 0.05;
  for (let it = 1; it <= iters; it++) {
    const g = new Array<number>(d + 1).fill(0);
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let j = 0; j < d; j++) z += w[j] * Z[i][j];
      const e = 1 / (1 + Math.exp(-z)) - y[i];
      for (let j = 0; j < d; j++) g[j] += e * Z[i][j];
      g[d] += e;
    }
    for (let j = 0; j <= d; j++) {
      const gj = g[j] / n + (j < d ? l2 * w[j] : 0);
      m[j] = 0.9 * m[j] + 0.1 * gj;
      v[j] = 0.999 * v[j] + 0.001 * gj * gj;
      const step = (lr * (m[j] / (1 - 0.9 ** it))) / (Math.sqrt(v[j] / (1 - 0.999 ** it)) + 1e-8);
      if (j < d) w[j] -= step;
      else b -= step;
    }
  }
  return { mean, std, w, b };
}

/** Probability for each row. */
export function predictLogReg(m: LogReg, X: number[][]): Float64Array {
  return Float64Array.from(X, (r) => {
    let z = m.b;
    r.forEach((v, j) => (z += (m.w[j] * (v - m.mean[j])) / m.std[j]));
    return 1 / (1 + Math.exp(-z));
  });
}
