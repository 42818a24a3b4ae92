/**
 * How the recommendation service loads its item model: once, keeping the model; a model that
 * cannot be used (a malformed artifact: a TypeError from decoding) is given up on for the page,
 * and a failed request (network, HTTP status) is tried again only after a wait that doubles
 * with each failure ({@link MODEL_RETRY_MS} up to {@link MODEL_RETRY_MAX_MS}). Until then every
 * call rejects at once with the last failure, without a request.
 */

/** Wait after a first failed request before the model is fetched again, ms (doubled after each further failure). */
export const MODEL_RETRY_MS = 5_000;

/** Longest wait between two tries, ms (5 minutes). */
export const MODEL_RETRY_MAX_MS = 300_000;

/** True for a failure that fetching again cannot fix: a malformed artifact (`loadNextItemModel` throws TypeError then). */
export function isPermanentLoadError(err: unknown): boolean {
  return err instanceof TypeError;
}

/** What {@link retryingLoad} needs besides the load. */
export interface RetryOptions {
  /** Clock, ms. */
  now(): number;
  /** Called after each failure; `retryAt` is when a call may try again (ms), undefined for never. */
  failed?(err: unknown, retryAt: number | undefined): void;
}

/**
 * Wraps `load`: the first call starts it, calls meanwhile share it, a success is kept for good;
 * after a failure, calls reject with it (no new attempt) until the retry time, never for a
 * permanent failure ({@link isPermanentLoadError}).
 */
export function retryingLoad<T>(load: () => Promise<T>, o: RetryOptions): () => Promise<T> {
  let current: Promise<T> | undefined; // in flight, or resolved
  let failure: { err: unknown; retryAt: number } | undefined;
  let failures = 0;
  return () => {
    if (current) return current;
    if (failure && o.now() < failure.retryAt) return Promise.reject(failure.err);
    const p = Promise.resolve().then(load);
    current = p;
    p.catch((err: unknown) => {
      current = undefined;
      failures++;
      const retryAt = isPermanentLoadError(err) ? Infinity : o.now() + Math.min(MODEL_RETRY_MAX_MS, MODEL_RETRY_MS * 2 ** (failures - 1));
      failure = { err, retryAt };
      o.failed?.(err, Number.isFinite(retryAt) ? retryAt : undefined);
    });
    return p;
  };
}
