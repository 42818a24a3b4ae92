/**
 * Storage faults in real Chromium: IndexedDB missing, throwing or hanging on open (memory store,
 * one warning, API keeps working); a QuotaExceededError in the middle of a batch (prune by
 * retention and retry, nothing of the current session lost); retention under `maxEvents`; and a
 * tab holding the database open while another tab upgrades it to a newer schema.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { localKeyPrefix } from '../../src/session-pointer';
import { countStored, openPage, readDatabase } from './harness';
import { browser, server, useBrowser } from './setup';

type Inst = {
  track(t: string, p?: object): void;
  on(n: string, cb: (x: { code: string; message: string }) => void): void;
  flush(): Promise<void>;
  dispose(): Promise<void>;
  export(): Promise<{ events: { itemId?: string; sessionId: string }[]; storage: string }>;
  storage: string;
  sessionId?: string;
};
type PageT = { t: { createHunch(o: object): Promise<Inst> }; h: Inst; problems: string[]; warns: number };

const ESM = '/test/browser/fixtures/faults/esm.html';
const NO_MODEL = { enabled: false };

useBrowser();

async function esmPage(ctx: BrowserContext): Promise<Page & { errors: string[] }> {
  const page = await openPage(ctx, `${server.url}${ESM}`);
  await page.waitForFunction(() => (window as unknown as Partial<PageT>).t !== undefined);
  return page;
}

/** Creates `window.h` in the page with problem listeners (`window.problems`, console.warn count). */
function start(page: Page, options: object): Promise<void> {
  return page.evaluate(async (o) => {
    const w = window as unknown as PageT;
    w.problems = [];
    w.warns = 0;
    const warn = console.warn;
    console.warn = (...a: unknown[]) => {
      w.warns++;
      warn(...a);
    };
    w.h = await w.t.createHunch(o);
    w.h.on('error', (p) => w.problems.push(`error:${p.code}`));
    w.h.on('warning', (p) => w.problems.push(`warning:${p.code}`));
  }, options);
}

/** Tracks `n` product views named `<prefix><i>` in one task, flushes, and returns what export() sees. */
function trackAndExport(page: Page, prefix: string, n: number) {
  return page.evaluate(
    async ({ prefix, n }) => {
      const w = window as unknown as PageT;
      for (let i = 0; i < n; i++) w.h.track('product_view', { itemId: `${prefix}${i}` });
      await w.h.flush();
      const data = await w.h.export();
      await new Promise((r) => setTimeout(r, 20)); // early problems are said on the next task
      return { storage: w.h.storage, exported: data.events.filter((e) => e.itemId?.startsWith(prefix)).length, problems: w.problems, warns: w.warns };
    },
    { prefix, n },
  );
}

describe('IndexedDB unavailable', () => {
  const cases: Array<[string, () => void]> = [
    ['window.indexedDB is undefined', () => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true })],
    [
      'indexedDB.open throws',
      () => {
        IDBFactory.prototype.open = function () {
          throw new DOMException('The user denied permission to access the database.', 'SecurityError');
        };
      },
    ],
    [
      'indexedDB.open is blocked forever by another connection',
      () => {
        // another tab holds the database and never lets go; every open asks for a newer version,
        // so it waits on that connection forever (the real 'blocked' state, not a mock)
        const open = IDBFactory.prototype.open;
        const held = open.call(indexedDB, 'faults-noidb', 1);
        held.onsuccess = () => ((window as unknown as { held: IDBDatabase }).held = held.result);
        IDBFactory.prototype.open = function (this: IDBFactory, name: string) {
          return open.call(this, name, 2);
        };
      },
    ],
  ];
  it.each(cases)('%s → memory store, exactly one warning, the API keeps working', async (_name, breakIdb) => {
    const ctx = await browser.newContext();
    await ctx.addInitScript(breakIdb);
    const page = await esmPage(ctx);
    await start(page, { dbName: 'faults-noidb', model: NO_MODEL });
    const t0 = Date.now();
    const first = await trackAndExport(page, 'a', 100);
    const openMs = Date.now() - t0;
    const second = await trackAndExport(page, 'b', 100);
    expect(first).toMatchObject({ storage: 'memory', exported: 100 });
    expect(second).toMatchObject({ storage: 'memory', exported: 100, problems: ['warning:storage-fallback'] });
    // the listener heard it, so nothing was printed to the console either
    expect(second.warns).toBe(0);
    expect(openMs).toBeLessThan(10_000); // a blocked open gives up after its timeout
    expect(page.errors).toEqual([]);
    await ctx.close();
  });

  it('without a listener the warning is printed once to the console', async () => {
    const ctx = await browser.newContext();
    await ctx.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true }));
    const page = await esmPage(ctx);
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && m.text().includes('[hunch]') && warnings.push(m.text()));
    await page.evaluate(async () => {
      const w = window as unknown as PageT;
      const h = await w.t.createHunch({ dbName: 'faults-noidb', model: { enabled: false } });
      for (let i = 0; i < 300; i++) h.track('page_view');
      await h.flush();
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/IndexedDB/);
    await ctx.close();
  });
});

describe('a write that fails mid-visit', () => {
  it('events kept in memory after IndexedDB failed a write survive the page: spilled at pagehide, written by the next load', async () => {
    const ctx = await browser.newContext();
    const page = await esmPage(ctx);
    const db = 'faults-write-fails';
    await start(page, { dbName: db, model: NO_MODEL });
    expect(await trackAndExport(page, 'ok', 5)).toMatchObject({ storage: 'indexeddb', exported: 5 });
    // from now on every event write on this page fails, as a broken disk does
    await page.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name === 'events') throw new DOMException('Internal error.', 'UnknownError');
        return put.apply(this, args);
      };
    });
    expect(await trackAndExport(page, 'kept', 10)).toMatchObject({ storage: 'memory', exported: 10, problems: ['error:storage-write'] });
    // leaving the page (pagehide), then the next load with a working IndexedDB
    await page.goto(`${server.url}${ESM}`);
    await page.waitForFunction(() => (window as unknown as Partial<PageT>).t !== undefined);
    await start(page, { dbName: db, model: NO_MODEL });
    await page.evaluate(() => (window as unknown as PageT).h.flush());
    const stored = ((await readDatabase(page, db)).events as { itemId: string }[]).map((e) => e.itemId).sort();
    expect(stored).toEqual([...Array.from({ length: 10 }, (_, i) => `kept${i}`), ...Array.from({ length: 5 }, (_, i) => `ok${i}`)].sort());
    expect(page.errors).toEqual([]);
    await ctx.close();
  });
});

describe('QuotaExceededError mid-batch', () => {
  it('prunes older sessions by retention and retries: every event of the current session is stored', async () => {
    const ctx = await browser.newContext();
    const page = await esmPage(ctx);
    const db = 'faults-quota';
    // an earlier session with 300 events
    await start(page, { dbName: db, model: NO_MODEL });
    await trackAndExport(page, 'old', 300);
    await page.evaluate(async (key) => {
      await (window as unknown as PageT).h.dispose();
      localStorage.removeItem(key); // the next instance starts a new session
    }, `${localKeyPrefix(db)}session`);

    // the 25th put of the next batch fails as a full disk does
    await page.evaluate(() => {
      const put = IDBObjectStore.prototype.put;
      const w = window as unknown as { quota: { calls: number; fired: boolean } };
      w.quota = { calls: 0, fired: false };
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name === 'events' && !w.quota.fired && ++w.quota.calls === 25) {
          w.quota.fired = true;
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        }
        return put.apply(this, args);
      };
    });
    await start(page, { dbName: db, model: NO_MODEL });
    const res = await trackAndExport(page, 'cur', 50);
    expect(await page.evaluate(() => (window as unknown as { quota: { fired: boolean } }).quota.fired)).toBe(true);
    expect(res).toMatchObject({ storage: 'indexeddb', exported: 50, problems: [] });

    const stored = (await readDatabase(page, db)).events as { itemId: string; sessionId: string }[];
    const current = stored.filter((e) => e.itemId.startsWith('cur'));
    const old = stored.filter((e) => e.itemId.startsWith('old'));
    expect(new Set(current.map((e) => e.itemId)).size).toBe(50);
    expect(current.length).toBe(50); // retried batch rewrote the same keys: no duplicates
    expect(new Set(current.map((e) => e.sessionId)).size).toBe(1);
    expect(old.length).toBeLessThan(300); // room was made from the older session
    expect(old.length).toBeGreaterThan(0); // …by retention, not by wiping everything
    expect(page.errors).toEqual([]);
    await ctx.close();
  });
  it('under a real quota (Chromium CDP quota override), keeps writing by pruning older sessions: nothing of the current session lost', async () => {
    const ctx = await browser.newContext();
    const page = await esmPage(ctx);
    const db = 'faults-real-quota';
    const quota = 1_500_000;
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(server.url).origin, quotaSize: quota });
    const res = await page.evaluate(
      async ({ db, key }) => {
        const w = window as unknown as PageT;
        const pad = 'x'.repeat(2000); // ~2 kB per event: the quota is reached after ~700 events
        const visit = async (prefix: string, batches: number) => {
          for (let b = 0; b < batches; b++) {
            for (let i = 0; i < 100; i++) w.h.track('page_view', { url: `/${prefix}/${b}/${i}/${pad}` });
            await w.h.flush();
          }
        };
        w.h = await w.t.createHunch({ dbName: db, model: { enabled: false } });
        await visit('old', 25); // an earlier session fills most of the quota
        await w.h.dispose();
        localStorage.removeItem(key);
        const problems: string[] = [];
        w.h = await w.t.createHunch({ dbName: db, model: { enabled: false } });
        w.h.on('error', (p) => problems.push(p.code));
        w.h.on('warning', (p) => problems.push(p.code));
        await visit('new', 15); // needs more room than is left
        await new Promise((r) => setTimeout(r, 20));
        const est = await navigator.storage.estimate();
        return { problems, storage: w.h.storage, usage: est.usage ?? 0 };
      },
      { db, key: `${localKeyPrefix(db)}session` },
    );
    const stored = (await readDatabase(page, db)).events as { url: string }[];
    const fresh = stored.filter((e) => e.url.startsWith('/new/')).length;
    const old = stored.filter((e) => e.url.startsWith('/old/')).length;
    console.log(`[faults] real quota ${quota} B: current session ${fresh}/1500 stored, older session pruned 2500 → ${old}, usage ${res.usage} B`);
    expect(res).toMatchObject({ problems: [], storage: 'indexeddb' });
    expect(fresh).toBe(1500);
    expect(old).toBeLessThan(2500); // only a quota error prunes here (90 days, 50,000 events are far)
    expect(old).toBeGreaterThan(0);
    expect(res.usage).toBeLessThanOrEqual(quota);
    await ctx.close();
  });
});

describe('retention', () => {
  it('with retention.maxEvents 100, writing 1,000 events over 10 sessions leaves at most 100, the newest', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.clock.install({ time: new Date('2026-11-20T10:00:00Z') });
    await page.goto(`${server.url}${ESM}`);
    await page.waitForFunction(() => (window as unknown as Partial<PageT>).t !== undefined);
    const db = 'faults-retention';
    await start(page, { dbName: db, model: NO_MODEL, retention: { maxEvents: 100 }, sessionTimeoutMinutes: 1 });
    let peak = 0;
    for (let s = 0; s < 10; s++) {
      await trackAndExport(page, `s${s}-`, 100);
      peak = Math.max(peak, (await countStored(page, db)).count);
      await page.clock.fastForward('02:00'); // past the 1-minute session timeout
    }
    // pruning runs after the write that crosses each 500 events; let it finish
    await expect.poll(async () => (await countStored(page, db)).count, { timeout: 5000 }).toBeLessThanOrEqual(100);
    const stored = (await readDatabase(page, db)).events as { itemId: string }[];
    expect(stored.every((e) => e.itemId.startsWith('s9-'))).toBe(true);
    const sessions = (await readDatabase(page, db)).sessions as { count: number }[];
    expect(sessions.reduce((n, x) => n + x.count, 0)).toBe(stored.length);
    console.log(`[faults] retention maxEvents=100: peak ${peak} stored between prunes, ${stored.length} after`);
    expect((await page.evaluate(() => (window as unknown as PageT).problems))).toEqual([]);
    await ctx.close();
  });
});

describe('tabs and schema upgrades', () => {
  it('a hunch tab keeps working, without a hang, while another tab upgrades the database to a newer schema', async () => {
    const ctx = await browser.newContext();
    const db = 'faults-upgrade';
    const hunchTab = await esmPage(ctx);
    await start(hunchTab, { dbName: db, model: NO_MODEL });
    await trackAndExport(hunchTab, 'before', 20);

    // the hunch tab writes continuously while a "newer version" in another tab upgrades
    const writing = hunchTab.evaluate(async () => {
      const w = window as unknown as PageT;
      for (let i = 0; i < 1000; i++) {
        w.h.track('product_view', { itemId: `during${i}` });
        if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
      }
      await w.h.flush();
    });
    const newer = await openPage(ctx, `${server.url}/test/browser/fixtures/empty.html`);
    const upgrade = await newer.evaluate(
      (name) =>
        new Promise<{ ms: number; blocked: boolean; version: number; stores: string[] }>((resolve, reject) => {
          const t0 = performance.now();
          let blocked = false;
          const req = indexedDB.open(name, 2);
          req.onblocked = () => (blocked = true);
          req.onupgradeneeded = () => req.result.createObjectStore('newer-feature', { keyPath: 'k' });
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const d = req.result;
            (window as unknown as { conn: IDBDatabase }).conn = d; // keep the new connection open
            resolve({ ms: performance.now() - t0, blocked, version: d.version, stores: Array.from(d.objectStoreNames) });
          };
        }),
      db,
    );
    await writing;
    const after = await trackAndExport(hunchTab, 'after', 20);

    expect(upgrade.version).toBe(2);
    expect(upgrade.stores).toEqual(expect.arrayContaining(['events', 'sessions', 'meta', 'newer-feature']));
    expect(upgrade.ms).toBeLessThan(3000);
    expect(after).toMatchObject({ storage: 'indexeddb', exported: 20, problems: [] });
    // both live: the newer tab's connection still works after the hunch tab's writes
    const newerWrites = await newer.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const d = (window as unknown as { conn: IDBDatabase }).conn;
          const tx = d.transaction(['newer-feature', 'events'], 'readwrite');
          tx.objectStore('newer-feature').put({ k: 'still-here' });
          const c = tx.objectStore('events').count();
          tx.oncomplete = () => resolve(c.result);
          tx.onerror = () => reject(tx.error);
        }),
    );
    expect(newerWrites).toBe(20 + 1000 + 20);
    const stored = (await readDatabase(newer, db)).events as { itemId: string }[];
    expect(new Set(stored.map((e) => e.itemId)).size).toBe(1040);
    expect(hunchTab.errors).toEqual([]);
    console.log(`[faults] upgrade to v2 while the hunch tab writes: ${upgrade.ms.toFixed(0)} ms, blocked event: ${upgrade.blocked}`);
    await ctx.close();
  });
});
