/**
 * recommend() in real Chromium returns the same top-10 as the Node ranking code for the same
 * prefix, with the shipped Diginetica item model (static files, loaded lazily).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createModel, decodeArtifact, rank, type ArtifactManifest } from '../../src/recommend/index';
import { openPage } from './harness';
import { browser, server, useBrowser } from './setup';

const DIR = new URL('../../models/next-item/diginetica/', import.meta.url);

useBrowser();

type H = { track(t: string, p?: object): void; recommend(o?: object): Promise<{ itemId: string; score: number; reason: string }[]> };

describe('recommend()', () => {
  it('matches the Node ranking for a Diginetica prefix, and honours exclude and purchases', async () => {
    const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as ArtifactManifest;
    const bin = readFileSync(new URL(manifest.binary, DIR));
    const model = createModel(decodeArtifact(manifest, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)));
    // a prefix of known items: the first items of one training session with at least 3 clicks
    const art = decodeArtifact(manifest, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
    let s = 0;
    while (art.sessionStart[s + 1] - art.sessionStart[s] < 3) s++;
    const prefix = [0, 1, 2].map((j) => model.itemIds[art.sessionItems[art.sessionStart[s] + j]]);
    const expected = rank(model, { session: prefix.map((itemId) => ({ itemId, type: 'product_view' })) }, { k: 10 });
    expect(expected).toHaveLength(10);

    const page = await openPage(browser, `${server.url}/test/browser/fixtures/esm.html?db=rec-test&recommend=/models/next-item/diginetica/manifest.json`);
    await page.evaluate(() => (window as unknown as { t: { ready: Promise<unknown> } }).t.ready);
    const got = await page.evaluate(async (prefix) => {
      const h = (window as unknown as { h: H }).h;
      for (const itemId of prefix) h.track('product_view', { itemId });
      const top = await h.recommend({ k: 10 });
      const t0 = performance.now();
      const again = await h.recommend({ k: 10, exclude: [top[0].itemId] });
      const ms = performance.now() - t0;
      h.track('purchase', { itemId: top[1].itemId });
      const afterBuy = await h.recommend({ k: 10 });
      return { top, again, ms, afterBuy };
    }, prefix);
    expect(got.top.map((r) => r.itemId)).toEqual(expected.map((r) => r.itemId));
    for (let i = 0; i < 10; i++) expect(got.top[i].score).toBeCloseTo(expected[i].score, 6);
    expect(got.top.every((r) => typeof r.reason === 'string' && r.reason.length > 0)).toBe(true);
    expect(got.again.map((r) => r.itemId)).not.toContain(got.top[0].itemId);
    expect(got.afterBuy.map((r) => r.itemId)).not.toContain(got.top[1].itemId);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('rejects with a clear error when no item model is configured', async () => {
    const page = await openPage(browser, `${server.url}/test/browser/fixtures/esm.html?db=rec-none`);
    await page.evaluate(() => (window as unknown as { t: { ready: Promise<unknown> } }).t.ready);
    const msg = await page.evaluate(() => (window as unknown as { h: H }).h.recommend().then(() => 'resolved', (e: Error) => e.message));
    expect(msg).toMatch(/recommend\.url/);
    await page.close();
  });
});
