/**
 * Page-level capture: a page_view on start, on every SPA navigation and on a return from the
 * back/forward cache; product_view from schema.org Product JSON-LD on each page, including blocks
 * an SPA inserts or rewrites later; visible time per page (`dwell`) from the Page Visibility API,
 * reported when the page is hidden or left.
 *
 * What is a new page: a change of path (`pushState`, `replaceState`, back/forward, the Navigation
 * API's `navigation.navigate()` intercepted by an SPA router), a change of
 * hash route (`#/…`, `#!/…`, up to its `?`), or a change of query string, the hash route's
 * included, that makes a history entry (`pushState`, back/forward: `?page=2` is another page of
 * results). A query change by `replaceState` is the same page updating its address (a variant
 * pick `?variant=2` or `#/p/a?variant=2`, tracking parameters stripped) and a plain anchor
 * (`#reviews`) is no navigation either.
 *
 * Which JSON-LD belongs to which page: each `<script type="application/ld+json">` is read once
 * per text it holds. A navigation does not re-read blocks already read with their current text:
 * those belong to the page being left, even while the SPA has not removed them yet. Blocks added
 * or rewritten after the last read count for the page shown when they are read, whether the SPA
 * renders before it calls `pushState` (same task) or after it (same task or later). So each
 * product shown gets one product_view; a product whose block an SPA renders again as a new
 * element after navigating is shown again. A page restored from the back/forward cache reads
 * all its blocks afresh. A block that does not parse while the document is still loading may be
 * half-streamed: it is read again at DOMContentLoaded; invalid JSON-LD after that is reported
 * through `error` once per text.
 *
 * A page the browser prerenders (speculation rules, the address bar's prediction) may never be
 * shown: nothing is recorded while `document.prerendering` is true, and the page is entered
 * (its page_view and products) when it is activated (`prerenderingchange`).
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

/** How the address changed: a new history entry, the current one rewritten, or back/forward. */
export type NavigationKind = 'push' | 'replace' | 'traverse';

/** True when going from `from` to `to` by `kind` shows a new page (see the module comment). */
export function isNewPage(from: string, to: string, kind: NavigationKind): boolean {
  // the path with the hash route (`#/…`, `#!/…`) up to its `?`; then, unless the entry is only
  // rewritten, the query and the hash route's query (no route: both undefined, the same for both)
  const page = (url: string) => {
    const u = new URL(url);
    const [, route, query] = /^(#!?\/[^?]*)(.*)|/.exec(u.hash)!;
    return u.pathname + route + (kind === 'replace' ? '' : u.search + '#' + query);
  };
  return page(from) !== page(to);
}

/** Stopped hunch wrappers still in a history method's chain, each to the method it calls. */
const passThrough = new WeakMap<object, History['pushState']>();

/**
 * Wraps `history[name]` so that `onCall` hears each call after it ran; returns the unwrap. The
 * wrapper is made here, outside any capture's scope, and holds `onCall` only until unwrapped: one
 * that another script wrapped over since cannot come out of the chain, so it only passes calls
 * through and keeps nothing of the stopped capture. Unwrapping the top wrapper also skips the
 * stopped ones below it, so captures stopped in any order leave no chain behind.
 */
function wrapHistory(history: History, name: 'pushState' | 'replaceState', onCall: () => void): () => void {
  const orig = history[name];
  let hear: (() => void) | undefined = onCall;
  const wrapper = function (this: History, ...args: Parameters<History['pushState']>) {
    const r = orig.apply(this, args);
    hear?.();
    return r;
  };
  history[name] = wrapper;
  return () => {
    hear = undefined;
    if (history[name] !== wrapper) return void passThrough.set(wrapper, orig);
    let below = orig;
    for (let next = passThrough.get(below); next; next = passThrough.get(below)) below = next;
    history[name] = below;
  };
}

/**
 * Starts navigation capture on `win`; returns a function that stops it. History methods are
 * wrapped; stopping puts the originals back unless another script wrapped them since, in which
 * case hunch's wrappers stay in its chain, only pass calls through and hold nothing of the
 * stopped capture.
 */
export function captureNavigation(win: Window, sink: NavigationSink, now: () => number = () => Date.now()): () => void {
  const doc = win.document;
  const history = win.history;
  let url = win.location.href;
  let seen = new Set<string>(); // product ids reported for the current page
  let read = new WeakMap<Element, string>(); // each block's text when it was last read
  /** Now, when the page is visible: where its visible time starts counting. */
  const visibleNow = () => (doc.visibilityState === 'visible' ? now() : undefined);
  let visibleSince = visibleNow();
  let dwellMs = 0;
  let stopped = false;

  const guard = (fn: () => void) => {
    try {
      if (!stopped && !(doc as Document & { prerendering?: boolean }).prerendering) fn();
    } catch (err) {
      sink.error(err);
    }
  };

  /** Reads the blocks `els` whose text is new (each is watched from then on: `blocks`). */
  const readBlocks = (els: Iterable<Element>) =>
    guard(() => {
      for (const el of els) {
        visited.add(el);
        // its text replaced or edited in place (again: observing a node twice only renews the options)
        blocks?.observe(el, { childList: true, characterData: true, subtree: true });
        const text = el.textContent ?? '';
        if (read.get(el) === text || !text.trim()) continue;
        let invalid: unknown;
        const products = productsFromJsonLd(text, (err) => (invalid = err));
        // a block still streaming in is read again once the document is parsed
        if (invalid !== undefined && doc.readyState === 'loading') continue;
        read.set(el, text);
        if (invalid !== undefined) sink.error(new SyntaxError(`hunch capture: invalid JSON-LD (${(invalid as Error)?.message})`));
        for (const p of products) {
          if (seen.has(p.itemId)) continue;
          seen.add(p.itemId);
          sink.productView(p);
        }
      }
    });
  const scan = () => readBlocks(doc.querySelectorAll(LD_SELECTOR));

  const reportDwell = () => {
    if (visibleSince !== undefined) {
      dwellMs += now() - visibleSince;
      visibleSince = visibleNow();
    }
    if (dwellMs >= MIN_DWELL_MS) sink.dwell(url, dwellMs);
    dwellMs = 0;
  };

  const enterPage = () => {
    seen = new Set();
    sink.pageView(url);
    scan();
    // without MutationObserver, blocks an SPA renders right after navigating are read here
    win.setTimeout(scan, 0);
  };

  const navigated = (kind: NavigationKind) =>
    guard(() => {
      const next = win.location.href;
      const fresh = isNewPage(url, next, kind);
      if (fresh) reportDwell(); // for the page being left
      url = next;
      if (!fresh) return;
      visibleSince = visibleNow();
      enterPage();
    });

  const unwrapPush = wrapHistory(history, 'pushState', () => navigated('push'));
  const unwrapReplace = wrapHistory(history, 'replaceState', () => navigated('replace'));

  const onTraverse = () => navigated('traverse');
  // the Navigation API: `navigation.navigate()` with `intercept()` changes the address without
  // pushState or popstate. Its currententrychange also fires for history calls, back/forward and
  // hash changes, which then find the address already taken (no second page view).
  const nav = (win as Window & { navigation?: EventTarget }).navigation;
  const onEntry = (ev: Event) => navigated((ev as Event & { navigationType?: string }).navigationType === 'replace' ? 'replace' : 'push');
  const onVisibility = () =>
    guard(() => {
      if (doc.visibilityState === 'hidden') reportDwell();
      else visibleSince = now();
    });
  const onPageHide = () => guard(reportDwell);
  const onPageShow = (ev: PageTransitionEvent) =>
    guard(() => {
      if (!ev.persisted) return;
      // restored from the back/forward cache: the shopper sees the page again
      visibleSince = visibleNow();
      read = new WeakMap();
      enterPage();
    });

  // What a mutation means for JSON-LD, without looking at the page's records (a renderer that
  // appends 50k nodes one by one makes 50k of them): a block in the page that has not been read
  // yet, found in the live list of scripts, is read (only the new ones: while the page parses,
  // the parser's checkpoint after every </script> would otherwise read every block so far again);
  // a change inside a block read before comes from the blocks' own observer, and a block changed
  // while out of the page is read again when it comes back.
  const visited = new WeakSet<Element>();
  const scripts = doc.getElementsByTagName('script');
  const Observer = typeof MutationObserver !== 'undefined' ? MutationObserver : undefined;
  const blocks =
    Observer &&
    new Observer((records) =>
      // each changed block (read again if it is in the page, forgotten until it comes back if not);
      // a block twice in the list is read once (its text is read already the second time)
      readBlocks(records.map((r) => (r.target.nodeName === 'SCRIPT' ? r.target : r.target.parentNode) as Element).filter((el) => (el?.isConnected ? el.matches(LD_SELECTOR) : (visited.delete(el), false)))),
    );
  const observer = Observer && new Observer(() => readBlocks([...scripts].filter((el) => !visited.has(el) && el.matches(LD_SELECTOR))));

  win.addEventListener('popstate', onTraverse);
  win.addEventListener('hashchange', onTraverse);
  nav?.addEventListener('currententrychange', onEntry);
  doc.addEventListener('visibilitychange', onVisibility);
  win.addEventListener('pagehide', onPageHide);
  win.addEventListener('pageshow', onPageShow);
  // childList: blocks added; their text, replaced or edited in place, is watched on each block
  // that scan() finds, not across the document (every text edit would cost a record)
  observer?.observe(doc.documentElement, { childList: true, subtree: true });
  // a prerendered page is entered when the shopper is shown it (listeners are in place already,
  // in the same order as on any page, so its last dwell is still recorded before the spill)
  const activate = () =>
    guard(() => {
      url = win.location.href;
      visibleSince = visibleNow();
      enterPage();
    });
  doc.addEventListener('prerenderingchange', activate, { once: true });
  activate();
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', scan, { once: true });

  return () => {
    stopped = true;
    unwrapPush();
    unwrapReplace();
    win.removeEventListener('popstate', onTraverse);
    win.removeEventListener('hashchange', onTraverse);
    nav?.removeEventListener('currententrychange', onEntry);
    doc.removeEventListener('visibilitychange', onVisibility);
    win.removeEventListener('pagehide', onPageHide);
    win.removeEventListener('pageshow', onPageShow);
    doc.removeEventListener('prerenderingchange', activate);
    doc.removeEventListener('DOMContentLoaded', scan);
    observer?.disconnect();
    blocks?.disconnect();
  };
}
