/**
 * Real-Chromium tests of auto-capture: which JSON-LD product belongs to which page across SPA
 * navigations (both render orders, at once and later), blocks rewritten in place or streamed in
 * two network chunks, the Navigation API (navigate + intercept), query-only address changes, returns from the back/forward cache, label
 * clicks, marked elements in shadow roots, light-DOM forms slotted into one, and dispose() next
 * to another history wrapper.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchBrowser, openPage, serve } from './harness';
import { browser, server, useBrowser } from './setup';

useBrowser();

type Ev = { type: string; itemId?: string; price?: number; url?: string; query?: string };
type W = { hunch: { ready: Promise<unknown>; flush(): Promise<void>; export(): Promise<{ events: Ev[] }> }; renderReplace(sku: string | null): void; renderText(sku: string): void };

const SPA = '/test/browser/fixtures/capture/spa.html';

/** The page's stored page and product views (and clicks), as "type item" lines in order. */
async function recorded(page: Page): Promise<string[]> {
  const events = await page.evaluate(async () => {
    const h = (window as unknown as W).hunch;
    await h.ready;
    await h.flush();
    return (await h.export()).events;
  });
  return events.filter((e) => e.type !== 'dwell').map((e) => (e.type === 'page_view' ? `page ${new URL(e.url!).pathname}${new URL(e.url!).search}` : `${e.type} ${e.itemId}`));
}

async function spaPage(): Promise<Page & { errors: string[] }> {
  const page = await openPage(await browser.newContext(), `${server.url}${SPA}`);
  await page.evaluate(() => (window as unknown as W).hunch.ready);
  await page.waitForTimeout(50);
  expect(await recorded(page)).toEqual([`page ${SPA}`, 'product_view A']);
  return page;
}

describe('JSON-LD products across SPA navigation', () => {
  it.each([
    ['pushState, then render (same task)', () => (history.pushState({}, '', '/shop/b'), (window as unknown as W).renderReplace('B'))],
    ['render, then pushState (same task)', () => ((window as unknown as W).renderReplace('B'), history.pushState({}, '', '/shop/b'))],
    ['pushState, render 50 ms later', () => (history.pushState({}, '', '/shop/b'), setTimeout(() => (window as unknown as W).renderReplace('B'), 50))],
    ['render, pushState 50 ms later', () => ((window as unknown as W).renderReplace('B'), setTimeout(() => history.pushState({}, '', '/shop/b'), 50))],
    ['pushState, rewrite the same <script> 50 ms later', () => (history.pushState({}, '', '/shop/b'), setTimeout(() => (window as unknown as W).renderText('B'), 50))],
  ])('%s: one product_view for the product shown, none again for the previous one', async (_, go) => {
    const page = await spaPage();
    await page.evaluate(go);
    await page.waitForTimeout(150);
    const after = (await recorded(page)).slice(2);
    expect(after.filter((l) => l.startsWith('product_view'))).toEqual(['product_view B']);
    expect(after).toContain('page /shop/b');
    expect(page.errors).toEqual([]);
    await page.context().close();
  });

  it('navigation.navigate() intercepted by the router (no pushState) is one page view with its product; a later pushState is not counted twice', async () => {
    const page = await spaPage();
    await page.evaluate(async () => {
      type Nav = EventTarget & { navigate(url: string): { finished: Promise<unknown> } };
      type NavigateEvent = Event & { intercept(o: { handler(): Promise<void> }): void };
      const nav = (window as unknown as { navigation: Nav }).navigation;
      // (the router's listener also hears history.pushState, so it intercepts only its own navigation)
      nav.addEventListener('navigate', (e) => (e as NavigateEvent).intercept({ handler: async () => (window as unknown as W).renderReplace('B') }), { once: true });
      await nav.navigate('/shop/b').finished;
      history.pushState({}, '', '/shop/c');
    });
    await page.waitForTimeout(100);
    expect((await recorded(page)).slice(2)).toEqual(['page /shop/b', 'product_view B', 'page /shop/c']);
    expect(page.errors).toEqual([]);
    await page.context().close();
  });

  it('a page without JSON-LD gets no product_view, even while the old block is still in the DOM', async () => {
    const page = await spaPage();
    await page.evaluate(() => (history.pushState({}, '', '/shop/cart'), setTimeout(() => (window as unknown as W).renderReplace(null), 50)));
    await page.waitForTimeout(100);
    expect((await recorded(page)).slice(2)).toEqual(['page /shop/cart']);
    await page.context().close();
  });

  it('a variant pick or tracking-parameter strip by replaceState is no new page; pushState ?page=2 is, without a second product_view', async () => {
    const page = await spaPage();
    await page.evaluate(async () => {
      for (const v of [2, 3]) history.replaceState({}, '', `?variant=${v}`);
      history.replaceState({}, '', location.pathname);
      await new Promise((r) => setTimeout(r, 30));
      history.pushState({}, '', '?page=2');
    });
    await page.waitForTimeout(50);
    expect((await recorded(page)).slice(2)).toEqual([`page ${SPA}?page=`]);
    await page.context().close();
  });
});

describe('JSON-LD streamed in two network chunks', () => {
  it('a block split across chunks 400 ms apart is read once complete, with no capture error', async () => {
    const ld = '{"@context":"https://schema.org","@type":"Product","sku":"STREAM-1","offers":{"@type":"Offer","price":"42,00"}}';
    // the page streams from this server; its /dist/ files are the build's, on the same origin
    const stream: Server = createServer(async (req, res) => {
      if (req.url?.startsWith('/dist/')) {
        const body = await readFile(new URL(`../..${req.url.split('?')[0]}`, import.meta.url)).catch(() => undefined);
        res.writeHead(body ? 200 : 404, { 'content-type': 'text/javascript' }).end(body);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.write(`<!doctype html><html><head><script src="/dist/hunch.iife.js" data-db-name="stream" data-model="off"></script></head><body><h1>Product</h1>${' '.repeat(4096)}<script type="application/ld+json">${ld.slice(0, 40)}`);
      await new Promise((r) => setTimeout(r, 400));
      res.end(`${ld.slice(40)}</script><p>rest</p></body></html>`);
    });
    await new Promise<void>((r) => stream.listen(0, '127.0.0.1', () => r()));
    try {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.addInitScript(() => {
        const w = window as unknown as { problems: string[] };
        w.problems = [];
        // the script tag's instance is there once its script ran: listen from then on
        const t = setInterval(() => {
          const h = (window as unknown as { hunch?: { on(n: string, cb: (p: { code: string }) => void): void } }).hunch;
          if (!h) return;
          clearInterval(t);
          h.on('error', (p) => w.problems.push(p.code));
        }, 1);
      });
      await page.goto(`http://127.0.0.1:${(stream.address() as { port: number }).port}/`);
      await page.waitForTimeout(100);
      const events = await page.evaluate(async () => {
        const h = (window as unknown as W).hunch;
        await h.flush();
        return (await h.export()).events.filter((e) => e.type === 'product_view');
      });
      expect(events).toMatchObject([{ itemId: 'STREAM-1', price: 42 }]);
      expect(await page.evaluate(() => (window as unknown as { problems: string[] }).problems)).toEqual([]);
      await ctx.close();
    } finally {
      stream.close();
    }
  });
});

describe('back/forward cache', () => {
  it('a page restored from the back/forward cache records a page_view and its product_view again', async () => {
    const bfcBrowser = await launchBrowser([], { backForwardCache: true });
    // Chromium does not cache a page whose responses said no-store
    const cached = await serve(() => ({ 'cache-control': 'no-cache' }));
    try {
      const page = await openPage(await bfcBrowser.newContext(), `${cached.url}${SPA}`);
      await page.evaluate(() => (window as unknown as W).hunch.ready);
      await page.waitForTimeout(50);
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
      await page.goto(`${cached.url}/test/browser/fixtures/empty.html`);
      await page.goBack({ waitUntil: 'commit' }); // a page restored from the cache fires no load event
      await page.waitForFunction(() => (window as unknown as { hunch?: unknown }).hunch !== undefined);
      await page.waitForTimeout(200);
      // the same document came back (a fresh load would not have the marker)
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
      expect(await recorded(page)).toEqual([`page ${SPA}`, 'product_view A', `page ${SPA}`, 'product_view A']);
    } finally {
      await bfcBrowser.close();
      await cached.close();
    }
  });
});

describe('clicks', () => {
  it('one click on a marked <label> is one event, not two; a marked button in an open shadow root is recorded', async () => {
    const page = await spaPage();
    await page.click('#gift-text');
    await page.click('#shadow-add span');
    await page.waitForTimeout(50);
    expect((await recorded(page)).slice(2)).toEqual(['add_to_cart GIFTWRAP', 'add_to_cart SHADOW-1']);
    await page.context().close();
  });

  it('a search form in an open shadow root is recorded on submit, by its button or by Enter in its field', async () => {
    const page = await spaPage();
    await page.click('#shadow-go');
    await page.click('#shadow-q');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(50);
    const searches = await page.evaluate(async () => {
      const h = (window as unknown as W).hunch;
      await h.flush();
      return (await h.export()).events.filter((e) => e.type === 'search').map((e) => e.query);
    });
    expect(searches).toEqual(['cups', 'cups']);
    await page.context().close();
  });

  it('a light-DOM form slotted into an open shadow root is recorded once per submit, not by the root and the document both', async () => {
    const page = await spaPage();
    await page.evaluate(() => {
      const host = document.createElement('my-card');
      host.innerHTML =
        '<form data-hunch-event="search" onsubmit="event.preventDefault()"><input type="search" value="red mug"><button id="slot-go">Go</button></form>' +
        '<form data-hunch-event="add_to_cart" data-hunch-item="SLOT-1" data-hunch-price="19.90" onsubmit="event.preventDefault()"><button id="slot-add">Add</button></form>';
      document.body.append(host);
      host.attachShadow({ mode: 'open' }).innerHTML = '<div><slot></slot></div>';
    });
    await page.click('#slot-go');
    await page.click('#slot-add');
    await page.waitForTimeout(50);
    const events = await page.evaluate(async () => {
      const h = (window as unknown as W).hunch;
      await h.flush();
      return (await h.export()).events.filter((e) => e.type === 'search' || e.type === 'add_to_cart').map((e) => `${e.type} ${e.query ?? e.itemId}`);
    });
    expect(events).toEqual(['search red mug', 'add_to_cart SLOT-1']);
    await page.context().close();
  });
});

describe('dispose()', () => {
  it('leaves a history wrapper another script added after hunch in place (and it keeps working)', async () => {
    const page = await spaPage();
    const out = await page.evaluate(async () => {
      const h = (window as unknown as { hunch: { dispose(): Promise<void> } }).hunch;
      const inner = history.pushState;
      let calls = 0;
      const theirs = function (this: History, ...args: Parameters<History['pushState']>) {
        calls++;
        return inner.apply(this, args);
      };
      history.pushState = theirs;
      await h.dispose();
      const kept = history.pushState === theirs;
      history.pushState({}, '', '/after-dispose');
      return { kept, calls, path: location.pathname };
    });
    expect(out).toEqual({ kept: true, calls: 1, path: '/after-dispose' });
    expect(page.errors).toEqual([]);
    await page.context().close();
  });
});
