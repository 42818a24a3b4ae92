/**
 * Navigation capture in happy-dom, with a recording sink: which JSON-LD product belongs to which
 * page across SPA navigations, what counts as a new page, back/forward-cache returns, and
 * dispose() next to other history wrappers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureNavigation, isNewPage } from '../../src/capture/navigation';

const LD = (sku: string) => JSON.stringify({ '@context': 'https://schema.org', '@type': 'Product', sku, offers: { price: '10' } });
const tick = () => new Promise((r) => setTimeout(r, 5));

let log: string[];
let errors: string[];
let stop: () => void;

/** Replaces the page's JSON-LD with one block for `sku` (none for null), as an SPA re-render does. */
function render(sku: string | null) {
  document.getElementById('ld')?.remove();
  if (!sku) return;
  const s = document.createElement('script');
  s.type = 'application/ld+json';
  s.id = 'ld';
  s.textContent = LD(sku);
  document.body.append(s);
}

function start() {
  stop = captureNavigation(window, {
    pageView: (url) => log.push('page ' + new URL(url).pathname + new URL(url).search),
    productView: (p) => log.push('product ' + p.itemId),
    dwell: () => {},
    error: (e) => errors.push(String((e as Error).message)),
  });
}

beforeEach(async () => {
  history.replaceState({}, '', '/p/a');
  log = [];
  errors = [];
  document.body.innerHTML = '';
  render('A');
  start();
  await tick();
  expect(log).toEqual(['page /p/a', 'product A']);
  log.length = 0;
});
afterEach(() => stop());

describe('JSON-LD products per page across SPA navigation', () => {
  it.each([
    ['push, then render in the same task', () => (history.pushState({}, '', '/p/b'), render('B'))],
    ['render, then push in the same task', () => (render('B'), history.pushState({}, '', '/p/b'))],
    ['push, then rewrite the same <script> in the same task', () => (history.pushState({}, '', '/p/b'), (document.getElementById('ld')!.textContent = LD('B')))],
  ])('%s: one product_view, for the new product only', async (_, go) => {
    go();
    await tick();
    expect(log).toEqual(['page /p/b', 'product B']);
  });

  it.each([
    ['push, render 20 ms later', async () => (history.pushState({}, '', '/p/b'), await tick(), render('B'))],
    ['push, rewrite the text node 20 ms later', async () => (history.pushState({}, '', '/p/b'), await tick(), ((document.getElementById('ld')!.firstChild as Text).data = LD('B')))],
    ['render, push 20 ms later', async () => (render('B'), await tick(), history.pushState({}, '', '/p/b'))],
  ])('%s: one product_view for the new product, none again for the old', async (_, go) => {
    await go();
    await tick();
    expect(log.filter((l) => l.startsWith('product'))).toEqual(['product B']);
    expect(log).toContain('page /p/b');
  });

  it('a page without JSON-LD reports no product, even before the SPA removes the old block', async () => {
    history.pushState({}, '', '/cart');
    await tick();
    render(null);
    await tick();
    expect(log).toEqual(['page /cart']);
  });

  it('a block rewritten in place on the same page is read again; the same product is not reported twice', async () => {
    const ld = document.getElementById('ld')!;
    ld.textContent = LD('A').replace('"10"', '"12"');
    await tick();
    expect(log).toEqual([]);
    ld.textContent = JSON.stringify([JSON.parse(LD('A')), JSON.parse(LD('A2'))]);
    await tick();
    expect(log).toEqual(['product A2']);
  });

  it('invalid JSON-LD is reported once per text; a block being written (empty) is not', async () => {
    const s = document.createElement('script');
    s.type = 'application/ld+json';
    document.body.append(s);
    await tick();
    expect(errors).toEqual([]);
    s.textContent = '{"@type":"Product","sku":"X",}';
    await tick();
    document.body.append(document.createElement('div'));
    await tick();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/invalid JSON-LD/);
    s.textContent = '<!-- {"@type":"Product","sku":"X"} -->';
    await tick();
    expect(log).toEqual(['product X']);
  });
});

describe('what counts as a new page', () => {
  it.each([
    ['/p/a', '/p/a?variant=2', 'replace', false],
    ['/p/a?utm_source=x', '/p/a', 'replace', false],
    ['/p/a', '/p/a#reviews', 'push', false],
    ['/p/a', '/p/a', 'push', false],
    ['/c/shoes', '/c/shoes?page=2', 'push', true],
    ['/c/shoes?page=2', '/c/shoes', 'traverse', true],
    ['/p/a', '/p/b', 'replace', true],
    ['/#/a', '/#/b', 'traverse', true],
    ['/#!/a', '/#!/b?x=1', 'replace', true],
    // a hash route's query is a query: a variant pick by replaceState is the same page
    ['/#!/a', '/#!/a?x=1', 'replace', false],
    ['/#/p/a?variant=2', '/#/p/a?variant=3', 'replace', false],
    ['/#/c/shoes', '/#/c/shoes?page=2', 'push', true],
    ['/#/c/shoes?page=2', '/#/c/shoes', 'traverse', true],
  ] as const)('%s → %s by %s: %s', (from, to, kind, expected) => {
    expect(isNewPage('https://shop.example' + from, 'https://shop.example' + to, kind)).toBe(expected);
  });

  it('variant picks and tracking-parameter stripping by replaceState record nothing', async () => {
    for (const v of [2, 3]) history.replaceState({}, '', `/p/a?variant=${v}`);
    history.replaceState({}, '', '/p/a');
    await tick();
    expect(log).toEqual([]);
  });

  it('on a hash-routed SPA too: a variant pick by replaceState records nothing', async () => {
    history.pushState({}, '', '/#/p/a');
    await tick();
    log.length = 0;
    history.replaceState({}, '', '/#/p/a?variant=2');
    await tick();
    expect(log).toEqual([]);
  });

  it('pushState to the next page of results is a page view without a second product_view', async () => {
    history.pushState({}, '', '/p/a?page=2');
    await tick();
    expect(log).toEqual(['page /p/a?page=2']);
  });
});

describe('back/forward cache and dispose', () => {
  it('a return from the back/forward cache is a page view with its products', async () => {
    const ev = new Event('pageshow') as PageTransitionEvent;
    Object.defineProperty(ev, 'persisted', { value: true });
    window.dispatchEvent(ev);
    window.dispatchEvent(new Event('pageshow')); // a normal load: nothing more
    await tick();
    expect(log).toEqual(['page /p/a', 'product A']);
  });

  it('dispose() leaves a wrapper another script added later in place, and stops recording through it', async () => {
    const ours = history.pushState;
    let calls = 0;
    const theirs = function (this: History, ...args: Parameters<History['pushState']>) {
      calls++;
      return ours.apply(this, args);
    };
    history.pushState = theirs;
    stop();
    expect(history.pushState).toBe(theirs);
    history.pushState({}, '', '/p/c');
    expect(calls).toBe(1);
    expect(location.pathname).toBe('/p/c');
    await tick();
    expect(log).toEqual([]);
    history.pushState = History.prototype.pushState;
  });

  it('dispose() restores history methods nobody else wrapped', () => {
    stop();
    expect(history.pushState).toBe(History.prototype.pushState);
    expect(history.replaceState).toBe(History.prototype.replaceState);
  });
});

describe('a prerendered page', () => {
  it('records nothing while prerendering, and enters the page (page_view, products) when it is shown', async () => {
    stop();
    const doc = document as Document & { prerendering?: boolean };
    Object.defineProperty(doc, 'prerendering', { configurable: true, value: true });
    try {
      history.replaceState({}, '', '/p/pre');
      render('P');
      start();
      await tick();
      render('Q'); // an SPA render while prerendering
      await tick();
      expect(log).toEqual([]);
      Object.defineProperty(doc, 'prerendering', { configurable: true, value: false });
      doc.dispatchEvent(new Event('prerenderingchange'));
      await tick();
      expect(log).toEqual(['page /p/pre', 'product Q']);
    } finally {
      delete (doc as { prerendering?: boolean }).prerendering;
    }
  });
});

describe('what the mutation observer watches', () => {
  it('text edits outside JSON-LD cost nothing: characterData is watched on the blocks only, and an edit there is still read', async () => {
    stop();
    const observe = vi.spyOn(MutationObserver.prototype, 'observe');
    try {
      start();
      await tick();
      for (const [target, opts] of observe.mock.calls) if (opts?.characterData) expect((target as Element).matches?.('script[type="application/ld+json"]')).toBe(true);
      expect(observe).toHaveBeenCalledWith(document.documentElement, { childList: true, subtree: true });
    } finally {
      observe.mockRestore();
    }
    log.length = 0;
    (document.getElementById('ld')!.firstChild as Text).data = LD('C');
    await tick();
    expect(log).toEqual(['product C']);
  });
});

describe('the Navigation API', () => {
  it('navigation.navigate() intercepted by a router (no pushState, no popstate) is a page view; history calls it also reports are not counted twice', async () => {
    stop();
    const raw = history.pushState.bind(history); // the address changes the way the browser commits an intercepted navigation
    const nav = new EventTarget();
    const entry = (navigationType: string) => nav.dispatchEvent(Object.assign(new Event('currententrychange'), { navigationType }));
    Object.defineProperty(window, 'navigation', { configurable: true, value: nav });
    try {
      start();
      await tick();
      log.length = 0;
      raw({}, '', '/p/b');
      entry('push');
      render('B');
      await tick();
      expect(log).toEqual(['page /p/b', 'product B']);
      // a real browser fires currententrychange inside pushState too: one page view, not two
      history.pushState({}, '', '/p/c');
      entry('push');
      // a query rewritten by an intercepted replace is the same page, as with replaceState
      raw({}, '', '/p/c?variant=2');
      entry('replace');
      await tick();
      expect(log).toEqual(['page /p/b', 'product B', 'page /p/c']);
      stop();
      raw({}, '', '/p/d');
      entry('push');
      expect(log).toEqual(['page /p/b', 'product B', 'page /p/c']);
    } finally {
      stop = () => {};
      delete (window as { navigation?: EventTarget }).navigation;
    }
  });
});

describe('what a render costs the observer', () => {
  it('nodes appended one by one (one record each) are not searched one by one; a JSON-LD block among them is still read', async () => {
    const search = vi.spyOn(Element.prototype, 'querySelector');
    try {
      const list = document.createElement('ul');
      document.body.append(list);
      for (let i = 0; i < 500; i++) list.append(document.createElement('li'));
      await tick();
      expect(search.mock.calls.length).toBeLessThan(10); // 500 on the old code: one search per added node
    } finally {
      search.mockRestore();
    }
    const s = document.createElement('script');
    s.type = 'application/ld+json';
    s.textContent = LD('N');
    document.querySelector('ul')!.append(s);
    await tick();
    expect(log).toEqual(['product N']);
  });
});

describe('a page still parsing', () => {
  it('blocks the parser adds are read as they come, each once: not every block so far again at every </script>', async () => {
    stop();
    let state: DocumentReadyState = 'loading';
    Object.defineProperty(document, 'readyState', { configurable: true, get: () => state });
    const scans = vi.spyOn(document, 'querySelectorAll');
    try {
      start();
      await tick();
      const atStart = scans.mock.calls.length;
      log.length = 0;
      for (let i = 0; i < 20; i++) {
        const s = document.createElement('script');
        s.type = 'application/ld+json';
        s.textContent = LD(`P${i}`);
        document.body.append(s);
        await Promise.resolve(); // the parser's microtask checkpoint after each </script>
      }
      await tick();
      expect(scans.mock.calls.length - atStart).toBe(0); // 20 scans on the old code, each reading every block so far
      expect(log).toEqual(Array.from({ length: 20 }, (_, i) => `product P${i}`)); // shown while the page still parses
      state = 'interactive';
      document.dispatchEvent(new Event('DOMContentLoaded'));
      await tick();
      expect(log).toHaveLength(20);
    } finally {
      scans.mockRestore();
      delete (document as { readyState?: DocumentReadyState }).readyState;
    }
  });
});

describe('a block an SPA keeps and rewrites', () => {
  it('rewritten while out of the page, it is read when it comes back', async () => {
    const block = document.getElementById('ld')!;
    block.remove();
    history.pushState({}, '', '/p/b');
    block.textContent = LD('B');
    await tick();
    document.body.append(block);
    await tick();
    expect(log).toEqual(['page /p/b', 'product B']);
  });

  it('streamed into the page while it parses (SSR), a product shown and replaced before DOMContentLoaded is recorded on its own page', async () => {
    stop();
    let state: DocumentReadyState = 'loading';
    Object.defineProperty(document, 'readyState', { configurable: true, get: () => state });
    try {
      start();
      await tick();
      log.length = 0;
      render('S1');
      await tick();
      history.pushState({}, '', '/p/2');
      render('S2');
      await tick();
      expect(log).toEqual(['product S1', 'page /p/2', 'product S2']);
    } finally {
      state = 'complete';
      delete (document as { readyState?: DocumentReadyState }).readyState;
    }
  });
});

describe('what the blocks\' observer reads', () => {
  it('only JSON-LD blocks: a text node edited in a block and moved into a <div> in the same task is not read as JSON-LD', async () => {
    const block = document.getElementById('ld')!;
    const text = block.firstChild as Text;
    text.data = LD('D');
    const div = document.createElement('div');
    document.body.append(div);
    div.append(text);
    await tick();
    expect(log).toEqual([]); // 'product D' on the old code: the <div> was read (and watched) as a block
  });
});
