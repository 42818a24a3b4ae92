/**
 * Real-Chromium test of hunch on both sides of a back/forward cache navigation: a hunch page left
 * for another hunch page of the same store and session is still restored from the cache (its
 * pagehide writes no intent state that would get it evicted), and once back its intent counts
 * what the other page added to the session (`IntentService.pageRestored`).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchBrowser, serve } from './harness';

type W = {
  hunch: {
    ready: Promise<unknown>;
    flush(): Promise<void>;
    track(t: string, p?: object): void;
    intent(): Promise<{ events: number; sessionId: string; stage: string }>;
    export(): Promise<{ events: { type: string; sessionId: string }[] }>;
  };
  shows: boolean[];
};

/** The intent after everything tracked so far, and the session's stored events that count in it (all but dwells). */
const intentAndStored = (page: Page) =>
  page.evaluate(async () => {
    const h = (window as unknown as W).hunch;
    await h.flush();
    const i = await h.intent();
    const stored = (await h.export()).events.filter((e) => e.sessionId === i.sessionId && e.type !== 'dwell').length;
    return { events: i.events, sessionId: i.sessionId, stored };
  });

describe('back/forward cache with hunch on both pages', () => {
  it('a hunch page is restored after another hunch page of the same store, and its intent counts that page’s events', async () => {
    const bfcBrowser = await launchBrowser([], { backForwardCache: true });
    // Chromium does not cache a page whose own fetches (the model files) received no-store
    const served = await serve(() => ({ 'cache-control': 'no-cache' }));
    try {
      const ctx = await bfcBrowser.newContext();
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Page.enable');
      const notUsed: string[] = [];
      cdp.on('Page.backForwardCacheNotUsed', (p) => notUsed.push(...p.notRestoredExplanations.map((x) => x.reason)));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.addInitScript(() => {
        const w = window as unknown as W;
        w.shows = [];
        addEventListener('pageshow', (e) => w.shows.push(e.persisted));
      });

      await page.goto(`${served.url}/test/browser/fixtures/bfcache.html?item=BF-A`);
      await page.evaluate(async () => {
        await (window as unknown as W).hunch.ready;
        await (window as unknown as W).hunch.intent(); // the model loads
      });
      await page.click('#add');
      const a = await intentAndStored(page);
      expect(a.events).toBe(3); // page_view, product_view, add_to_cart
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
      // its trailing save: a page that navigates while its intent state is being written (within a
      // second of an event) can still be evicted, once the next page touches that store (1 run in 6
      // under load without this wait)
      await page.waitForTimeout(1_200);

      await page.goto(`${served.url}/test/browser/fixtures/bfcache.html?item=BF-B`);
      await page.evaluate(() => (window as unknown as W).hunch.ready);
      await page.click('#add');
      await page.evaluate(() => (window as unknown as W).hunch.track('begin_checkout', {}));
      const b = await intentAndStored(page);
      expect(b.sessionId).toBe(a.sessionId);
      expect(b.events).toBe(7); // a's 3, and its page_view, product_view, add_to_cart, begin_checkout
      await page.waitForTimeout(1_200); // its trailing save

      await page.goBack({ waitUntil: 'commit' }); // a page restored from the cache fires no load event
      await page.waitForFunction(() => (window as unknown as W).shows?.length === 2 || document.readyState === 'complete');
      await page.waitForTimeout(200);
      expect({ shows: await page.evaluate(() => (window as unknown as W).shows), notUsed }).toEqual({ shows: [false, true], notUsed: [] });
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1); // the same page, not a reload

      await page.evaluate(() => (window as unknown as W).hunch.track('product_view', { itemId: 'after-back', price: 20 }));
      const back = await intentAndStored(page);
      // b's events are in it (the stale state had a's 3), each stored event once
      expect(back.events).toBeGreaterThanOrEqual(b.events + 1);
      expect(back.events).toBe(back.stored);
      expect(errors).toEqual([]);
      await ctx.close();
    } finally {
      await bfcBrowser.close();
      await served.close();
    }
  });
});
