/**
 * Real-Chromium tests of the foundation: the script tag on a plain page, durability across
 * reload and unload, concurrent tabs, and forget().
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { countStored, databases, launchBrowser, openPage, readDatabase, serve } from './harness';
import { browser, server, useBrowser } from './setup';

useBrowser();

type W = { hunch: { ready: Promise<unknown>; export(): Promise<{ events: { id: string; type: string; itemId?: string; price?: number }[]; storage: string }>; flush(): Promise<void>; forget(): Promise<void>; track(t: string, p?: object): void; storage?: string } };

describe('script tag on a plain page', () => {
  it('defines only `hunch` and records page_view, JSON-LD product_view and add_to_cart into IndexedDB', async () => {
    const ctx = await browser.newContext();
    const page = await openPage(ctx, `${server.url}/test/browser/fixtures/empty.html`);
    const before = await page.evaluate(() => Object.keys(window));
    await page.goto(`${server.url}/test/browser/fixtures/plain.html`);
    await page.evaluate(() => (window as unknown as W).hunch.ready);
    await page.click('#add');
    const data = await page.evaluate(async () => {
      const h = (window as unknown as W).hunch;
      await h.flush();
      return h.export();
    });
    const after = await page.evaluate(() => Object.keys(window));
    expect(after.filter((k) => !before.includes(k))).toEqual(['hunch']);
    expect(data.storage).toBe('indexeddb');
    expect(data.events.map((e) => e.type)).toEqual(['page_view', 'product_view', 'add_to_cart']);
    expect(data.events[1]).toMatchObject({ itemId: 'MUG-7', price: 12.5 });
    expect(data.events[2]).toMatchObject({ itemId: 'MUG-7', price: 12.5 });
    expect(await countStored(page, 'plain-test')).toMatchObject({ count: 3 });
    expect(page.errors).toEqual([]);
    await ctx.close();
  });

  it('takes calls made before ready (the global is the instance at once)', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.setContent('<p>x</p>');
    await page.goto(`${server.url}/test/browser/fixtures/empty.html`);
    const types = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.src = '/dist/hunch.iife.js';
      s.dataset.dbName = 'queue-test';
      s.dataset.autoCapture = 'false';
      await new Promise((r) => ((s.onload = r), document.head.append(s)));
      const h = (window as unknown as W).hunch;
      h.track('product_view', { itemId: 'early' }); // before ready
      await h.ready;
      await h.flush();
      return (await h.export()).events.map((e) => e.itemId);
    });
    expect(types).toEqual(['early']);
    await ctx.close();
  });
});

/**
 * Reopens the shop's page (a new hunch instance, as the shopper's next visit) and counts the
 * stored events whose itemId starts with `prefix`. A batch Chromium aborted while tearing the old
 * page down was spilled to localStorage on pagehide and is written by this load.
 */
async function reopenAndCount(ctx: BrowserContext, prefix: string) {
  const page = await openPage(ctx, `${server.url}/test/browser/fixtures/plain.html`);
  return page.evaluate(async (prefix) => {
    const h = (window as unknown as W).hunch;
    await h.ready;
    await h.flush();
    const ids = (await h.export()).events.filter((e) => e.itemId?.startsWith(prefix)).map((e) => e.id);
    return { count: ids.length, unique: new Set(ids).size, spillsLeft: Object.keys(localStorage).filter((k) => k.includes(':spill:')).length };
  }, prefix);
}

/** Tracks 200 product views named `<prefix><n>` and navigates away in the same task. */
async function trackAndLeave(page: Page, prefix: string) {
  await Promise.all([
    page.waitForURL('**/empty.html'),
    page.evaluate((prefix) => {
      const h = (window as unknown as W).hunch;
      for (let i = 0; i < 200; i++) h.track('product_view', { itemId: `${prefix}${i}` });
      location.href = '/test/browser/fixtures/empty.html';
    }, prefix),
  ]);
}

describe('durability', () => {
  it('events survive a reload', async () => {
    const ctx = await browser.newContext();
    const page = await openPage(ctx, `${server.url}/test/browser/fixtures/plain.html`);
    await page.evaluate(async () => {
      const h = (window as unknown as W).hunch;
      await h.ready;
      for (let i = 0; i < 50; i++) h.track('product_view', { itemId: `r${i}` });
      await h.flush();
    });
    await page.reload();
    const n = await page.evaluate(async () => {
      const h = (window as unknown as W).hunch;
      await h.ready;
      return (await h.export()).events.filter((e) => e.itemId?.startsWith('r')).length;
    });
    expect(n).toBe(50);
    await ctx.close();
  });

  it('200 events tracked in the task that navigates away are all stored', async () => {
    const ctx = await browser.newContext();
    const page = await openPage(ctx, `${server.url}/test/browser/fixtures/plain.html`);
    await page.evaluate(() => (window as unknown as W).hunch.ready);
    await trackAndLeave(page, 'u');
    expect(await reopenAndCount(ctx, 'u')).toEqual({ count: 200, unique: 200, spillsLeft: 0 });
    await ctx.close();
  });

  it('a batch whose transaction is still uncommitted when the page goes away is written by the next load', async () => {
    const ctx = await browser.newContext();
    // the first plain.html load: every readwrite transaction is kept from committing (commit()
    // ignored, a chain of reads keeps it alive), as when Chromium tears a page down before a
    // large batch's commit finished; the teardown then aborts them
    await ctx.addInitScript(() => {
      if (!location.pathname.endsWith('plain.html') || sessionStorage.getItem('held')) return;
      sessionStorage.setItem('held', '1');
      const transaction = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
        const tx = transaction.apply(this, args);
        if (tx.mode === 'readwrite' && (window as unknown as { hold?: boolean }).hold) {
          tx.commit = () => {};
          const store = tx.objectStore(tx.objectStoreNames[0]);
          const spin = () => (store.count().onsuccess = spin);
          spin();
        }
        return tx;
      };
    });
    const page = await openPage(ctx, `${server.url}/test/browser/fixtures/plain.html`);
    await page.evaluate(async () => {
      await (window as unknown as W).hunch.ready;
      await (window as unknown as W).hunch.flush();
      (window as unknown as { hold?: boolean }).hold = true;
    });
    await trackAndLeave(page, 'h');
    expect(await reopenAndCount(ctx, 'h')).toEqual({ count: 200, unique: 200, spillsLeft: 0 });
    await ctx.close();
  });

  it('a click captured and an event tracked while IndexedDB is still opening survive leaving the page at once, in the order made', async () => {
    const ctx = await browser.newContext();
    // a slow disk: every IndexedDB open takes 400 ms to start
    await ctx.addInitScript(() => {
      const open = IDBFactory.prototype.open;
      const started = performance.now();
      IDBFactory.prototype.open = function (this: IDBFactory, ...args: [string, number?]) {
        const wait = Math.max(0, 400 - (performance.now() - started));
        const req = open.apply(this, args);
        if (!location.pathname.endsWith('plain.html') || wait === 0) return req;
        // hold the success event back, as a slow open would (idb listens with addEventListener)
        const add = req.addEventListener.bind(req) as (t: string, l: EventListener, o?: unknown) => void;
        (req as unknown as { addEventListener: typeof add }).addEventListener = (type, listener, o) =>
          add(type, type === 'success' ? (e) => setTimeout(() => listener(e), wait) : listener, o);
        return req;
      };
    });
    const page = await openPage(ctx, `${server.url}/test/browser/fixtures/plain.html`);
    await Promise.all([
      page.waitForURL('**/empty.html'),
      page.evaluate(() => {
        // before hunch is ready: the global is already the instance, so the page's own track()
        // is written (or spilled) with the click, at the time it was made
        (window as unknown as W).hunch.track('product_view', { itemId: 'EARLY' });
        (document.getElementById('add') as HTMLElement).click();
        location.href = '/test/browser/fixtures/empty.html';
      }),
    ]);
    // the next hunch page of the origin writes what was spilled
    await page.goto(`${server.url}/test/browser/fixtures/plain.html`);
    const types = await page.evaluate(async () => {
      const h = (window as unknown as W).hunch;
      await h.ready;
      await h.flush();
      return (await h.export()).events.map((e) => (e.itemId === 'EARLY' ? 'early' : e.type));
    });
    expect(types.filter((t) => t === 'add_to_cart')).toHaveLength(1);
    expect(types.filter((t) => t === 'early')).toHaveLength(1);
    expect(types.indexOf('early')).toBeLessThan(types.indexOf('add_to_cart'));
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.includes(':spill:')))).toEqual([]);
    await ctx.close();
  });

  it('200 events tracked right before the tab closes are all stored', async () => {
    const ctx = await browser.newContext();
    const page = await openPage(ctx, `${server.url}/test/browser/fixtures/plain.html`);
    await page.evaluate(() => (window as unknown as W).hunch.ready);
    await page.evaluate(() => {
      const h = (window as unknown as W).hunch;
      for (let i = 0; i < 200; i++) h.track('product_view', { itemId: `c${i}` });
    });
    await page.close({ runBeforeUnload: true });
    expect(await reopenAndCount(ctx, 'c')).toEqual({ count: 200, unique: 200, spillsLeft: 0 });
    await ctx.close();
  });
});

/** The ESM fixture's window (`fixtures/esm.html`). */
type TabWindow = {
  t: { ready: Promise<{ track(t: string, p?: object): void; flush(): Promise<void>; forget(): Promise<void>; on(n: string, cb: () => void): void; intent(): Promise<{ events: number; reasons: { itemId?: string }[] }> }> };
  forgot: number;
};

describe('back/forward cache', () => {
  it('a page running hunch (storage, model worker, tab channel) is still restored from the back/forward cache', async () => {
    const bfcBrowser = await launchBrowser([], { backForwardCache: true });
    // Chromium does not cache a page whose own fetches (here the model files) received no-store:
    // this server says no-cache explicitly, as a store's would for its assets
    const cached = await serve(() => ({ 'cache-control': 'no-cache' }));
    try {
      /** Opens `url`, runs `work`, leaves for another page and comes back: was the page restored from the cache? */
      const restored = async (url: string, work?: (page: Page) => Promise<unknown>) => {
        const ctx = await bfcBrowser.newContext();
        const page = await ctx.newPage();
        await page.addInitScript(() => {
          const w = window as unknown as { shows: boolean[] };
          w.shows = [];
          addEventListener('pageshow', (e) => w.shows.push(e.persisted));
        });
        await page.goto(`${cached.url}${url}`);
        await work?.(page);
        await page.goto(`${cached.url}/test/browser/fixtures/empty.html?away`);
        await page.goBack({ waitUntil: 'commit' }); // a page restored from the cache fires no load event
        await page.waitForFunction(() => (window as unknown as { shows?: boolean[] }).shows?.length === 2 || document.readyState === 'complete');
        await page.waitForTimeout(200);
        const shows = await page.evaluate(() => (window as unknown as { shows: boolean[] }).shows);
        await ctx.close();
        return shows.includes(true);
      };
      // control: a page with an unload handler is not cached, so a false result is possible
      expect(await restored('/test/browser/fixtures/unload.html')).toBe(false);
      expect(await restored('/test/browser/fixtures/empty.html')).toBe(true);
      const busy = async (page: Page) =>
        page.evaluate(async () => {
          const h = await (window as unknown as TabWindow).t.ready;
          h.track('product_view', { itemId: 'a', price: 10 });
          h.track('add_to_cart', { itemId: 'a', price: 10 });
          await h.flush();
          await h.intent(); // the model loads, its worker starts
        });
      expect(await restored('/test/browser/fixtures/esm.html?db=bfcache-esm', busy)).toBe(true);
      expect(await restored('/test/browser/fixtures/plain.html', (page) => page.evaluate(() => (window as unknown as W).hunch.ready))).toBe(true);
    } finally {
      await bfcBrowser.close();
      await cached.close();
    }
  });
});

describe('concurrency and forget', () => {
  it('4 tabs × 1,000 events → exactly 4,000 stored, no duplicates, consistent sessions', async () => {
    const ctx = await browser.newContext();
    const url = `${server.url}/test/browser/fixtures/esm.html?db=tabs-test`;
    const pages = await Promise.all([0, 1, 2, 3].map(() => openPage(ctx, url)));
    await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as { t: { ready: Promise<unknown> } }).t.ready)));
    await Promise.all(
      pages.map((p, tab) =>
        p.evaluate(async (tab) => {
          const h = (window as unknown as { h: W['hunch'] }).h;
          for (let i = 0; i < 1000; i++) {
            h.track('product_view', { itemId: `tab${tab}-${i}` });
            if (i % 100 === 99) await new Promise((r) => setTimeout(r, 0)); // interleave batches across tabs
          }
          await h.flush();
        }, tab),
      ),
    );
    const stored = await countStored(pages[0], 'tabs-test');
    expect(stored).toMatchObject({ count: 4000, unique: 4000 });
    // every session summary matches its events, and the tabs agree on the current session
    const summary = await pages[0].evaluate(async () => {
      const h = (window as unknown as { h: { export(): Promise<{ events: { sessionId: string }[]; sessions: { id: string; count: number }[] }> } }).h;
      const { events, sessions } = await h.export();
      const counts: Record<string, number> = {};
      for (const e of events) counts[e.sessionId] = (counts[e.sessionId] ?? 0) + 1;
      return { counts, records: Object.fromEntries(sessions.map((x) => [x.id, x.count])) };
    });
    expect(summary.records).toEqual(summary.counts);
    // tabs that started sessions in the same instant converge on the earliest one as soon as
    // they see each other's pointer (localStorage syncs between tab processes asynchronously)
    for (let round = 0; round < 2; round++) {
      for (const p of pages) {
        await p.waitForTimeout(100);
        await p.evaluate(() => (window as unknown as { h: { track(t: string): void } }).h.track('page_view'));
      }
    }
    const current = await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as { h: { track(t: string): void; sessionId: string } }).h.sessionId)));
    expect(new Set(current).size).toBe(1);
    await ctx.close();
  });

  it("forget() in one tab: another open tab writes none of the forgotten data back, and its intent starts afresh", async () => {
    const ctx = await browser.newContext();
    const url = `${server.url}/test/browser/fixtures/esm.html?db=forget-tabs`;
    const [one, two] = [await openPage(ctx, url), await openPage(ctx, url)];
    await one.evaluate(async () => {
      const x = await (window as unknown as TabWindow).t.ready;
      x.track('product_view', { itemId: 'SECRET' });
      x.track('add_to_cart', { itemId: 'SECRET' });
      await x.flush();
    });
    const before = await two.evaluate(async () => {
      const x = await (window as unknown as TabWindow).t.ready;
      (window as unknown as TabWindow).forgot = 0;
      x.on('forget', () => (window as unknown as TabWindow).forgot++);
      x.track('product_view', { itemId: 'SECRET2' });
      await x.flush();
      return (await x.intent()).events; // tab two's intent state now holds both tabs' session
    });
    expect(before).toBeGreaterThan(0);
    await one.evaluate(async () => (await (window as unknown as TabWindow).t.ready).forget());
    const after = await two.evaluate(async () => {
      const x = await (window as unknown as TabWindow).t.ready;
      x.track('product_view', { itemId: 'NEW' });
      await x.flush();
      const i = await x.intent();
      await new Promise((r) => setTimeout(r, 1500)); // past the intent state's trailing save
      return { events: i.events, reasons: i.reasons.map((r) => r.itemId), forgot: (window as unknown as TabWindow).forgot };
    });
    expect(after).toEqual({ events: 1, reasons: expect.not.arrayContaining(['SECRET', 'SECRET2']), forgot: 1 });
    const db = await readDatabase(one, 'forget-tabs');
    expect((db.events as { itemId?: string }[]).map((e) => e.itemId)).toEqual(['NEW']);
    expect(JSON.stringify(db)).not.toMatch(/SECRET/);
    await ctx.close();
  });

  it('forget() leaves no hunch database and no local keys', async () => {
    const ctx = await browser.newContext();
    const page = await openPage(ctx, `${server.url}/test/browser/fixtures/plain.html`);
    await page.evaluate(async () => {
      const h = (window as unknown as W).hunch;
      await h.ready;
      await h.flush();
    });
    expect(await databases(page)).toContain('plain-test');
    const left = await page.evaluate(async () => {
      await (window as unknown as W).hunch.forget();
      return { dbs: (await indexedDB.databases()).map((d) => d.name), keys: Object.keys(localStorage) };
    });
    expect(left).toEqual({ dbs: [], keys: [] });
    await ctx.close();
  });
});
