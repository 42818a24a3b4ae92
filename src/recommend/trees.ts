/**
 * The tree re-ranker: a sum of regression trees (gradient-boosted, trained by LambdaMART in
 * `tools/next-item/trees.ts`) over the candidate features of `features.ts`, re-ordering the
 * top `depth` blended candidates. Each tree is complete, of depth `treeDepth`, stored in heap
 * order (node `n` has children `2n + 1` and `2n + 2`): internal node `n` sends a candidate left
 * when `x[split[n]] <= threshold[n]`, and `split[n] = -1` means "always left" (a node the trainer
 * did not split; its value sits in its leftmost leaf).
 *
 * Binary section (`trees` in the artifact), little-endian, trees one after another in each part:
 * int16 `split` (nTrees × (2^treeDepth − 1)), float32 `threshold` (same count), float32 `leaf`
 * (nTrees × 2^treeDepth).
 */
import { N_FEATURES } from './features.js';

/** A tree re-ranker (see the module comment for the layout). */
export interface TreeReranker {
  kind: 'trees';
  /** Candidates re-ranked per call (integer ≥ 1). */
  depth: number;
  /** Depth of every tree (1..12). */
  treeDepth: number;
  nTrees: number;
  /** Feature index per internal node, -1 = always left. */
  split: Int16Array;
  threshold: Float32Array;
  leaf: Float32Array;
}

/** Internal nodes and leaves per tree of depth `d`. */
export function treeShape(d: number): { internal: number; leaves: number } {
  return { internal: 2 ** d - 1, leaves: 2 ** d };
}

/**
 * Score of the candidate whose features start at `x[offset]`: the sum of its leaves. Features are
 * rounded to float32 before each comparison, as the trainer stores them (`Float32Array`).
 */
export function scoreTrees(rr: TreeReranker, x: Float64Array, offset: number): number {
  const { internal } = treeShape(rr.treeDepth);
  let sum = 0;
  for (let t = 0; t < rr.nTrees; t++) {
    const base = t * internal;
    let n = 0;
    while (n < internal) {
      const f = rr.split[base + n];
      // compared at float32, as the trainer saw the features: a value on a cut in training (e.g.
      // log1p(6) stored as float32) must go left here too, not right because float64 sits above it
      n = f < 0 || Math.fround(x[offset + f]) <= rr.threshold[base + n] ? 2 * n + 1 : 2 * n + 2;
    }
    sum += rr.leaf[t * (internal + 1) + n - internal];
  }
  return sum;
}

/** Bytes of the `trees` section for this shape. */
export function treesByteLength(nTrees: number, treeDepth: number): number {
  const { internal, leaves } = treeShape(treeDepth);
  return nTrees * (internal * 6 + leaves * 4);
}

/** Encodes the trees into their binary section. */
export function encodeTrees(rr: TreeReranker): Uint8Array {
  const out = new Uint8Array(treesByteLength(rr.nTrees, rr.treeDepth));
  const view = new DataView(out.buffer);
  let o = 0;
  for (const v of rr.split) (view.setInt16(o, v, true), (o += 2));
  for (const v of rr.threshold) (view.setFloat32(o, v, true), (o += 4));
  for (const v of rr.leaf) (view.setFloat32(o, v, true), (o += 4));
  return out;
}

/**
 * Decodes and validates a `trees` section.
 * @throws TypeError naming the field when the shape is invalid, the section has the wrong
 *   length, a split names no feature, or a number is not finite.
 */
export function decodeTrees(bytes: Uint8Array, shape: TreeShape): TreeReranker {
  const { depth, treeDepth: d, nTrees: t } = checkShape(shape);
  if (bytes.length !== treesByteLength(t, d)) throw new TypeError('reranker.section length does not match nTrees × treeDepth');
  const { internal, leaves } = treeShape(d);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const split = new Int16Array(t * internal);
  const threshold = new Float32Array(t * internal);
  const leaf = new Float32Array(t * leaves);
  let o = 0;
  for (let i = 0; i < split.length; i++, o += 2) {
    split[i] = view.getInt16(o, true);
    if (split[i] < -1 || split[i] >= N_FEATURES) throw new TypeError(`reranker: split feature ${split[i]} out of range`);
  }
  for (let i = 0; i < threshold.length; i++, o += 4) threshold[i] = view.getFloat32(o, true);
  for (let i = 0; i < leaf.length; i++, o += 4) leaf[i] = view.getFloat32(o, true);
  for (let i = 0; i < threshold.length; i++) {
    if (split[i] >= 0 && !Number.isFinite(threshold[i])) throw new TypeError('reranker: a threshold is not finite');
  }
  if (!leaf.every(Number.isFinite)) throw new TypeError('reranker: a leaf value is not finite');
  return { kind: 'trees', depth, treeDepth: d, nTrees: t, split, threshold, leaf };
}

/** The shape fields of a tree re-ranker, unchecked. */
export interface TreeShape {
  depth: unknown;
  treeDepth: unknown;
  nTrees: unknown;
}

function checkShape(shape: TreeShape): { depth: number; treeDepth: number; nTrees: number } {
  const { depth, treeDepth, nTrees } = shape;
  if (!Number.isInteger(depth) || (depth as number) < 1) throw new TypeError('reranker.depth must be an integer ≥ 1');
  if (!Number.isInteger(treeDepth) || (treeDepth as number) < 1 || (treeDepth as number) > 12) {
    throw new TypeError('reranker.treeDepth must be an integer in 1..12');
  }
  if (!Number.isInteger(nTrees) || (nTrees as number) < 1) throw new TypeError('reranker.nTrees must be an integer ≥ 1');
  return { depth: depth as number, treeDepth: treeDepth as number, nTrees: nTrees as number };
}

/**
 * Validates an in-memory tree re-ranker (as the trainer builds it) and returns a copy.
 * @throws TypeError naming the field, as {@link decodeTrees}, or when an array has the wrong type or length.
 */
export function checkTrees(x: TreeShape & { split?: unknown; threshold?: unknown; leaf?: unknown }): TreeReranker {
  const { treeDepth, nTrees } = checkShape(x);
  const { internal, leaves } = treeShape(treeDepth);
  if (!(x.split instanceof Int16Array) || x.split.length !== nTrees * internal) throw new TypeError('reranker.split must be an Int16Array of nTrees × (2^treeDepth − 1)');
  if (!(x.threshold instanceof Float32Array) || x.threshold.length !== nTrees * internal) throw new TypeError('reranker.threshold must be a Float32Array of nTrees × (2^treeDepth − 1)');
  if (!(x.leaf instanceof Float32Array) || x.leaf.length !== nTrees * leaves) throw new TypeError('reranker.leaf must be a Float32Array of nTrees × 2^treeDepth');
  return decodeTrees(encodeTrees(x as TreeReranker), x);
}
