/**
 * The page's lifecycle as the instance needs it: the tab was hidden (a good moment to write), the
 * page is going away (`pagehide`: the last moment to keep what is not written yet), and the page
 * is shown again after it ran unseen: a prerendered page activated, or restored from the
 * back/forward cache (other pages may have left events to write meanwhile).
 */

/** What to do at each moment. */
export interface PageLifecycleHooks {
  /** `visibilitychange` to hidden. */
  hidden(): void;
  /** `pagehide`: must finish synchronously (the page may be gone after it) */
  leaving(): void;
  /** `prerenderingchange`: the prerendered page is activated (shown). */
  activated(): void;
  /** `pageshow` with `persisted`: the page is restored from the back/forward cache. */
  restored(): void;
}

/**
 * Runs `fn` now, or, while `win` is prerendered (Speculation Rules: `document.prerendering`, a
 * page that may never be shown), once it is activated.
 */
export function whenShown(win: Window | undefined, fn: () => void): void {
  if ((win?.document as { prerendering?: boolean } | undefined)?.prerendering) win!.document.addEventListener('prerenderingchange', fn, { once: true });
  else fn();
}

/**
 * Listens on `win` until the returned function is called.
 * @returns the function that stops listening
 */
export function watchPageLifecycle(win: Window, hooks: PageLifecycleHooks): () => void {
  const onVisibility = () => {
    if (win.document.visibilityState === 'hidden') hooks.hidden();
  };
  const onPageHide = () => hooks.leaving();
  const onPageShow = (e: PageTransitionEvent) => e.persisted && hooks.restored();
  win.document.addEventListener('visibilitychange', onVisibility);
  win.document.addEventListener('prerenderingchange', hooks.activated);
  win.addEventListener('pagehide', onPageHide);
  win.addEventListener('pageshow', onPageShow);
  return () => {
    win.document.removeEventListener('visibilitychange', onVisibility);
    win.document.removeEventListener('prerenderingchange', hooks.activated);
    win.removeEventListener('pagehide', onPageHide);
    win.removeEventListener('pageshow', onPageShow);
  };
}
