/**
 * Drives generators that yield between units of work: in short slices so no main-thread task
 * runs long (steps until `budgetMs` has passed, then gives the page a turn, a macrotask, and
 * goes on), or at once where blocking is fine (Node, workers, tests).
 */

/**
 * Loop iterations between yields of the step-wise builders (artifact decode, model and item
 * statistics): each is well under a millisecond of work, so slices stay near their budget.
 */
export const STEP_UNITS = 1 << 12;

/**
 * Runs `run(from, to)` over `0 .. n` in chunks of `size`, yielding between chunks. The loop body
 * lives in a plain function so the engine can optimize it (code inside a generator may stay
 * interpreted, which makes a long loop there many times slower).
 */
export function* inChunks(n: number, run: (from: number, to: number) => void, size = STEP_UNITS): Generator<void> {
  for (let a = 0; a < n; a += size) {
    if (a > 0) yield;
    run(a, Math.min(n, a + size));
  }
}

/** Default slice length, ms: well under the 50 ms long-task threshold. */
export const SLICE_MS = 8;

/** Gives the event loop a turn (a new macrotask, so input and rendering can run). */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A pacer for loops of awaited steps (which never give the page a turn by themselves: each
 * `await` of a resolved promise is only a microtask): `await pace()` after each step yields to the
 * page once `budgetMs` of work has run since the last turn.
 */
export function createPacer(budgetMs = SLICE_MS): () => Promise<void> {
  let start = performance.now();
  return async () => {
    if (performance.now() - start < budgetMs) return;
    await yieldToPage();
    start = performance.now();
  };
}

/**
 * Drives `gen` to its end in slices.
 * @param onYield called with each yielded value
 * @param budgetMs work per slice, ms (default {@link SLICE_MS})
 * @param pause how to give the page a turn (default {@link yieldToPage})
 */
export async function runSliced<Y, T>(
  gen: Generator<Y, T>,
  onYield?: (v: Y) => void,
  budgetMs = SLICE_MS,
  pause: () => Promise<void> = yieldToPage,
): Promise<T> {
  let start = performance.now();
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
    onYield?.(r.value);
    if (performance.now() - start >= budgetMs) {
      await pause();
      start = performance.now();
    }
  }
}

/** Runs a generator to its end at once and returns its result (Node, worker, tests). */
export function runToEnd<T>(gen: Generator<unknown, T>): T {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}
