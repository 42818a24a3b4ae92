/**
 * Bad input, fast tier (happy-dom + memory store): 10,000 seeded random `track()` calls and
 * random malformed auto-capture markup. Every call is either stored sanitized or rejected with a
 * TypeError naming the field; the store ends up holding only valid records; nothing throws out
 * of auto-capture into the page. Reproduce a failure with `HUNCH_FUZZ_SEED=<seed>`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Hunch } from '../../src/api';
import { productsFromJsonLd } from '../../src/capture/jsonld';
import { EVENT_TYPES } from '../../src/events';
import { createHunch } from '../../src/hunch';
import { scrubText, scrubUrl } from '../../src/scrub';
import { createMemoryStore } from '../../src/store/memory-store';
import { MAX_LENGTH, MAX_PRICE, MAX_QUANTITY } from '../../src/validate-event';
import { checkRecord, fuzzAttributes, fuzzJsonLd, prng, runFuzz, type FuzzLimits, type Trackable } from '../browser/fixtures/faults/fuzz-input.mjs';

const SEED = Number(process.env.HUNCH_FUZZ_SEED ?? 20261129);
const LIMITS: FuzzLimits = { eventTypes: EVENT_TYPES, maxLength: MAX_LENGTH, maxPrice: MAX_PRICE, maxQuantity: MAX_QUANTITY };

const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
  document.body.innerHTML = '';
  document.head.innerHTML = '';
  localStorage.clear();
});

async function make(autoCapture: boolean) {
  const store = createMemoryStore();
  // the model is not under test here: keep its problems (no model files in Node) out of the count
  const h = await createHunch({ autoCapture, model: { enabled: false } }, { openStore: async () => store, window });
  instances.push(h);
  const problems: string[] = [];
  h.on('error', (p) => problems.push(p.code));
  h.on('warning', (p) => problems.push(p.code));
  return { h, store, problems };
}

describe('track() fuzz (10,000 seeded calls)', () => {
  it(`stores each call sanitized or rejects it with a TypeError naming the field (seed ${SEED})`, async () => {
    const { h, store, problems } = await make(false);
    const { accepted, rejected, failures } = runFuzz(h as unknown as Trackable, { n: 10_000, seed: SEED, limits: LIMITS });
    expect(failures).toEqual([]);
    // the generator really exercises both outcomes
    expect(accepted.length).toBeGreaterThan(2000);
    expect(rejected).toBeGreaterThan(2000);
    await h.flush();

    // the store holds exactly the accepted records, each valid, and nothing else
    const stored = await store.getEvents();
    expect(stored.length).toBe(accepted.length);
    const byId = new Map(accepted.map((e) => [e.id as string, e]));
    const invalid = stored.flatMap((rec) => checkRecord(rec, LIMITS).map((p) => `${rec.id}: ${p}`));
    expect(invalid).toEqual([]);
    for (const rec of stored) expect(rec).toEqual(byId.get(rec.id));
    const sessions = await store.getSessions();
    expect(sessions.reduce((n, s) => n + s.count, 0)).toBe(stored.length);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(problems).toEqual([]);
  });
});

describe('auto-capture fuzz', () => {
  it(`malformed data-hunch-* markup and JSON-LD never throw into the page; what is stored is valid (seed ${SEED})`, async () => {
    const r = prng(SEED);
    const pageErrors: string[] = [];
    const onError = (e: ErrorEvent) => pageErrors.push(String(e.error ?? e.message));
    window.addEventListener('error', onError);
    try {
      for (let i = 0; i < 12; i++) {
        const s = document.createElement('script');
        s.type = 'application/ld+json';
        s.textContent = fuzzJsonLd(r);
        document.head.append(s);
      }
      const { h, store, problems } = await make(true);
      await new Promise((res) => setTimeout(res, 10));
      for (let i = 0; i < 300; i++) {
        const el = document.createElement(r() < 0.5 ? 'button' : 'a');
        for (const [k, v] of Object.entries(fuzzAttributes(r))) el.setAttribute(k, v);
        const inner = document.createElement('span');
        el.append(inner);
        document.body.append(el);
        expect(() => (r() < 0.5 ? el : inner).click()).not.toThrow();
        if (i % 50 === 0) {
          // an SPA inserting more JSON-LD later
          const s = document.createElement('script');
          s.type = 'application/ld+json';
          s.textContent = fuzzJsonLd(r);
          document.body.append(s);
          await new Promise((res) => setTimeout(res, 0));
        }
      }
      await h.flush();
      const stored = await store.getEvents();
      const invalid = stored.flatMap((rec) => checkRecord(rec, LIMITS).map((p) => `${rec.type} ${rec.id}: ${p}`));
      expect(invalid).toEqual([]);
      expect(stored.filter((e) => e.type === 'add_to_cart').length).toBeGreaterThan(0);
      expect(pageErrors).toEqual([]);
      // malformed markup is reported once as a capture problem, never as an exception
      expect(problems).toEqual(['capture']);
    } finally {
      window.removeEventListener('error', onError);
    }
  });

  it(`productsFromJsonLd never throws, stays bounded and fast on hostile JSON-LD (seed ${SEED})`, () => {
    const r = prng(SEED + 1);
    for (let i = 0; i < 60; i++) {
      const text = fuzzJsonLd(r);
      const t = performance.now();
      let out: ReturnType<typeof productsFromJsonLd> = [];
      expect(() => (out = productsFromJsonLd(text))).not.toThrow();
      const ms = performance.now() - t;
      expect({ i, bounded: out.length <= 50, fast: ms < 500 }).toEqual({ i, bounded: true, fast: true });
    }
    // a product buried under deep nesting is still found, and later blocks are not lost
    const deep = `{"@type":"Product","sku":${'{"name":'.repeat(50_000)}"deep"${'}'.repeat(50_000)},"name":"fallback"}`;
    expect(() => productsFromJsonLd(deep)).not.toThrow();
  });
});

// Shapes the fuzzer found leaking before scrub.ts learned them; kept as plain regressions.
describe('scrubbing shapes found by the fuzzer', () => {
  it.each([
    ['id glued before a card', 'A1 4111 1111 1111 1111', 'id', 'A1 [card]'],
    ['a plus sign merged into a card', '+1  4111 1111 1111 1111', 'id', '[card]'],
    ['a phone next to a card', 'call +1 415 555 2671 4111 1111 1111 1111 now', 'text', 'call [number] now'],
    ['a card among many digit groups', '1 1 1 4111 1111 1111 1111 1 1 1', 'id', '[number]'],
  ] as const)('%s', (_label, input, mode, expected) => {
    expect(scrubText(input, mode)).toBe(expected);
  });

  it.each(['abc1234567890123', 'sku 12345678901234567890123', 'size 42 shoes'])('keeps %j', (s) => {
    expect(scrubText(s, 'id')).toBe(s);
  });

  it('removes percent-encoded emails and phones from URL paths and hash routes', () => {
    expect(scrubUrl('https://shop.example/u/jane.doe%40example.com/orders')).toBe('https://shop.example/u/[email]/orders');
    expect(scrubUrl('/p/%2B1%20415%20555%202671')).toBe('/p/[phone]');
    expect(scrubUrl('/#/u/jane%40example.com')).toBe('/#/u/[email]');
    expect(scrubUrl('/a%20b/c%2Fd?x=1')).toBe('/a%20b/c%2Fd?x='); // encoding kept when nothing is removed
    expect(scrubUrl('/bad%E0%A4%A/100%')).toBe('/bad%E0%A4%A/100%');
  });
});
