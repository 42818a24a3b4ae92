// @vitest-environment node
/**
 * The demo's pure modules (plain JS under examples/), checked in Node: the offer banner's
 * frequency cap, the simulated shoppers, the intent chart, the dashboard's formatting, and the
 * storefront's generated pages against hunch's own JSON-LD and event validation.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { productsFromJsonLd } from '../../src/capture/jsonld';
import { EVENT_TYPES } from '../../src/events';
import { validateEvent } from '../../src/validate-event';
import { dataRoot } from '../data-root';

const root = new URL('../../examples/', import.meta.url);
// Dynamic imports with a computed specifier: the examples are plain JS without type declarations.
const load = (rel: string): Promise<any> => import(new URL(rel, root).href);
const catalog = JSON.parse(readFileSync(new URL('shared/catalog.json', root), 'utf8'));

describe('offer frequency cap', () => {
  it('allows one offer per session, then cools down and caps the day', async () => {
    const { canShowOffer, recordOffer } = await load('shared/offer-cap.js');
    const t0 = 1_700_000_000_000;
    let log: unknown[] = [];
    expect(canShowOffer(log, { now: t0, sessionId: 'a' }).ok).toBe(true);
    log = recordOffer(log, { ts: t0, sessionId: 'a', rule: 'abandonment' });
    expect(canShowOffer(log, { now: t0 + 60 * 60_000, sessionId: 'a' })).toEqual({ ok: false, reason: 'already shown this session' });
    expect(canShowOffer(log, { now: t0 + 60_000, sessionId: 'b' }).reason).toBe('cooling down');
    expect(canShowOffer(log, { now: t0 + 11 * 60_000, sessionId: 'b' }).ok).toBe(true);
    log = recordOffer(log, { ts: t0 + 11 * 60_000, sessionId: 'b', rule: 'ready' });
    log = recordOffer(log, { ts: t0 + 22 * 60_000, sessionId: 'c', rule: 'ready' });
    expect(canShowOffer(log, { now: t0 + 40 * 60_000, sessionId: 'd' }).reason).toBe('daily cap reached');
    // a day later the oldest showing has expired from the log
    expect(canShowOffer(log, { now: t0 + 24 * 60 * 60_000 + 1, sessionId: 'd' }).ok).toBe(true);
    expect(recordOffer(log, { ts: t0 + 48 * 60 * 60_000, sessionId: 'e', rule: 'x' })).toHaveLength(1);
  });

  it('rejects a bad clock or session id with a TypeError naming the field', async () => {
    const { canShowOffer } = await load('shared/offer-cap.js');
    expect(() => canShowOffer([], { now: NaN, sessionId: 'a' })).toThrow(/now/);
    expect(() => canShowOffer([], { now: 1, sessionId: 7 })).toThrow(/sessionId/);
  });

  it('maps trigger rule names to banner copy', async () => {
    const { offerKind } = await load('shared/offer-banner.js');
    expect(offerKind('abandonment')).toBe('abandon');
    expect(offerKind('cart-abandon')).toBe('abandon');
    expect(offerKind('ready-to-buy')).toBe('ready');
  });
});

describe('simulated shoppers', () => {
  it('every scenario plays only valid hunch events with realistic gaps', async () => {
    const { SCENARIOS, buildScenario } = await load('dashboard/scenarios.js');
    for (const { id } of SCENARIOS) {
      for (const seed of [1, 2, 3]) {
        const steps = buildScenario(id, catalog, seed);
        expect(steps.length).toBeGreaterThan(4);
        for (const s of steps) {
          expect(s.gapMs).toBeGreaterThanOrEqual(0);
          if (s.type === null) continue;
          expect(EVENT_TYPES).toContain(s.type);
          expect(() => validateEvent(s.type, s.props)).not.toThrow();
        }
        const total = steps.reduce((n: number, s: { gapMs: number }) => n + s.gapMs, 0);
        expect(total).toBeGreaterThan(20_000); // a real session takes time; the player speeds it up
      }
    }
  });

  it('scenarios differ the way shoppers do', async () => {
    const { buildScenario } = await load('dashboard/scenarios.js');
    const types = (id: string, seed: number) => buildScenario(id, catalog, seed).map((s: { type: string | null }) => s.type);
    for (const seed of [1, 7, 42]) {
      expect(types('buy', seed)).toContain('purchase');
      expect(types('hesitate', seed)).toContain('begin_checkout');
      expect(types('hesitate', seed)).not.toContain('purchase');
      expect(types('browse', seed)).not.toContain('add_to_cart');
      expect(types('compare', seed)).toContain('add_to_cart');
    }
    expect(buildScenario('browse', catalog, 5)).toEqual(buildScenario('browse', catalog, 5));
    expect(buildScenario('browse', catalog, 5)).not.toEqual(buildScenario('browse', catalog, 6));
    expect(() => buildScenario('nope', catalog)).toThrow(TypeError);
  });

  it('the player tracks each event step once, sped up, and can stop', async () => {
    const { playScenario } = await load('dashboard/simulator.js');
    const steps = [
      { gapMs: 1000, type: 'page_view', props: { url: '/a' }, label: 'a' },
      { gapMs: 1000, type: null, props: {}, label: 'pause' },
      { gapMs: 1000, type: 'search', props: { query: 'x' }, label: 'b' },
    ];
    const tracked: string[] = [];
    const t0 = Date.now();
    const stopped = await new Promise((done) =>
      playScenario({ track: (t: string) => tracked.push(t) }, steps, { speed: 100, onDone: done }));
    expect(stopped).toBe(false);
    expect(tracked).toEqual(['page_view', 'search']);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(() => playScenario({ track() {} }, steps, { speed: 0 })).toThrow(/speed/);
  });
});

describe('dashboard rendering helpers', () => {
  it('the intent chart draws one point per score and an empty state', async () => {
    const { intentChartSvg } = await load('dashboard/chart.js');
    const pts = [0.1, 0.4, 0.8].map((p, i) => ({ ts: 1000 * i, purchase: p, stage: 'browsing' }));
    const svg = intentChartSvg(pts);
    expect(svg.match(/<circle /g)).toHaveLength(4); // three points + the ring on the last one
    expect(svg).toContain('Purchase intent 80%');
    expect(intentChartSvg([])).toContain('no intent scores yet');
  });

  it('shows a personalization run as before/after held-out log-loss with its verdict', async () => {
    const { personalizeRunHtml } = await load('dashboard/personalize-view.js');
    const adopted = personalizeRunHtml({ at: 0, ms: 420, source: 'button',
      result: { adopted: true, before: 0.412, after: 0.362, examples: 180, sessions: { train: 6, holdout: 2 } } });
    expect(adopted).toContain('adopted: personal weights in use');
    expect(adopted).toMatch(/<td>0\.412<\/td><td>0\.362<\/td><td>−0\.050<\/td>/);
    expect(adopted).toContain('180 training steps · 6 sessions fitted, 2 held out');
    const kept = personalizeRunHtml({ at: 0, ms: NaN, source: 'event', result: { adopted: false, before: 0.3, after: 0.31, examples: 50, sessions: { train: 3, holdout: 1 } } });
    expect(kept).toContain('kept the current weights');
    expect(kept).toContain('started by hunch');
    expect(kept).toContain('+0.010');
    expect(kept).not.toContain('pretrained head');
    const dropped = personalizeRunHtml({ at: 0, ms: 9, source: 'event', result: { adopted: false, reverted: true, before: 0.5, after: 0.45, base: 0.3, examples: 50, sessions: { train: 3, holdout: 1 } } });
    expect(dropped).toContain('dropped the personal weights');
    expect(dropped).toMatch(/pretrained head, same sessions<\/td><td><\/td><td>0\.300<\/td>/);
    const skipped = personalizeRunHtml({ at: 0, ms: 3, source: 'button', result: { adopted: false, before: NaN, after: NaN, examples: 0, sessions: { train: 0, holdout: 0 }, skipped: 'too few sessions' } });
    expect(skipped).toContain('skipped: too few sessions');
    expect(personalizeRunHtml({ at: 0, ms: 3, source: 'button', error: 'boom <b>' })).toContain('boom &lt;b&gt;');
  });

  it('shows a recommendation taste run as held-out mean reciprocal rank (higher is better), not as an intent-head run', async () => {
    const { personalizeRunHtml } = await load('dashboard/personalize-view.js');
    const taste = { status: 'done', target: 'recommend', reason: 'auto', durationMs: 12, adopted: true, reverted: false,
      before: 0.25, after: 0.4, base: 0.2, examples: 9, items: { train: 9, holdout: 3 } };
    const html = personalizeRunHtml({ at: 0, ms: 12, source: 'event', result: taste });
    expect(html).not.toContain('log-loss');
    expect(html).not.toContain('training steps');
    expect(html).not.toContain('personal weights');
    expect(html).toContain('mean reciprocal rank (higher is better)');
    expect(html).toMatch(/<td>0\.250<\/td><td>0\.400<\/td><td>\+0\.150<\/td>/);
    expect(html).toContain('adopted: personal taste in use');
    expect(html).toContain('9 items fitted, 3 held out');
    expect(html).toMatch(/no taste, same items<\/td><td><\/td><td>0\.200<\/td>/);
    const reverted = personalizeRunHtml({ at: 0, ms: NaN, source: 'event', result: { ...taste, adopted: false, reverted: true } });
    expect(reverted).toContain('dropped the personal taste');
    // a button run: personalize() resolved with the head's result and the taste's under `recommend`
    const both = personalizeRunHtml({ at: 0, ms: 30, source: 'button', result: {
      adopted: false, before: 0.3, after: 0.31, examples: 50, sessions: { train: 3, holdout: 1 },
      recommend: { adopted: false, reverted: false, before: 0.5, after: 0.45, base: 0.5, examples: 4, items: { train: 4, holdout: 1 } } } });
    expect(both).toContain('log-loss');
    expect(both).toContain('mean reciprocal rank');
    expect(both).toContain('kept the current taste');
    expect(both).toContain('4 items fitted, 1 held out');
    expect(both.indexOf('log-loss')).toBeLessThan(both.indexOf('mean reciprocal rank'));
  });

  it("the simulator's closing line says why a session with a purchase stays 'browsing'", async () => {
    const { simDoneText } = await load('dashboard/dashboard.js');
    const steps = [{ type: 'page_view' }, { type: null }, { type: 'add_to_cart' }];
    expect(simDoneText(steps)).toBe('Done: 2 events played.');
    const bought = simDoneText([...steps, { type: 'purchase' }]);
    expect(bought).toMatch(/^Done: 3 events played\. /);
    expect(bought).toContain("stays 'browsing'");
  });

  it('shows device metrics, global vs personal head', async () => {
    const { deviceMetricsHtml } = await load('dashboard/personalize-view.js');
    const html = deviceMetricsHtml({ modelVersion: 'v', sessions: 9,
      global: { n: 9, positives: 3, auc: 0.75, brier: 0.2, ece: 0.1 }, personalized: null });
    expect(html).toContain('9 ended sessions scored (3 with a purchase)');
    expect(html).toMatch(/AUC ↑<\/td><td>0\.750<\/td><td>–<\/td>/);
    expect(html).toContain('no personal head in use');
    const personal = deviceMetricsHtml({ modelVersion: 'v', sessions: 9, global: { n: 9, positives: 3, auc: 0.75, brier: 0.2, ece: 0.1 },
      globalSinceFit: { n: 2, positives: 1, auc: 1, brier: 0.3, ece: 0.2 }, personalized: { n: 2, positives: 1, auc: 0, brier: 0.25, ece: 0.15 } });
    expect(personal).toContain('2 ended since the personal head was fitted');
    expect(personal).toMatch(/Brier ↓<\/td><td>0\.200<\/td><td>0\.300<\/td><td>0\.250<\/td>/);
    expect(deviceMetricsHtml({})).toBe('');
  });

  it('formats sizes, durations and timeline lines', async () => {
    const { formatBytes, formatDuration, describeEvent } = await load('dashboard/format.js');
    expect(formatBytes(73_700)).toBe('73.7 kB');
    expect(formatBytes(NaN)).toBe('–');
    expect(formatDuration(200_000)).toBe('3 m 20 s');
    const nameOf = (id: string) => (id === 'au-201' ? 'Studio Headphones' : undefined);
    expect(describeEvent({ type: 'add_to_cart', itemId: 'au-201', price: 149, quantity: 2 }, nameOf)).toBe('Studio Headphones × 2 · €149.00');
    expect(describeEvent({ type: 'search', query: 'mug' }, nameOf)).toBe('“mug”');
    // SPA pages differ only in their query: it is shown
    expect(describeEvent({ type: 'page_view', url: 'http://127.0.0.1:5173/examples/spa/?view=product&id=od-402#top' }, nameOf)).toBe('/spa/?view=product&id=od-402');
    expect(describeEvent({ type: 'page_view', url: 'http://127.0.0.1:5173/examples/storefront/cart.html' }, nameOf)).toBe('/storefront/cart.html');
  });
});

describe('storefront pages', () => {
  const dir = new URL('storefront/products/', root);
  const files = readdirSync(dir).filter((f) => f.endsWith('.html'));

  it('has one generated page per catalog product', () => {
    expect(files.sort()).toEqual(catalog.products.map((p: { id: string }) => `${p.id}.html`).sort());
  });

  it("each product page's JSON-LD is read by hunch's capture as that product", () => {
    for (const f of files) {
      const html = readFileSync(new URL(f, dir), 'utf8');
      const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
      const p = catalog.products.find((x: { id: string }) => `${x.id}.html` === f);
      expect(productsFromJsonLd(ld)).toEqual([{ itemId: p.id, price: p.price, categoryId: p.category }]);
      expect(html).toContain(`data-hunch-event="add_to_cart" data-hunch-item="${p.id}" data-hunch-price="${p.price}"`);
    }
  });

  it('loads nothing from another origin', () => {
    const pages = ['index.html', 'cart.html', 'checkout.html', 'thanks.html', ...files.map((f) => `products/${f}`)];
    for (const f of pages) {
      const html = readFileSync(new URL(`storefront/${f}`, root), 'utf8');
      const srcs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      for (const s of srcs) expect(s, `${f}: ${s}`).toMatch(/^(\/|#|data:)/);
    }
  });
});

describe('real sessions for the replay menu', () => {
  const header = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';
  const row = (t: string, type: string, product: string, code: string, session: string) =>
    `2019-10-01 00:${t} UTC,${type},${product},1,${code},b,9.99,7,${session}`;

  it('keeps order, types and real gaps (capped), and maps products onto the demo catalog', async () => {
    const { parseRees46Sessions, MAX_GAP_MS } = await load('dashboard/real-sessions.mjs');
    const csv = [header,
      row('00:00', 'view', '11', 'electronics.audio.headphone', 'aaaaaaaa-1'),
      row('00:30', 'view', '12', 'electronics.audio.headphone', 'aaaaaaaa-1'),
      row('01:00', 'cart', '12', 'electronics.audio.headphone', 'aaaaaaaa-1'),
      row('59:00', 'purchase', '12', 'electronics.audio.headphone', 'aaaaaaaa-1'),
      row('00:05', 'view', '99', 'furniture.bedroom.bed', 'bbbbbbbb-2'), // too short: dropped
    ].join('\n');
    const [s, ...rest] = parseRees46Sessions(csv, catalog);
    expect(rest).toEqual([]);
    expect(s.label).toMatch(/^REES46 aaaaaaaa: 4 events, 59 min, bought$/);
    expect(s.steps.map((x: { type: string }) => x.type)).toEqual(['page_view', 'product_view', 'page_view', 'product_view', 'add_to_cart', 'purchase']);
    expect(s.steps.map((x: { gapMs: number }) => x.gapMs)).toEqual([0, 150, 30_000, 150, 30_000, MAX_GAP_MS]);
    const items = s.steps.filter((x: { props: { itemId?: string } }) => x.props.itemId).map((x: { props: { itemId: string } }) => x.props.itemId);
    for (const id of items) expect(catalog.products.find((p: { id: string }) => p.id === id)?.category).toBe('audio');
    expect(new Set(items.slice(1)).size).toBe(1); // product 12 always maps to the same demo item
    expect(() => parseRees46Sessions('a,b\n1,2', catalog)).toThrow(TypeError);
  });

  const rees46 = join(dataRoot(), 'events/rees46/2019-Oct-head.csv');
  it.skipIf(!existsSync(rees46))('reads 24 replayable sessions from the real log at run time (needs ../shared/data; set HUNCH_DATA)', async () => {
    const { loadRealSessions } = await load('dashboard/real-sessions.mjs');
    const sessions = await loadRealSessions(dataRoot());
    expect(sessions).toHaveLength(24);
    for (const s of sessions) for (const step of s.steps) expect(() => validateEvent(step.type, step.props)).not.toThrow();
    expect(sessions.some((s: { label: string }) => s.label.endsWith('bought'))).toBe(true);
    expect(sessions.some((s: { label: string }) => s.label.endsWith('browsed'))).toBe(true);
  });
});
