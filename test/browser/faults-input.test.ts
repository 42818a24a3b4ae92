/**
 * Bad input in real Chromium: the seeded `track()` fuzz (same generator as the unit tier, run
 * in the page against the ESM build) with the result read back from IndexedDB directly, and
 * malformed auto-capture markup that must never throw into the page.
 * Reproduce a failure with `HUNCH_FUZZ_SEED=<seed>`.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/events';
import { MAX_LENGTH, MAX_PRICE, MAX_QUANTITY } from '../../src/validate-event';
import { checkRecord, findPii, type FuzzLimits } from './fixtures/faults/fuzz-input.mjs';
import { openPage, readDatabase } from './harness';
import { browser, server, useBrowser } from './setup';

const SEED = Number(process.env.HUNCH_FUZZ_SEED ?? 20261129);
const LIMITS: FuzzLimits = { eventTypes: [...EVENT_TYPES], maxLength: { ...MAX_LENGTH }, maxPrice: MAX_PRICE, maxQuantity: MAX_QUANTITY };
const CALLS = 10_000;

type Rec = Record<string, unknown> & { id: string; sessionId: string; type: string };
type Fuzz = typeof import('./fixtures/faults/fuzz-input.mjs');
type PageT = {
  t: {
    createHunch(o: object): Promise<{
      track(t: string, p?: unknown): void;
      on(n: string, cb: (x: { code: string }) => void): void;
      flush(): Promise<void>;
      dispose(): Promise<void>;
      storage: string;
    }>;
    fuzz: Fuzz;
  };
};

useBrowser();

async function esmPage(): Promise<Page & { errors: string[] }> {
  const page = await openPage(browser, `${server.url}/test/browser/fixtures/faults/esm.html`);
  await page.waitForFunction(() => (window as unknown as Partial<PageT>).t !== undefined);
  return page;
}

/** Invalid records of a database and personal data anywhere in it. */
function audit(db: Record<string, unknown[]>) {
  const invalid = (db.events ?? []).flatMap((rec) => checkRecord(rec, LIMITS).map((p) => `${(rec as Rec).id}: ${p}`));
  return { invalid, pii: findPii(db) };
}

describe('track() fuzz in Chromium', () => {
  it(`${CALLS.toLocaleString('en')} seeded calls: each stored sanitized or rejected with a TypeError naming the field; IndexedDB holds only valid records (seed ${SEED})`, async () => {
    const page = await esmPage();
    const out = await page.evaluate(
      async ({ n, seed, limits }) => {
        const { createHunch, fuzz } = (window as unknown as PageT).t;
        const h = await createHunch({ dbName: 'faults-fuzz', model: { enabled: false } });
        const problems: string[] = [];
        h.on('error', (p) => problems.push(p.code));
        h.on('warning', (p) => problems.push(p.code));
        const r = fuzz.runFuzz(h as never, { n, seed, limits });
        await h.flush();
        const storage = h.storage;
        await h.dispose();
        return { failures: r.failures, rejected: r.rejected, accepted: r.accepted as Rec[], problems, storage };
      },
      { n: CALLS, seed: SEED, limits: LIMITS },
    );
    expect(out.failures).toEqual([]);
    expect(out.storage).toBe('indexeddb');
    expect(out.problems).toEqual([]);
    expect(out.accepted.length).toBeGreaterThan(CALLS / 5);
    expect(out.rejected).toBeGreaterThan(CALLS / 5);

    // read back from IndexedDB directly: exactly the accepted records, all valid, no PII anywhere
    const db = await readDatabase(page, 'faults-fuzz');
    const stored = db.events as Rec[];
    expect(stored.length).toBe(out.accepted.length);
    const byId = new Map(out.accepted.map((e) => [e.id, e]));
    for (const rec of stored) expect(rec).toEqual(byId.get(rec.id));
    expect(audit(db)).toEqual({ invalid: [], pii: [] });
    const sessions = db.sessions as { count: number }[];
    expect(sessions.reduce((s, x) => s + x.count, 0)).toBe(stored.length);
    expect(await page.evaluate(() => (Object.prototype as Record<string, unknown>).polluted)).toBeUndefined();
    expect(page.errors).toEqual([]);
    await page.close();
  });
});

describe('auto-capture of malformed markup in Chromium', () => {
  it(`malformed data-hunch-* attributes, malformed, deep and huge JSON-LD never throw into the page (seed ${SEED})`, async () => {
    const page = await esmPage();
    const out = await page.evaluate(async (seed) => {
      const { createHunch, fuzz } = (window as unknown as PageT).t;
      const r = fuzz.prng(seed);
      const thrown: string[] = [];
      window.addEventListener('error', (e) => thrown.push(String(e.error ?? e.message)));
      window.addEventListener('unhandledrejection', (e) => thrown.push(String(e.reason)));
      const ld = () => {
        const s = document.createElement('script');
        s.type = 'application/ld+json';
        s.textContent = fuzz.fuzzJsonLd(r);
        return s;
      };
      for (let i = 0; i < 15; i++) document.head.append(ld());
      const h = await createHunch({ dbName: 'faults-capture', autoCapture: true, model: { enabled: false } });
      const problems: string[] = [];
      h.on('error', (p) => problems.push(p.code));
      h.on('warning', (p) => problems.push(p.code));
      let clickThrew = 0;
      const t0 = performance.now();
      for (let i = 0; i < 300; i++) {
        const el = document.createElement(r() < 0.5 ? 'button' : 'div');
        for (const [k, v] of Object.entries(fuzz.fuzzAttributes(r))) el.setAttribute(k, v);
        el.append(document.createElement('span'));
        document.body.append(el);
        try {
          (r() < 0.5 ? el : (el.firstChild as HTMLElement)).click();
        } catch {
          clickThrew++;
        }
        if (i % 60 === 0) {
          document.body.append(ld()); // an SPA rendering more JSON-LD
          history.pushState({}, '', `/test/browser/fixtures/faults/esm.html?page=${i}&email=${fuzz.PII.emails[0]}#/p/${fuzz.PII.emails[1]}`);
          await new Promise((res) => setTimeout(res, 0));
        }
      }
      const ms = performance.now() - t0;
      await h.flush();
      await h.dispose();
      return { thrown, problems, clickThrew, ms };
    }, SEED);
    expect(out).toMatchObject({ thrown: [], clickThrew: 0 });
    expect(out.problems).toEqual(['capture']);
    const db = await readDatabase(page, 'faults-capture');
    const types = new Set((db.events as Rec[]).map((e) => e.type));
    expect([...types].sort()).toEqual(expect.arrayContaining(['add_to_cart', 'page_view', 'product_view']));
    expect(audit(db)).toEqual({ invalid: [], pii: [] });
    expect(page.errors).toEqual([]);
    console.log(`[faults] 300 fuzzed clicks + 20 JSON-LD blocks (incl. deep and 20,000-product graphs): ${out.ms.toFixed(0)} ms, ${db.events.length} events stored`);
    await page.close();
  });
});
