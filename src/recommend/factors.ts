/**
 * Item factors for per-user taste: one vector per item, trained by the store on its logs
 * (implicit-feedback ALS, `tools/next-item/factors.ts`) and shipped in the next-item artifact
 * (int8 with one scale per item). On the device, a shopper's **taste vector** is fitted from the
 * items in their own history with the same least-squares step ALS uses for a known user
 * ({@link foldIn}): it is that shopper's personal weights on top of the frozen item model. Ranking
 * blends it in ({@link blendTaste}). Pure: the browser and the Node tools share every line.
 */
import { addGramRows, solveSpd } from '../linalg.js';
import { inChunks, runToEnd } from '../slice.js';

/** Item factors and the settings of the taste fit and blend. */
export interface ItemFactors {
  /** Vector length (integer 1..256). */
  dims: number;
  /** Ridge pull of a taste vector toward zero (ALS λ, > 0). */
  reg: number;
  /** Extra confidence of an item the shopper interacted with (ALS α, ≥ 0). */
  alpha: number;
  /** Weight of the taste score in the blend, relative to the ranked score (both z-scored; ≥ 0). */
  beta: number;
  /** `nItems × dims` vectors, item-major. */
  vectors: Float32Array;
}

/**
 * Validates factor settings and vectors (every vector value finite: one NaN would make every
 * taste-blended score NaN).
 * @throws TypeError naming the field
 */
export function checkFactors(f: unknown, nItems: number): ItemFactors {
  const x = checkFactorShape(f, nItems);
  checkFinite(x.vectors, 0, x.vectors.length);
  return x;
}

/** {@link checkFactors} without the pass over the vector values (see {@link checkFinite}). */
function checkFactorShape(f: unknown, nItems: number): ItemFactors {
  const x = f as Partial<ItemFactors> | null;
  if (!x || typeof x !== 'object') throw new TypeError('factors must be an object');
  if (!Number.isInteger(x.dims) || (x.dims as number) < 1 || (x.dims as number) > 256) throw new TypeError('factors.dims must be an integer in 1..256');
  if (typeof x.reg !== 'number' || !(x.reg > 0) || !Number.isFinite(x.reg)) throw new TypeError('factors.reg must be a finite number > 0');
  for (const k of ['alpha', 'beta'] as const) {
    const v = x[k];
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new TypeError(`factors.${k} must be a finite number ≥ 0`);
  }
  if (!(x.vectors instanceof Float32Array) || x.vectors.length !== nItems * (x.dims as number)) {
    throw new TypeError(`factors.vectors must be a Float32Array of nItems × dims (${nItems} × ${String(x.dims)})`);
  }
  return x as ItemFactors;
}

/** @throws TypeError naming the first value of `v[from .. to)` that is not finite */
function checkFinite(v: Float32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    if (!Number.isFinite(v[i])) throw new TypeError(`factors.vectors[${i}] must be a finite number (got ${v[i]})`);
  }
}

/** Quantizes vectors to int8 with one scale per item (max |v| / 127). */
export function quantizeFactors(vectors: Float32Array, dims: number): { codes: Int8Array; scales: Float32Array } {
  const n = vectors.length / dims;
  const codes = new Int8Array(vectors.length);
  const scales = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(vectors[i * dims + d]));
    const s = max > 0 ? max / 127 : 1;
    scales[i] = s;
    for (let d = 0; d < dims; d++) codes[i * dims + d] = Math.round(vectors[i * dims + d] / s);
  }
  return { codes, scales };
}

/** Inverse of {@link quantizeFactors}. */
export function dequantizeFactors(codes: Int8Array, scales: Float32Array, dims: number): Float32Array {
  const out = new Float32Array(codes.length);
  dequantizeRows(codes, scales, dims, out, 0, scales.length);
  return out;
}

function dequantizeRows(codes: Int8Array, scales: Float32Array, dims: number, out: Float32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) for (let d = 0; d < dims; d++) out[i * dims + d] = codes[i * dims + d] * scales[i];
}

/** Factor values handled per step of {@link dequantizeSteps} and {@link factorsKeySteps} (about 0.5 ms of work). */
export const FACTOR_VALUES_PER_STEP = 1 << 17;

/**
 * Dequantizes item factors and checks them ({@link checkFactors}) in steps of about
 * {@link FACTOR_VALUES_PER_STEP} values (43,000 items at 32 dims took 10–20 ms at once, a long
 * task while `recommend()` loads), then computes their {@link factorsKey} in steps too, so no
 * later synchronous call pays for it.
 * @throws TypeError naming the field, as {@link checkFactors}
 */
export function* dequantizeSteps(
  settings: Omit<ItemFactors, 'vectors'>,
  codes: Int8Array,
  scales: Float32Array,
  nItems: number,
): Generator<void, ItemFactors> {
  const f = checkFactorShape({ ...settings, vectors: new Float32Array(codes.length) }, nItems);
  const { dims, vectors } = f;
  yield* inChunks(
    nItems,
    (from, to) => {
      dequantizeRows(codes, scales, dims, vectors, from, to);
      checkFinite(vectors, from * dims, to * dims);
    },
    Math.max(1, Math.floor(FACTOR_VALUES_PER_STEP / dims)),
  );
  yield;
  yield* factorsKeySteps(f);
  return f;
}

const grams = new WeakMap<Float32Array, Float64Array>();
const keys = new WeakMap<Float32Array, string>();

/** Item rows per slice of {@link gramSteps} (about 4 ms of work at 32 dims). */
export const GRAM_ROWS_PER_STEP = 1000;

/**
 * Computes `VᵀV` of the item vectors in slices (it takes ~175 ms for 43,000 items at 32 dims, a
 * long task if done at once), yielding between slices; the result is cached per vectors array.
 */
export function* gramSteps(f: Pick<ItemFactors, 'vectors' | 'dims'>): Generator<void, Float64Array> {
  const cached = grams.get(f.vectors);
  if (cached) return cached;
  const G = new Float64Array(f.dims * f.dims);
  yield* inChunks(f.vectors.length / f.dims, (from, to) => addGramRows(f.vectors, from, to, f.dims, G), GRAM_ROWS_PER_STEP);
  grams.set(f.vectors, G);
  return G;
}

/** `VᵀV` of the item vectors (dims × dims), computed at once the first time, then cached. */
export function factorGram(f: Pick<ItemFactors, 'vectors' | 'dims'>): Float64Array {
  return runToEnd(gramSteps(f));
}

/**
 * The implicit-ALS least-squares step for one row: the vector `x` minimizing
 * `Σ_j c_j (p_j − x·v_j)² + reg ‖x‖²` over all rows `v_j` of `vectors`, where `p_j = 1` and
 * `c_j = 1 + alpha` for `j ∈ rows`, else `p_j = 0` and `c_j = 1`. Closed form:
 * `(VᵀV + α Σ v_j v_jᵀ + reg I) x = (1 + α) Σ v_j`. Used for a shopper's taste on the device
 * and for both half-steps of store-side ALS training.
 * @param vectors the other side's vectors (row-major, `dims` each)
 * @param G their Gram matrix `VᵀV`
 * @param rows indices of the observed rows (distinct)
 */
export function alsSolve(vectors: ArrayLike<number>, G: Float64Array, dims: number, rows: ArrayLike<number>, reg: number, alpha: number): Float64Array {
  const A = G.slice();
  const b = new Float64Array(dims);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * dims;
    for (let a = 0; a < dims; a++) {
      const va = vectors[o + a];
      b[a] += (1 + alpha) * va;
      if (va === 0) continue;
      const row = a * dims;
      for (let c = 0; c < dims; c++) A[row + c] += alpha * va * vectors[o + c];
    }
  }
  for (let a = 0; a < dims; a++) A[a * dims + a] += reg;
  return solveSpd(A, b, dims);
}

/**
 * Fits a shopper's taste vector from the items of their history (distinct item indices).
 * About 0.3 ms for 32 dims and 20 items, after the one-time Gram matrix ({@link gramSteps}: the
 * browser computes it in slices before the first fit).
 */
export function foldIn(f: ItemFactors, items: readonly number[]): Float64Array {
  return alsSolve(f.vectors, factorGram(f), f.dims, [...new Set(items)], f.reg, f.alpha);
}

/**
 * Checks a taste vector (from storage, a message or an option).
 * @throws TypeError naming the field when it is not `dims` finite numbers
 */
export function checkTaste(taste: unknown, dims: number, name = 'taste'): ArrayLike<number> {
  const t = taste as ArrayLike<number> | null;
  if (!t || typeof t !== 'object' || t.length !== dims) throw new TypeError(`${name} must be ${dims} numbers (the item factors' dims)`);
  for (let i = 0; i < dims; i++) if (typeof t[i] !== 'number' || !Number.isFinite(t[i])) throw new TypeError(`${name} must be ${dims} finite numbers`);
  return t;
}

function zScores(v: readonly number[]): number[] {
  const n = v.length;
  let m = 0;
  for (const x of v) m += x;
  m /= n;
  let s = 0;
  for (const x of v) s += (x - m) ** 2;
  const sd = Math.sqrt(s / n) || 1;
  return v.map((x) => (x - m) / sd);
}

/**
 * Re-orders the top `depth` of a ranked list by `z(score) + beta · z(taste · v_item)` (z-scores
 * within those items); items below keep their order, scored under the re-ordered ones.
 * @returns the new order and scores (inputs are not modified)
 */
export function blendTaste(
  f: ItemFactors,
  taste: ArrayLike<number>,
  items: readonly number[],
  scores: readonly number[],
  depth: number,
): { items: number[]; scores: number[] } {
  const n = Math.min(depth, items.length);
  if (n < 2 || f.beta === 0) return { items: items.slice(), scores: scores.slice() };
  const { dims, vectors } = f;
  const t: number[] = [];
  for (let r = 0; r < n; r++) {
    const o = items[r] * dims;
    let s = 0;
    for (let d = 0; d < dims; d++) s += taste[d] * vectors[o + d];
    t.push(s);
  }
  const zb = zScores(scores.slice(0, n));
  const zt = zScores(t);
  const top = Array.from({ length: n }, (_, r) => ({ i: items[r], r, v: zb[r] + f.beta * zt[r] }));
  top.sort((a, b) => b.v - a.v || a.r - b.r);
  const floor = top[top.length - 1].v;
  return {
    items: [...top.map((x) => x.i), ...items.slice(n)],
    scores: [...top.map((x) => x.v), ...items.slice(n).map((_, r) => floor - 1 - r)],
  };
}

/**
 * A short stable key of the factors (FNV-1a over dims and vectors; ~10–20 ms for 43,000 items at
 * 32 dims, once per vectors array, then cached): stored tastes name the factors they were fitted
 * to. Decoding an artifact computes it in steps ({@link factorsKeySteps}), so for a loaded model
 * this is a cache read.
 */
export function factorsKey(f: Pick<ItemFactors, 'vectors' | 'dims'>): string {
  return runToEnd(factorsKeySteps(f));
}

/** {@link factorsKey} in steps of {@link FACTOR_VALUES_PER_STEP} bytes; cached per vectors array. */
export function* factorsKeySteps(f: Pick<ItemFactors, 'vectors' | 'dims'>): Generator<void, string> {
  const cached = keys.get(f.vectors);
  if (cached !== undefined) return cached;
  const bytes = new Uint8Array(f.vectors.buffer, f.vectors.byteOffset, f.vectors.byteLength);
  let h = 0x811c9dc5 ^ f.dims;
  yield* inChunks(
    bytes.length,
    (from, to) => {
      for (let i = from; i < to; i++) {
        h ^= bytes[i];
        h = Math.imul(h, 0x01000193);
      }
    },
    FACTOR_VALUES_PER_STEP,
  );
  const key = `f${f.dims}-${(h >>> 0).toString(16).padStart(8, '0')}`;
  keys.set(f.vectors, key);
  return key;
}
