/**
 * Page-level capture: a page_view on start and on every SPA navigation (history.pushState /
 * replaceState changing the path, popstate, hashchange); product_view from schema.org Product
 * JSON-LD on each page, including blocks an SPA inserts later; visible time per page (`dwell`)
 * from the Page Visibility API, reported when the page is hidden or left.
 */
import { productsFromJsonLd } from './jsonld.js';

/** Where page-level observations go. Implementations must not throw (errors are caught anyway). */
export interface NavigationSink {
  pageView(url: string): void;
  productView(p: { itemId: string; price?: number; categoryId?: string }): void;
  dwell(url: string, ms: number): void;
  error(err: unknown): void;
}

/** Dwell under this is not reported, in ms. */
export const MIN_DWELL_MS = 100;

const LD_SELECTOR = 'script[type="application/ld+json"]';

/** Starts navigation capture on `win`; returns a function that stops it and restores history. */
export function captureNavigation(win: Window, sink: NavigationSink, now: () => number = () => Date.now()): () => void {
  const doc = win.document;
  const history = win.history;
  let url = win.location.href;
  let seen = new Set<string>(); // product ids reported for the current page
  let scanned = new WeakSet<Element>();
  let visibleSince: number | undefined = doc.visibilityState === 'visible' ? now() : undefined;
  let dwellMs = 0;

  const guard = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      sink.error(err);
    }
  };

  const scan = () =>
    guard(() => {
      for (const el of Array.from(doc.querySelectorAll(LD_SELECTOR))) {
        if (scanned.has(el)) continue;
        scanned.add(el);
        for (const p of productsFromJsonLd(el.textContent ?? '')) {
          if (seen.has(p.itemId)) continue;
          seen.add(p.itemId);
          sink.productView(p);
        }
      }
    });

  const reportDwell = () => {
    if (visibleSince !== undefined) {
      dwellMs += now() - visibleSince;
      visibleSince = doc.visibilityState === 'visible' ? now() : undefined;
    }
    if (dwellMs >= MIN_DWELL_MS) sink.dwell(url, dwellMs);
    dwellMs = 0;
  };

  const enterPage = () => {
    seen = new Set();
    scanned = new WeakSet();
    sink.pageView(url);
    // SPAs render after navigating: scan now and once the frame settles
    scan();
    win.setTimeout(scan, 0);
  };

  const checkNavigation = () =>
    guard(() => {
      const next = win.location.href;
      const strip = (u: string) => u.split('#')[0];
      const hashRoute = (u: string) => u.includes('#/') || u.includes('#!/');
      if (next === url || (strip(next) === strip(url) && !hashRoute(next) && !hashRoute(url))) {
        url = next;
        return;
      }
      reportDwell();
      url = next;
      visibleSince = doc.visibilityState === 'visible' ? now() : undefined;
      enterPage();
    });

  const origPush = history.pushState;
  const origReplace = history.replaceState;
  history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
    const r = origPush.apply(this, args);
    checkNavigation();
    return r;
  };
  history.replaceState = function (this: History, ...args: Parameters<History['replaceState']>) {
    const r = origReplace.apply(this, args);
    checkNavigation();
    return r;
  };

  const onVisibility = () =>
    guard(() => {
      if (doc.visibilityState === 'hidden') reportDwell();
      else visibleSince = now();
    });
  const onPageHide = () => guard(reportDwell);

  const observer =
    typeof MutationObserver !== 'undefined'
      ? new MutationObserver((records) => {
          if (records.some((r) => Array.from(r.addedNodes).some((n) => (n as Element).matches?.(LD_SELECTOR) || (n as Element).querySelector?.(LD_SELECTOR)))) scan();
        })
      : undefined;

  win.addEventListener('popstate', checkNavigation);
  win.addEventListener('hashchange', checkNavigation);
  doc.addEventListener('visibilitychange', onVisibility);
  win.addEventListener('pagehide', onPageHide);
  observer?.observe(doc.documentElement, { childList: true, subtree: true });
  enterPage();
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', scan, { once: true });

  return () => {
    if (history.pushState !== origPush) history.pushState = origPush;
    if (history.replaceState !== origReplace) history.replaceState = origReplace;
    win.removeEventListener('popstate', checkNavigation);
    win.removeEventListener('hashchange', checkNavigation);
    doc.removeEventListener('visibilitychange', onVisibility);
    win.removeEventListener('pagehide', onPageHide);
    observer?.disconnect();
  };
}
