/**
 * Small browser edges of the instance, safe where the API is missing or throws.
 */

/** Runs `fn` when the page is idle: `requestIdleCallback` (timeout 3 s), else a 1 s timer. */
export function defaultWhenIdle(fn: () => void) {
  const ric = (globalThis as { requestIdleCallback?: (cb: () => void, o: { timeout: number }) => number }).requestIdleCallback;
  if (typeof ric === 'function') ric(fn, { timeout: 3000 });
  else setTimeout(fn, 1000);
}

/** `window.localStorage`, or undefined where it is missing or access throws (sandboxed iframes). */
export function safeLocalStorage(win: Window | undefined): Storage | undefined {
  try {
    return win?.localStorage ?? undefined;
  } catch {
    return undefined; // sandboxed iframes throw on access
  }
}
