/**
 * Shared set-up of the real-browser tests: Debian Chromium driven by playwright-core (never a
 * downloaded browser) and the repository served on 127.0.0.1 by tools/serve.mjs. A missing
 * browser fails the run with the command that installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
// @ts-expect-error plain ESM module without types
import { startServer } from '../../tools/serve.mjs';

/** Path of the browser binary (`CHROMIUM_PATH` overrides). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'; // an empty value is unset, as .ci/run reads it

/** Flags every test launch uses (no network chatter on a machine without internet). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

export interface Served {
  url: string;
  /** Every request's path, in order. */
  requests: string[];
  /** Every request target as sent (path and query, still percent-encoded), in order. */
  urls: string[];
  close(): Promise<void>;
}

/**
 * Launches headless Chromium. `backForwardCache: true` keeps the back/forward cache on (Playwright
 * turns it off by default).
 * @throws with install instructions when it is missing.
 */
export async function launchBrowser(extraArgs: string[] = [], o: { backForwardCache?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH). bash .ci/run does this for you.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], ...(o.backForwardCache ? { ignoreDefaultArgs: ['--disable-back-forward-cache'] } : {}) });
}

/** Serves the repository root; `headers(path)` may add response headers (CSP tests). */
export function serve(headers?: (path: string) => Record<string, string>): Promise<Served> {
  return startServer({ port: 0, headers });
}

/** Opens a page that fails the test on uncaught page errors (collected in `errors`). */
export async function openPage(ctx: BrowserContext | Browser, url: string): Promise<Page & { errors: string[] }> {
  const page = (await ctx.newPage()) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url);
  return page;
}

/** Names of the IndexedDB databases of the page's origin. */
export function databases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
}

/** Counts events in a hunch database by opening it directly (independent of the library). */
export function countStored(page: Page, dbName: string): Promise<{ count: number; unique: number; sessions: number }> {
  return page.evaluate(
    (name) =>
      new Promise<{ count: number; unique: number; sessions: number }>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('events')) {
            db.close();
            resolve({ count: 0, unique: 0, sessions: 0 });
            return;
          }
          const all = db.transaction('events').objectStore('events').getAll();
          all.onsuccess = () => {
            const rows = all.result as Array<{ id: string; sessionId: string; itemId?: string }>;
            db.close();
            resolve({ count: rows.length, unique: new Set(rows.map((r) => r.itemId ?? r.id)).size, sessions: new Set(rows.map((r) => r.sessionId)).size });
          };
          all.onerror = () => reject(all.error);
        };
      }),
    dbName,
  );
}

/**
 * Every record of every object store of a database, read directly (independent of the library);
 * `{}` when the database does not exist (the read then creates nothing).
 */
export function readDatabase(page: Page, dbName: string): Promise<Record<string, unknown[]>> {
  return page.evaluate(
    (name) =>
      new Promise<Record<string, unknown[]>>((resolve, reject) => {
        let created = false;
        const req = indexedDB.open(name);
        // no such database: abort the creation, so reading leaves nothing behind
        req.onupgradeneeded = () => {
          created = true;
          req.transaction?.abort();
        };
        req.onerror = () => (created ? resolve({}) : reject(req.error));
        req.onsuccess = () => {
          const db = req.result;
          const names = Array.from(db.objectStoreNames);
          const out: Record<string, unknown[]> = {};
          const done = () => {
            db.close();
            resolve(out);
          };
          if (!names.length) return done();
          const tx = db.transaction(names);
          for (const s of names) {
            const all = tx.objectStore(s).getAll();
            all.onsuccess = () => (out[s] = all.result);
          }
          tx.oncomplete = done;
          tx.onerror = () => reject(tx.error);
        };
      }),
    dbName,
  );
}
