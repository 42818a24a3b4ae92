/**
 * Personalization in real Chromium: a shopper with several stored sessions calls
 * `personalize()`; the per-user head is saved in IndexedDB (meta `personal:head`), a reload picks
 * it up (`intent().source === 'personalized'`, on the TensorFlow.js worker as well as the JS
 * kernel, equal to the Node computation with the stored head), and `forget()` removes it.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { fileFetch } from '../../src/model/intent-load-node';
import { decodeJsNet } from '../../src/model/js-net';
import { fetchModelFiles } from '../../src/model/model-files';
import { sessionExamples } from '../../src/personalize/examples';
import { headLogitOf, type PersonalHead } from '../../src/personalize/head';
import { MODEL_DIR } from '../../tools/intent/paths';
import { encodeArtifact } from '../../src/recommend/artifact';
import { createModel } from '../../src/recommend/model';
import { rank } from '../../src/recommend/rank';
import { artifactSessions } from '../../tools/next-item/build';
import { handSet, LOG } from '../unit/taste-fixture';
import { buildArtifact } from '../../tools/next-item/build';
import { openPage, readDatabase } from './harness';
import { browser, server, useBrowser } from './setup';

useBrowser();

const DB = 'personalize-e2e';
type Intent = { purchase: number; source: string; backend: string; sessionId: string };
type H = {
  track(t: string, p?: object): void;
  flush(): Promise<void>;
  intent(): Promise<Intent>;
  personalize(): Promise<{ adopted: boolean; before: number; after: number; examples: number }>;
  metrics(): Promise<{ sessions: number; global: { n: number; brier: number; ece: number }; personalized: { n: number } | null; globalSinceFit: { n: number } | null }>;
  export(): Promise<{ events: HunchEvent[]; meta: Record<string, unknown> }>;
  forget(): Promise<void>;
  dispose(): Promise<void>;
  on(n: string, cb: (x: unknown) => void): void;
  backend: string;
};
type W = { t: { ready: Promise<unknown>; createHunch(o: object, d?: object): Promise<H> }; p: H; clock: number; seen: unknown[] };

/** The ESM fixture (its own instance on another database, with no model), then ours on {@link DB}. */
async function open(page: Page, fakeClock: boolean) {
  await page.goto(`${server.url}/test/browser/fixtures/esm.html?db=personalize-unused&model=/no-model/`);
  await page.evaluate(
    async ({ db, fake }) => {
      const w = window as unknown as W;
      await w.t.ready;
      w.clock = Date.now() - 3 * 86_400_000;
      w.seen = [];
      // automatic runs off: this test's explicit personalize() must be the run that adopts (an
      // automatic run at idle time, after 3 ended sessions, would otherwise adopt first)
      w.p = await w.t.createHunch({ dbName: db, personalize: { auto: false } }, fake ? { now: () => w.clock } : {});
      w.p.on('personalize', (e) => w.seen.push(e));
    },
    { db: DB, fake: fakeClock },
  );
}

function metaOf(rows: Record<string, unknown[]>, key: string): unknown {
  return (rows.meta as Array<{ key: string; value: unknown }> | undefined)?.find((r) => r.key === key)?.value;
}

describe('personalization in Chromium', () => {
  it('personalize() → head in IndexedDB; reload → source personalized on both kernels; forget() removes it', async () => {
    const page = await openPage(browser, 'about:blank');
    await open(page, true);
    // 12 past sessions of a shopper who always buys what they put in the cart (the global model
    // says much less), 31 minutes apart on a fake clock
    const run = await page.evaluate(async () => {
      const w = window as unknown as W;
      const h = w.p;
      for (let s = 0; s < 12; s++) {
        const steps: Array<[string, object]> = [
          ['product_view', { itemId: `A${s}`, price: 20 + s, categoryId: 'mugs' }],
          ['product_view', { itemId: `B${s}`, price: 35, categoryId: 'mugs' }],
          ['add_to_cart', { itemId: `A${s}`, price: 20 + s, quantity: 1 }],
          ['begin_checkout', {}],
          ['purchase', { itemId: `A${s}`, price: 20 + s }],
        ];
        for (const [t, p] of steps) {
          h.track(t, p);
          w.clock += 15_000;
        }
        w.clock += 31 * 60_000;
      }
      h.track('product_view', { itemId: 'Z', price: 25 }); // the open session, not used for training
      await h.flush();
      const result = await h.personalize();
      const intent = await h.intent();
      const metrics = await h.metrics();
      await h.dispose();
      return { result, intent, metrics, seen: w.seen as Array<{ status: string }> };
    });
    expect(run.result.adopted).toBe(true);
    expect(run.result.after).toBeLessThan(run.result.before);
    expect(run.result.examples).toBeGreaterThan(0);
    expect(run.intent.source).toBe('personalized');
    expect(run.seen.map((e) => e.status)).toEqual(expect.arrayContaining(['start', 'progress', 'done']));
    expect(run.metrics.sessions).toBe(12);
    expect(run.metrics.global.n).toBe(12);
    expect(run.metrics.personalized?.n).toBe(0); // scored only on sessions that end after its fit: none yet

    const stored = metaOf(await readDatabase(page, DB), 'personal:head') as { modelVersion: string; head: PersonalHead } | undefined;
    expect(stored?.head.w.length).toBeGreaterThan(0);
    expect(stored?.head.w.every((v) => typeof v === 'number')).toBe(true);

    // reload: the stored head is loaded with the model; the worker runtime uses it too
    await page.reload();
    await open(page, false);
    const after = await page.evaluate(async () => {
      const h = (window as unknown as W).p;
      const first = await h.intent();
      const t0 = Date.now();
      while ((h.backend === 'js' || h.backend === 'none') && Date.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 200));
      h.track('product_view', { itemId: 'Q', price: 30, categoryId: 'mugs' });
      h.track('add_to_cart', { itemId: 'Q', price: 30, quantity: 1 });
      const second = await h.intent();
      await h.flush();
      const exp = await h.export();
      return { first, second, backend: h.backend, events: exp.events.filter((e) => e.sessionId === second.sessionId), meta: exp.meta['personal:head'] as { head: PersonalHead; modelVersion: string } };
    });
    expect(after.first.source).toBe('personalized');
    expect(after.second.source).toBe('personalized');
    expect(after.backend).not.toBe('js');
    expect(after.meta.head.w).toEqual(stored!.head.w);
    // Node: the same events through the pretrained cell and the stored head
    const net = decodeJsNet(await fetchModelFiles(fileFetch, pathToFileURL(join(MODEL_DIR, '/')).href));
    expect(after.meta.modelVersion).toBe(net.modelVersion);
    const ex = sessionExamples(net, after.events);
    const expected = 1 / (1 + Math.exp(-headLogitOf(after.meta.head, ex.z[ex.z.length - 1])));
    const global = 1 / (1 + Math.exp(-headLogitOf({ w: Array.from(net.hw), b: net.hb }, ex.z[ex.z.length - 1])));
    expect(Math.abs(after.second.purchase - expected)).toBeLessThan(1e-3);
    expect(Math.abs(expected - global)).toBeGreaterThan(1e-3); // the head really differs

    // forget(): the database goes, and intent falls back to the pretrained head
    const forgotten = await page.evaluate(async () => {
      const h = (window as unknown as W).p;
      await h.forget();
      h.track('product_view', { itemId: 'R', price: 30 });
      return (await h.intent()).source;
    });
    expect(forgotten).toBe('model');
    expect(metaOf(await readDatabase(page, DB), 'personal:head')).toBeUndefined();
    expect(page.errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('an item model with factors: personalize() fits the taste, recommend() ranks with it like Node, reload keeps it, forget() removes it', async () => {
    const { model, factors } = handSet();
    const art = buildArtifact(LOG, model.params);
    const { manifest, binary } = encodeArtifact({ itemIds: art.itemIds, sessions: artifactSessions(art), params: model.params, factors });
    const page = await openPage(browser, 'about:blank');
    await page.route('**/taste-model/manifest.json', (r) => r.fulfill({ contentType: 'application/json', body: JSON.stringify(manifest) }));
    await page.route('**/taste-model/model.bin', (r) => r.fulfill({ contentType: 'application/octet-stream', body: Buffer.from(binary) }));
    const DBT = 'taste-e2e';
    const start = async (fake: boolean) => {
      await page.goto(`${server.url}/test/browser/fixtures/esm.html?db=taste-unused&model=/no-model/`);
      await page.evaluate(
        async ({ db, fake }) => {
          const w = window as unknown as W;
          await w.t.ready;
          w.clock = Date.now() - 86_400_000;
          w.seen = [];
          w.p = await w.t.createHunch({ dbName: db, recommend: { url: '/taste-model/manifest.json' } }, fake ? { now: () => w.clock } : {});
          w.p.on('personalize', (e) => w.seen.push(e));
        },
        { db: DBT, fake },
      );
    };
    await start(true);
    // a shopper who buys b-items, over three ended sessions; the open session viewed the hub x
    const run = await page.evaluate(async () => {
      const w = window as unknown as W;
      const h = w.p as H & { recommend(o: object): Promise<Array<{ itemId: string }>> };
      for (const session of [['b1', 'b2'], ['b3', 'x'], ['b5']]) {
        for (const itemId of session) {
          h.track('purchase', { itemId });
          w.clock += 10_000;
        }
        w.clock += 31 * 60_000;
      }
      h.track('product_view', { itemId: 'x' });
      await h.flush();
      const result = (await h.personalize()) as unknown as { recommend: { adopted: boolean; before: number; after: number; items: object } };
      const recs = (await h.recommend({ k: 6 })).map((r) => r.itemId);
      return { result, recs, seen: (w.seen as Array<{ status: string; target?: string }>).filter((e) => e.target === 'recommend').map((e) => e.status) };
    });
    expect(run.result.recommend).toMatchObject({ adopted: true, items: { train: 4, holdout: 1 } });
    expect(run.result.recommend.after).toBeGreaterThan(run.result.recommend.before);
    expect(run.seen).toEqual(['start', 'done']);
    const stored = metaOf(await readDatabase(page, DBT), 'personal:taste') as { taste: number[] } | undefined;
    expect(stored?.taste).toHaveLength(2);
    // Node: the same history and taste through rank() give the same list, and differ without the taste
    const history = { session: [{ itemId: 'x', type: 'product_view' }], past: ['b1', 'b2', 'b3', 'x', 'b5'].map((itemId) => ({ itemId, type: 'purchase' })) };
    const node = createModel(art, model.params, null, factors);
    expect(run.recs).toEqual(rank(node, history, { k: 6, taste: stored!.taste }).map((r) => r.itemId));
    expect(run.recs).not.toEqual(rank(node, history, { k: 6 }).map((r) => r.itemId));

    await start(false); // reload: the stored taste is used again
    const again = await page.evaluate(async () => {
      const h = (window as unknown as W).p as H & { recommend(o: object): Promise<Array<{ itemId: string }>> };
      const recs = (await h.recommend({ k: 6 })).map((r) => r.itemId);
      const exp = await h.export();
      await h.forget();
      return { recs, exported: exp.meta['personal:taste'] as { taste: number[] } };
    });
    // the new visit starts a new session: everything before is past now
    const later = { session: [], past: [...history.past, ...history.session] };
    expect(again.recs).toEqual(rank(node, later, { k: 6, taste: stored!.taste }).map((r) => r.itemId));
    expect(again.exported.taste).toEqual(stored!.taste);
    expect(metaOf(await readDatabase(page, DBT), 'personal:taste')).toBeUndefined();
    expect(page.errors).toEqual([]);
    await page.close();
  }, 120_000);
});
