/**
 * Per-file set-up of the Chromium tests: one browser and one server for the file's tests,
 * exposed as live bindings (`browser`, `server`) once `useBrowser()` registered its hooks.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, serve, type Served } from './harness';

/** The current file's browser (set in beforeAll). */
export let browser: Browser;
/** The current file's server (set in beforeAll). */
export let server: Served;

/** Launches Chromium and serves the repository for this file's tests; closes both afterwards. */
export function useBrowser(): void {
  beforeAll(async () => {
    browser = await launchBrowser();
    server = await serve();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}
