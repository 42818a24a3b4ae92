/**
 * Events tracked right before navigating to a PRERENDERED page (Speculation Rules) are kept: the
 * old page gets no pagehide when the prerendered one is activated, and its last batches may be
 * aborted; the write-ahead spill leaves them in localStorage and the activated page takes them.
 * Playwright turns prerendering off, so Chromium is spawned directly (no DevTools) and the pages
 * report back to this test's server. Needs a built dist/ (`npx rollup -c`). Auto-capture is on, as
 * on a storefront (with it off the old code kept the events in this setup too).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module without types
import { startServer } from '../../tools/serve.mjs';
import { CHROMIUM, CHROMIUM_ARGS, type Served } from './harness';

const N = 1000;
const root = mkdtempSync(join(tmpdir(), 'hunch-prerender-'));
// Chromium's helper processes may still be closing files in the profile when the browser exits
afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 }));

const lib = '<script src="/dist/hunch.iife.js" data-db-name="pr""></script>';
const say = (tag: string, expr: string) => `fetch('/report/${tag}?d=' + encodeURIComponent(JSON.stringify(${expr})))`;
const count = `new Promise((ok) => { const r = indexedDB.open('pr'); r.onsuccess = () => { const d = r.result; if (!d.objectStoreNames.contains('events')) return ok(0);
  const a = d.transaction('events').objectStore('events').getAll(); a.onsuccess = () => ok(new Set(a.result.filter((e) => /^x\\d+$/.test(e.itemId || '')).map((e) => e.itemId)).size); }; })`;

function site() {
  symlinkSync(resolve('dist'), join(root, 'dist'));
  mkdirSync(join(root, 'x'));
  // one: tracks N events and navigates in the same task to the prerendered page
  writeFileSync(join(root, 'one.html'), `<!doctype html><head>${lib}<script type="speculationrules">{"prerender":[{"source":"list","urls":["/two.html"]}]}</script></head>
<body><script>(async () => { await hunch.ready; await hunch.flush(); await new Promise((r) => setTimeout(r, 3000));
  for (let i = 0; i < ${N}; i++) hunch.track('product_view', { itemId: 'x' + i });
  addEventListener('pagehide', () => localStorage.setItem('probe', '1'));
  location.href = '/two.html'; })();</script></body>`);
  writeFileSync(join(root, 'two.html'), `<!doctype html><head>${lib}<script>
  const done = async () => { await new Promise((r) => setTimeout(r, 2000)); await hunch.flush();
    ${say('two', `{ activationStart: performance.getEntriesByType('navigation')[0].activationStart, stored: await ${count} }`)}; location.href = '/three.html'; };
  if (document.prerendering) document.addEventListener('prerenderingchange', done); else done();</script></head><body>two</body>`);
  // three: a plain load after it, which writes what earlier pages left in localStorage
  writeFileSync(join(root, 'three.html'), `<!doctype html><head>${lib}<script>(async () => { await hunch.ready; await hunch.flush();
    await new Promise((r) => setTimeout(r, 1000)); await hunch.flush(); ${say('three', `{ stored: await ${count} }`)}; })();</script></head><body>three</body>`);
}

type Report = { two: { activationStart: number; stored: number }; three: { stored: number } };
const report = (server: Served, tag: string) => server.urls.find((u) => u.startsWith(`/report/${tag}?d=`));

async function run(server: Served, secs: number): Promise<Report | undefined> {
  const profile = mkdtempSync(join(root, 'profile-'));
  const proc = spawn(CHROMIUM, ['--headless=new', ...CHROMIUM_ARGS, `--user-data-dir=${profile}`, `${server.url}/one.html`], { stdio: 'ignore', detached: true });
  try {
    for (let t = 0; t < secs * 10; t++) {
      const [two, three] = [report(server, 'two'), report(server, 'three')].map((hit) => hit && JSON.parse(decodeURIComponent(hit.split('?d=')[1])));
      if (two && three) return { two, three };
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    const exited = proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', r));
    try {
      process.kill(-proc.pid!); // the browser and its renderer, GPU and utility processes (its own group)
    } catch {
      /* the group is gone already */
    }
    await exited;
  }
}

describe('navigating to a prerendered page', () => {
  it(`keeps all ${N} events tracked in the task that navigated`, async () => {
    site();
    const server: Served = await startServer({ port: 0, root });
    try {
      const out = await run(server, 30);
      expect(out, `the pages never reported: ${server.urls.join(' ')}`).toBeDefined();
      expect(out!.two.activationStart, JSON.stringify(out)).toBeGreaterThan(0); // it was prerendered, then activated
      // stored by the activated page, or by the next load: the activated page takes the spill when
      // shown, but another page's localStorage write may reach its process only a moment later
      // (then the spill waits for the next load, as here); the old code: 0 or 200 (aborted
      // batches, no pagehide, no spill)
      expect(out!.three.stored, JSON.stringify(out)).toBe(N);
    } finally {
      await server.close();
    }
  });
});
