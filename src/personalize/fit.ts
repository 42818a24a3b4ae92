/**
 * Fits a per-user head by L2-regularized logistic regression toward the pretrained head (MAP
 * with a Gaussian prior centred on it), by Newton's method in plain JavaScript. The head is
 * linear in `z = [h', x]`, so gradient and Hessian are exact and cheap (64 × 64); no TensorFlow.js
 * gradients are needed in the browser.
 *
 * Objective (each session weighs 1 in total, spread over its prefix steps, so long sessions do not
 * dominate):
 * `Σ_s (1/n_s) Σ_t CE(y_s, σ(w·z_st + b)) + λ/2 ‖w − w₀‖² + λ_b/2 (b − b₀)²`.
 * Each Newton step is damped by backtracking (halved until the objective drops enough, Armijo):
 * a full step from a head far from the user's rate overshoots (the Hessian is small where
 * σ is near 0 or 1) and, with a weak pull, plain Newton swings to logits of ±15 instead of
 * converging.
 * Written as a generator: it yields after each pass over the examples, and every `YIELD_EVERY`
 * examples within one (a single long session too), so a caller can slice the work into short
 * tasks (`slice.ts`: `runSliced`, or `runToEnd` synchronously in Node and workers).
 */
import type { SessionExamples } from './examples.js';
import { headLogitOf, type PersonalHead } from './head.js';
import { solveSpd } from '../linalg.js';

/** Fitting options. */
export interface FitOptions {
  /**
   * Pull of the kernel toward the pretrained one, in sessions' worth of evidence. Default 64:
   * chosen on the training stores only (`tools/personalize/select.ts`, best mean lift of the grid).
   */
  lambda?: number;
  /** Pull of the bias toward the pretrained one. Default 8 (same selection). */
  lambdaBias?: number;
  /** Newton iterations at most. Default 12. */
  maxIter?: number;
  /** Stop when the largest parameter change is below this. Default 1e-6. */
  tol?: number;
}

/** Defaults of {@link FitOptions}. */
export const FIT_DEFAULTS: Required<FitOptions> = { lambda: 64, lambdaBias: 8, maxIter: 12, tol: 1e-6 };

/** A pass yields after every this many examples too, inside a session as well (keeps slices short on long histories and long sessions). */
export const YIELD_EVERY = 256;

/** Halvings of a Newton step at most, and the Armijo constant (share of the predicted decrease required). */
const MAX_HALVINGS = 30;
const ARMIJO = 1e-4;

/** log(1 + e^z), stable for large |z|. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** Progress a fit yields after each Newton iteration (and mid-pass, with the iteration under way). */
export interface FitProgress {
  phase: 'fit';
  iteration: number;
  maxIter: number;
}

/** Counts examples; true once every {@link YIELD_EVERY} (time for the pass to yield). */
type Pace = () => boolean;
const createPace = (): Pace => {
  let seen = 0;
  return () => {
    if (++seen < YIELD_EVERY) return false;
    seen = 0;
    return true;
  };
};

/** One example's cross-entropy at `head`: CE(y, σ(l)) = softplus(l) − y·l with l the head's logit. */
function crossEntropy(head: PersonalHead, z: Float64Array, label: 0 | 1): number {
  const l = headLogitOf(head, z);
  return softplus(l) - label * l;
}

/**
 * The objective above at `theta` (kernel then bias). Yields `at` after every {@link YIELD_EVERY}
 * examples (counted by `pace`, shared with the caller's passes).
 */
function* objective(sessions: readonly SessionExamples[], theta: Float64Array, theta0: Float64Array, reg: (i: number) => number, pace: Pace, at: FitProgress): Generator<FitProgress, number> {
  const m = theta.length - 1;
  const head = { w: Array.from(theta.subarray(0, m)), b: theta[m] };
  let f = 0;
  for (const s of sessions) {
    let ce = 0;
    for (const z of s.z) {
      if (pace()) yield at;
      ce += crossEntropy(head, z, s.label);
    }
    f += ce / s.z.length;
  }
  for (let i = 0; i <= m; i++) f += (reg(i) / 2) * (theta[i] - theta0[i]) ** 2;
  return f;
}

/**
 * Adds one example's terms to the gradient `g` and the lower triangle of the Hessian `A` (n × n,
 * kernel of `m` then bias) at `head`; `c` is the example's weight. A plain function, so the
 * engine optimizes the hot loop (code in a generator may stay interpreted).
 */
function accumulate(head: PersonalHead, z: Float64Array, label: 0 | 1, c: number, g: Float64Array, A: Float64Array, m: number): void {
  const n = m + 1;
  const p = 1 / (1 + Math.exp(-headLogitOf(head, z)));
  const r = c * (p - label);
  const h = c * p * (1 - p);
  for (let i = 0; i < n; i++) {
    const zi = i < m ? z[i] : 1;
    if (zi === 0) continue;
    g[i] += r * zi;
    const hz = h * zi;
    const row = i * n;
    for (let j = 0; j <= i; j++) A[row + j] += hz * (j < m ? z[j] : 1);
  }
}

/**
 * Fits a head on the sessions' examples, starting from and pulled toward `prior`.
 * @throws TypeError when an option is not a non-negative finite number
 */
export function* fitHead(sessions: readonly SessionExamples[], prior: PersonalHead, options: FitOptions = {}): Generator<FitProgress, PersonalHead> {
  const o = { ...FIT_DEFAULTS, ...options };
  for (const k of ['lambda', 'lambdaBias', 'maxIter', 'tol'] as const) {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || o[k] < 0) throw new TypeError(`options.${k}: must be a non-negative number`);
  }
  const m = prior.w.length;
  const n = m + 1; // kernel + bias
  const theta = Float64Array.from([...prior.w, prior.b]);
  const theta0 = theta.slice();
  const reg = (i: number) => (i < m ? o.lambda : o.lambdaBias);
  const used = sessions.filter((s) => s.z.length > 0);
  const pace = createPace();
  const progress = (iteration: number): FitProgress => ({ phase: 'fit', iteration, maxIter: o.maxIter });
  let fCur = yield* objective(used, theta, theta0, reg, pace, progress(0));
  for (let it = 0; it < o.maxIter; it++) {
    const g = new Float64Array(n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      g[i] = reg(i) * (theta[i] - theta0[i]);
      A[i * n + i] = reg(i) + 1e-6;
    }
    const head = { w: Array.from(theta.subarray(0, m)), b: theta[m] };
    for (const s of used) {
      const c = 1 / s.z.length;
      for (const z of s.z) {
        if (pace()) yield progress(it); // long histories, and long sessions: let the page breathe mid-pass
        accumulate(head, z, s.label, c, g, A, m);
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j];
    const d = solveSpd(A, g, n);
    // backtracking: θ − t·d with t = 1, ½, ¼, … until the objective drops by ARMIJO · t · g·d. A step
    // already below the tolerance is taken as it is: at the optimum the objective's rounding noise
    // could fail the test and cost every halving's pass for nothing.
    const next = new Float64Array(n);
    if (d.every((v) => Math.abs(v) < o.tol)) {
      for (let i = 0; i < n; i++) next[i] = theta[i] - d[i];
    } else {
      let slope = 0;
      for (let i = 0; i < n; i++) slope += g[i] * d[i];
      let t = 1;
      for (let k = 0; k < MAX_HALVINGS; k++, t /= 2) {
        if (k > 0) yield progress(it); // each halving is a pass: let a long history's page breathe
        for (let i = 0; i < n; i++) next[i] = theta[i] - t * d[i];
        const f = yield* objective(used, next, theta0, reg, pace, progress(it));
        if (f <= fCur - ARMIJO * t * slope) {
          fCur = f;
          break;
        }
      }
    }
    let biggest = 0;
    for (let i = 0; i < n; i++) {
      biggest = Math.max(biggest, Math.abs(theta[i] - next[i]));
      theta[i] = next[i];
    }
    yield progress(it + 1);
    if (biggest < o.tol) break;
  }
  return { w: Array.from(theta.subarray(0, m)), b: theta[m] };
}
