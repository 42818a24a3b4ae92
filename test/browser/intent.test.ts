/**
 * Intent in real Chromium (SwiftShader WebGL): the model runs in a worker on WebGL and matches
 * the Node CPU reference; fallbacks (no WebGL, model missing) keep intent answering; a reload
 * resumes the carried state without replaying the session; tensors do not leak.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { referencePurchaseProbability } from '../../tools/intent/reference';
import { launchBrowser, openPage, readDatabase, serve } from './harness';
import { browser, server, useBrowser } from './setup';

useBrowser();

type H = {
  track(t: string, p?: object): void;
  flush(): Promise<void>;
  intent(): Promise<{ purchase: number; backend: string; source: string; stage: string; events: number; reasons: unknown[]; modelVersion: string; sessionId: string }>;
  export(): Promise<{ events: HunchEvent[] }>;
  on(n: string, cb: (x: unknown) => void): void;
  backend: string;
  debug: { runtime(): Promise<{ thread: string; backend: string; numTensors: number; steps?: number }> };
};

async function esm(page: Page, query: string) {
  await page.goto(`${server.url}/test/browser/fixtures/esm.html?${query}`);
  await page.evaluate(() => (window as unknown as { t: { ready: Promise<unknown> } }).t.ready);
}

/** Waits until the TensorFlow.js runtime took over from the JS kernel. */
function waitRuntime(page: Page) {
  return page.waitForFunction(() => {
    const b = (window as unknown as { h: H }).h.backend;
    return b !== 'js' && b !== 'none';
  }, undefined, { timeout: 90_000 });
}

const SHOP = [
  ['page_view', { url: 'https://shop.example/' }],
  ['product_view', { itemId: 'A', price: 30, categoryId: 'mugs' }],
  ['product_view', { itemId: 'B', price: 45, categoryId: 'mugs' }],
  ['product_view', { itemId: 'A', price: 30, categoryId: 'mugs' }],
  ['add_to_cart', { itemId: 'A', price: 30, quantity: 1 }],
] as const;

describe('intent on WebGL', () => {
  it('runs in a worker on WebGL and equals the Node CPU reference within 1e-3', async () => {
    const page = await openPage(browser, 'about:blank');
    await esm(page, 'db=intent-webgl');
    await page.evaluate(() => (window as unknown as { h: H }).h.intent()); // load now
    await waitRuntime(page);
    const out = await page.evaluate(async (events) => {
      const h = (window as unknown as { h: H }).h;
      for (const [t, p] of events) h.track(t, p);
      const intent = await h.intent();
      await h.flush();
      return { intent, events: (await h.export()).events, rt: await h.debug.runtime(), backend: h.backend };
    }, SHOP as unknown as [string, object][]);
    expect(out.backend).toBe('webgl');
    expect(out.intent.backend).toBe('webgl');
    expect(out.rt.thread).toBe('worker');
    expect(out.intent.source).toBe('model');
    const ref = await referencePurchaseProbability(out.events);
    expect(Math.abs(out.intent.purchase - ref)).toBeLessThan(1e-3);
    expect(out.intent.reasons.length).toBeGreaterThan(0);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('with WebGL disabled, reports the CPU backend and still predicts the same numbers', async () => {
    const noGl = await launchBrowser(['--disable-gpu', '--disable-software-rasterizer', '--disable-webgl', '--disable-webgl2', '--disable-3d-apis']);
    try {
      const page = await openPage(noGl, `${server.url}/test/browser/fixtures/empty.html`);
      await esm(page, 'db=intent-nogl');
      await page.evaluate(() => (window as unknown as { h: H }).h.intent());
      await waitRuntime(page);
      const out = await page.evaluate(async (events) => {
        const h = (window as unknown as { h: H }).h;
        for (const [t, p] of events) h.track(t, p);
        const intent = await h.intent();
        await h.flush();
        return { intent, events: (await h.export()).events };
      }, SHOP as unknown as [string, object][]);
      expect(out.intent.backend).toBe('cpu');
      expect(out.intent.source).toBe('model');
      expect(Math.abs(out.intent.purchase - (await referencePurchaseProbability(out.events)))).toBeLessThan(1e-3);
    } finally {
      await noGl.close();
    }
  });

  it('events tracked before the intent module loads still emit intent and fire triggers', async () => {
    const page = await openPage(browser, 'about:blank');
    await esm(page, 'db=intent-early&triggers=abandonment');
    const fired = await page.evaluate(async () => {
      const h = (window as unknown as { h: H }).h;
      const rules: string[] = [];
      let intents = 0;
      h.on('trigger', (t) => rules.push((t as { rule: string }).rule));
      h.on('intent', () => intents++);
      // right away: the intent module is still waiting for idle time
      h.track('product_view', { itemId: 'a', price: 20 });
      h.track('add_to_cart', { itemId: 'a', price: 20 });
      h.track('add_to_cart', { itemId: 'b', price: 20 });
      h.track('remove_from_cart', { itemId: 'b', price: 20 });
      await h.flush();
      const t0 = performance.now();
      while (rules.length === 0 && performance.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
      return { rules, intents };
    });
    expect(fired.rules).toEqual(['abandonment']);
    expect(fired.intents).toBeGreaterThanOrEqual(4);
    await page.close();
  });

  it("a capped rule fires only while this tab holds the store's Web Lock (hunch:<dbName>:triggers), so tabs take turns", async () => {
    const page = await openPage(browser, 'about:blank');
    await esm(page, 'db=intent-lock&triggers=abandonment');
    const seen = await page.evaluate(async () => {
      const h = (window as unknown as { h: H }).h;
      const rules: string[] = [];
      let stage = '';
      h.on('trigger', (t) => rules.push((t as { rule: string }).rule));
      h.on('intent', (i) => (stage = (i as { stage: string }).stage));
      // another tab of the store holds the lock (here: this page, for the test)
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let granted!: () => void;
      const holding = new Promise<void>((r) => (granted = r));
      void navigator.locks.request('hunch:intent-lock:triggers', () => (granted(), held));
      await holding;
      h.track('product_view', { itemId: 'a', price: 20 });
      h.track('add_to_cart', { itemId: 'a', price: 20 });
      h.track('add_to_cart', { itemId: 'b', price: 20 });
      h.track('remove_from_cart', { itemId: 'b', price: 20 });
      const t0 = performance.now();
      while (stage !== 'abandoning' && performance.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 500)); // well inside the 2 s the rule waits for the lock
      const whileHeld = [...rules];
      release();
      const t1 = performance.now();
      while (rules.length === 0 && performance.now() - t1 < 5_000) await new Promise((r) => setTimeout(r, 20));
      return { stage, whileHeld, after: rules, waitedMs: performance.now() - t1 };
    });
    expect(seen.stage).toBe('abandoning');
    expect(seen.whileHeld).toEqual([]);
    expect(seen.after).toEqual(['abandonment']);
    expect(seen.waitedMs).toBeLessThan(1_000); // fired on release, not after the lock wait ran out
    await page.close();
  });

  it('loaded from another origin (a CDN), the script tag still runs the model in a worker (a blob worker imports the runtime)', async () => {
    const cdn = await serve(() => ({ 'access-control-allow-origin': '*' })); // a second origin, CORS like unpkg and jsdelivr
    try {
      const page = await openPage(browser, `${server.url}/test/browser/fixtures/empty.html`);
      const rt = await page.evaluate(async (src) => {
        const tag = document.createElement('script');
        tag.src = src;
        tag.dataset.dbName = 'cdn-worker';
        const loaded = new Promise((r) => (tag.onload = r));
        document.head.append(tag);
        await loaded;
        const h = (window as unknown as { hunch: H & { ready: Promise<unknown> } }).hunch;
        await h.ready;
        h.track('product_view', { itemId: 'a', price: 20 });
        await h.intent();
        const t0 = performance.now();
        while ((h.backend === 'js' || h.backend === 'none') && performance.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 100));
        return h.debug.runtime();
      }, `${cdn.url}/dist/hunch.iife.js`);
      expect(new URL(cdn.url).origin).not.toBe(new URL(server.url).origin);
      expect(rt).toMatchObject({ thread: 'worker', backend: 'webgl' }); // was 'main': the direct worker threw SecurityError
      expect(page.errors).toEqual([]);
      await page.close();
    } finally {
      await cdn.close();
    }
  });

  it('answers from the heuristic with an error event when the model is missing; capture unaffected', async () => {
    const page = await openPage(browser, 'about:blank');
    await esm(page, 'db=intent-404&model=/no/such/model/');
    const out = await page.evaluate(async () => {
      const h = (window as unknown as { h: H }).h;
      h.track('product_view', { itemId: 'x', price: 3 });
      h.track('add_to_cart', { itemId: 'x', price: 3 });
      const intent = await h.intent();
      await h.flush();
      const errors = (window as unknown as { problems: unknown[] }).problems;
      return { intent, errors, stored: (await h.export()).events.length };
    });
    expect(out.intent.source).toBe('heuristic');
    expect(out.intent.purchase).toBeGreaterThan(0);
    expect(out.intent.stage).toBe('considering');
    expect(out.errors).toEqual([expect.objectContaining({ code: 'model-load', message: expect.stringMatching(/404/) })]);
    expect(out.stored).toBe(2);
    await page.close();
  });

  it('resumes the carried state after a reload without replaying the session', async () => {
    const ctx = await browser.newContext();
    const page = await openPage(ctx, 'about:blank');
    await esm(page, 'db=intent-reload');
    const before = await page.evaluate(async (events) => {
      const h = (window as unknown as { h: H }).h;
      await h.intent(); // model loaded first: each event below is applied live, one at a time
      for (const [t, p] of events) h.track(t, p);
      const intent = await h.intent();
      await h.flush();
      return intent;
    }, SHOP as unknown as [string, object][]);
    // the carried state is saved within about a second of the last event (a trailing save, not
    // only at pagehide): wait until the stored state covers every event, then reload
    await expect
      .poll(async () => ((await readDatabase(page, 'intent-reload')).meta as { key: string; value: { steps?: number } }[] | undefined)?.find((m) => m.key === 'intent:state')?.value.steps, { timeout: 10_000 })
      .toBe(before.events);
    await page.reload();
    await page.evaluate(() => (window as unknown as { t: { ready: Promise<unknown> } }).t.ready);
    const after = await page.evaluate(async () => {
      const h = (window as unknown as { h: H }).h;
      const intent = await h.intent();
      return { intent, rt: await h.debug.runtime() };
    });
    expect(after.intent.events).toBe(before.events);
    expect(after.intent.purchase).toBeCloseTo(before.purchase, 6);
    expect(after.rt.steps).toBe(0); // nothing was recomputed
    await ctx.close();
  });

  it("a reload after two tabs shared the session applies the other tab's events too, once each", async () => {
    const ctx = await browser.newContext();
    const [a, b] = [await openPage(ctx, 'about:blank'), await openPage(ctx, 'about:blank')];
    for (const page of [a, b]) await esm(page, 'db=intent-two-tabs');
    const track = (page: Page, events: readonly (readonly [string, object])[]) =>
      page.evaluate(async (events) => {
        const h = (window as unknown as { h: H }).h;
        await h.intent();
        for (const [t, p] of events) h.track(t, p);
        await h.flush();
        return h.intent();
      }, events as unknown as [string, object][]);
    const { sessionId } = await track(a, SHOP.slice(0, 3));
    // tab B reads the shared pointer afresh after its short read cache: it joins tab A's session
    await b.waitForFunction((id) => (window as unknown as { h: { sessionId?: string } }).h.sessionId === id, sessionId);
    await track(b, SHOP.slice(3)); // the same session (the tabs share it), stored, never seen by tab A
    await b.close({ runBeforeUnload: true }); // tab B's last save (pagehide) comes before tab A's
    const last = await track(a, [['product_view', { itemId: 'C', price: 12 }]]);
    expect(last.events).toBe(4); // tab A's own events
    // tab A's state (which lacks tab B's two events) is the one saved last
    await expect
      .poll(async () => ((await readDatabase(a, 'intent-two-tabs')).meta as { key: string; value: { steps?: number } }[] | undefined)?.find((m) => m.key === 'intent:state')?.value.steps, { timeout: 10_000 })
      .toBe(4);
    const stored = (await readDatabase(a, 'intent-two-tabs')).events as HunchEvent[];
    expect(new Set(stored.map((e) => e.sessionId)).size).toBe(1);
    await a.reload();
    await a.evaluate(() => (window as unknown as { t: { ready: Promise<unknown> } }).t.ready);
    const after = await a.evaluate(() => (window as unknown as { h: H }).h.intent());
    expect(stored.filter((e) => e.type !== 'dwell')).toHaveLength(6);
    expect(after.events).toBe(6);
    await ctx.close();
  });

  it.each([
    ['webgl', 4, 200],
    ['cpu', 10, 1000],
  ] as const)('keeps the tensor count flat over many updates (%s: %i × %i events)', async (backend, rounds, perRound) => {
    const page = await openPage(browser, 'about:blank');
    await esm(page, `db=intent-leak-${backend}&backend=${backend}`);
    await page.evaluate(() => (window as unknown as { h: H }).h.intent());
    await waitRuntime(page);
    const r = await page.evaluate(
      async ([rounds, perRound]) => {
        const h = (window as unknown as { h: H }).h;
        const seen: number[] = [];
        for (let round = 0; round < rounds; round++) {
          for (let i = 0; i < perRound; i++) h.track(i % 7 === 0 ? 'add_to_cart' : 'product_view', { itemId: `i${i % 40}`, price: 5 + (i % 9) });
          await h.intent();
          seen.push((await h.debug.runtime()).numTensors);
        }
        return { seen, rt: await h.debug.runtime() };
      },
      [rounds, perRound] as const,
    );
    expect(r.rt.backend).toBe(backend);
    expect(r.rt.steps).toBeGreaterThanOrEqual(rounds * perRound);
    expect(new Set(r.seen).size).toBe(1);
    await page.close();
  });
});
