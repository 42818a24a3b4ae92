/**
 * The page's lifecycle as the instance needs it: the tab was hidden (a good moment to write), and
 * the page is going away (`pagehide`: the last moment to keep what is not written yet).
 */

/** What to do at each moment. */
export interface PageLifecycleHooks {
  /** `visibilitychange` to hidden. */
  hidden(): void;
  /** `pagehide`: must finish synchronously (the page may be gone after it) */
  leaving(): void;
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
  win.document.addEventListener('visibilitychange', onVisibility);
  win.addEventListener('pagehide', onPageHide);
  return () => {
    win.document.removeEventListener('visibilitychange', onVisibility);
    win.removeEventListener('pagehide', onPageHide);
  };
}
