/**
 * Recent popularity as an order: every item by decreasing popularity (ties by lower index), built
 * in steps at model load, and the fill that tops a ranked list up to `k` from it.
 */
import { inChunks } from '../slice.js';

/** Most popular items that are always ranking candidates (the head of the popularity order). */
export const POPULAR_CANDIDATES = 200;

/**
 * Sorts all item indices by decreasing `popularity`, ties by lower index: a bottom-up merge sort
 * yielding every `STEP_UNITS` items merged, so a 43,000-item catalogue is never one long task
 * (one comparator sort of it took 10–20 ms).
 */
export function* popularOrderSteps(popularity: Float64Array): Generator<void, Uint32Array> {
  const n = popularity.length;
  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Uint32Array(n);
  for (let width = 1; width < n; width *= 2) {
    yield* inChunks(n, mergePass(popularity, src, dst, width));
    [src, dst] = [dst, src];
  }
  return src;
}

/**
 * One pass of the merge sort: merges each pair of sorted runs of `width` in `src` into `dst`,
 * writing output positions `from .. to` per call (calls go in order; the merge resumes where the
 * last one stopped).
 */
function mergePass(pop: Float64Array, src: Uint32Array, dst: Uint32Array, width: number): (from: number, to: number) => void {
  const n = src.length;
  let mid = 0;
  let hi = 0;
  let a = 0;
  let b = 0;
  return (from, to) => {
    for (let o = from; o < to; o++) {
      if (o === hi) {
        a = o;
        mid = Math.min(n, o + width);
        hi = Math.min(n, o + 2 * width);
        b = mid;
      }
      const takeA = b >= hi || (a < mid && (pop[src[a]] > pop[src[b]] || (pop[src[a]] === pop[src[b]] && src[a] < src[b])));
      dst[o] = takeA ? src[a++] : src[b++];
    }
  };
}

/**
 * Tops `items` up to `k` with the most popular items past the {@link POPULAR_CANDIDATES} (which
 * were candidates already) that are neither `skip`ped (scored or excluded) nor in `exclude`,
 * scored under the last item; walks the order only as far as needed (at most `k` plus the
 * skipped and excluded items).
 */
export function fillPopular(
  order: Uint32Array,
  items: number[],
  scores: number[],
  k: number,
  skip: Uint8Array,
  exclude: ReadonlySet<number>,
): void {
  const floor = scores.length > 0 ? scores[scores.length - 1] : 0;
  let r = 0;
  for (let t = POPULAR_CANDIDATES; t < order.length && items.length < k; t++) {
    const i = order[t];
    if (skip[i] !== 0 || exclude.has(i)) continue;
    items.push(i);
    scores.push(floor - 1 - r++);
  }
}
