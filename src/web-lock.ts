/**
 * Cross-tab mutual exclusion through the Web Locks API (`navigator.locks`): `fn` runs while this
 * page holds the lock `name`, so no other page of the origin holding the same name runs at the
 * same time. Where the API is missing, the lock cannot be asked for (an opaque origin), or it is
 * not granted within `waitMs` (a page stuck holding it), `fn` runs without it: callers must be
 * correct without the lock, only less exact.
 */

/** Longest wait for the lock before running without it, ms. */
export const LOCK_WAIT_MS = 2000;

/**
 * Runs `fn` holding the Web Lock `name` (exclusive), or without it where it cannot be had.
 * @param name lock name, shared by every page that must not run `fn` at the same time
 * @param fn the work; its result (or rejection) is returned
 * @param waitMs longest wait for the lock, ms (default {@link LOCK_WAIT_MS})
 */
export async function withWebLock<T>(name: string, fn: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks?.request) return fn();
  let started = false;
  // a controller and a timer, not AbortSignal.timeout: browsers with Web Locks but without it
  // (Safari 15.4–15.x, Chrome 69–102, Firefox 96–99) would otherwise never take the lock
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const wait = new AbortController();
    timer = setTimeout(() => wait.abort(new DOMException(`lock ${name} not granted within ${waitMs} ms`, 'TimeoutError')), waitMs);
    return await locks.request(name, { signal: wait.signal }, () => {
      started = true;
      clearTimeout(timer);
      return fn();
    });
  } catch (err) {
    if (started) throw err; // fn itself failed: never run it twice
    return fn();
  } finally {
    clearTimeout(timer);
  }
}
