/**
 * Real shopper sessions for the dashboard's "simulate a shopper" menu, read at run time from the
 * REES46 event log under the shared data root (`$HUNCH_DATA/events/rees46/2019-Oct-head.csv`,
 * default `<repo>/../shared/data`). Nothing is copied into the repository: the server answers
 * `/replay/real-sessions.json` from memory, or 404 without the data.
 *
 * Each real session keeps its event types, their order and the real gaps between them; its
 * products are mapped onto the demo catalog (REES46 top-level category → demo category, product
 * id → one of that category's products by a stable hash), so the dashboard can name them.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** File read, relative to the data root. */
export const REES46_FILE = 'events/rees46/2019-Oct-head.csv';

/** REES46 top-level `category_code` → demo category id; anything else hashes onto the four. */
const CATEGORY_MAP = {
  electronics: 'audio',
  computers: 'audio',
  appliances: 'coffee',
  furniture: 'home',
  construction: 'home',
  kids: 'home',
  accessories: 'home',
  apparel: 'outdoor',
  auto: 'outdoor',
  sport: 'outdoor',
  country_yard: 'outdoor',
};

/** Largest real gap kept between two events, ms (longer pauses are shortened to this). */
export const MAX_GAP_MS = 5 * 60_000;

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Parses the REES46 CSV text into replayable sessions (pure).
 * @param {string} csv the file's text, with its header row
 * @param {{ products: { id: string, category: string, price: number }[], categories: { id: string }[] }} catalog
 * @param {{ limit?: number, minEvents?: number, maxEvents?: number }} [opts] default 24 sessions of 4..40 events,
 *   half of them (when there are enough) with a cart or a purchase.
 * @returns {{ id: string, label: string, steps: { gapMs: number, type: string | null, props: object, label: string }[] }[]}
 * @throws {TypeError} when the header is not REES46's.
 */
export function parseRees46Sessions(csv, catalog, opts = {}) {
  const { limit = 24, minEvents = 4, maxEvents = 40 } = opts;
  const lines = csv.split(/\r?\n/);
  const header = lines[0]?.split(',') ?? [];
  const col = (name) => header.indexOf(name);
  const idx = { time: col('event_time'), type: col('event_type'), product: col('product_id'), code: col('category_code'), session: col('user_session') };
  if (Object.values(idx).some((i) => i < 0)) throw new TypeError('csv: expected the REES46 header (event_time,event_type,product_id,…,user_session)');
  const cats = catalog.categories.map((c) => c.id);
  const bySession = new Map();
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    if (f.length < header.length) continue;
    const ts = Date.parse(f[idx.time].replace(' UTC', 'Z').replace(' ', 'T'));
    if (!Number.isFinite(ts)) continue;
    const list = bySession.get(f[idx.session]) ?? [];
    list.push({ ts, type: f[idx.type], product: f[idx.product], code: f[idx.code] });
    bySession.set(f[idx.session], list);
  }
  const toProduct = (product, code) => {
    const top = code.split('.')[0];
    const cat = CATEGORY_MAP[top] ?? cats[hash(top || product) % cats.length];
    const pool = catalog.products.filter((p) => p.category === cat);
    return pool[hash(product) % pool.length];
  };
  const sessions = [];
  for (const [sid, events] of bySession) {
    if (events.length < minEvents || events.length > maxEvents) continue;
    events.sort((a, b) => a.ts - b.ts);
    const steps = [];
    let prev = events[0].ts;
    for (const e of events) {
      const gapMs = Math.min(MAX_GAP_MS, e.ts - prev);
      prev = e.ts;
      const p = toProduct(e.product, e.code);
      const item = { itemId: p.id, categoryId: p.category, price: p.price };
      const url = `/examples/storefront/products/${p.id}.html`;
      if (e.type === 'view') {
        steps.push({ gapMs, type: 'page_view', props: { url }, label: `opens ${p.name ?? p.id}` });
        steps.push({ gapMs: 150, type: 'product_view', props: { ...item, url }, label: `looks at ${p.name ?? p.id}` });
      } else if (e.type === 'cart') {
        steps.push({ gapMs, type: 'add_to_cart', props: { ...item, quantity: 1 }, label: `adds ${p.name ?? p.id} to the cart` });
      } else if (e.type === 'purchase') {
        steps.push({ gapMs, type: 'purchase', props: { ...item, quantity: 1 }, label: `buys ${p.name ?? p.id}` });
      }
    }
    const carted = events.some((e) => e.type === 'cart');
    const bought = events.some((e) => e.type === 'purchase');
    const minutes = Math.max(1, Math.round((events[events.length - 1].ts - events[0].ts) / 60_000));
    sessions.push({
      id: `rees46:${sid.slice(0, 8)}`,
      outcome: bought ? 1 : carted ? 0.5 : 0,
      label: `REES46 ${sid.slice(0, 8)}: ${events.length} events, ${minutes} min, ${bought ? 'bought' : carted ? 'carted, left' : 'browsed'}`,
      steps,
    });
  }
  // Half with a cart or purchase, half without, in file order within each half.
  const active = sessions.filter((s) => s.outcome > 0);
  const passive = sessions.filter((s) => s.outcome === 0);
  const half = Math.min(active.length, Math.ceil(limit / 2));
  return [...active.slice(0, half), ...passive.slice(0, limit - half)].map(({ id, label, steps }) => ({ id, label, steps }));
}

/**
 * Reads and parses the sessions, or returns null when the data is not there.
 * @param {string} [dataRoot] default `$HUNCH_DATA`, else `<repo>/../shared/data`
 */
export async function loadRealSessions(dataRoot) {
  const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const root = dataRoot ?? process.env.HUNCH_DATA ?? join(repo, '..', 'shared', 'data');
  let csv;
  try {
    csv = await readFile(join(root, REES46_FILE), 'utf8');
  } catch {
    return null;
  }
  const catalog = JSON.parse(await readFile(join(repo, 'examples/shared/catalog.json'), 'utf8'));
  return parseRees46Sessions(csv, catalog);
}
