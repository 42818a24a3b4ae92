/**
 * Scripted shopper sessions for the dashboard's "simulate a shopper" control. Pure: catalog and
 * seed in, a list of steps out. Gaps are realistic (seconds to a minute); the player speeds them up.
 */

/** Scenario ids and labels, in menu order. */
export const SCENARIOS = Object.freeze([
  { id: 'browse', label: 'Window shopper: browses, leaves' },
  { id: 'compare', label: 'Comparer: weighs options, adds one' },
  { id: 'hesitate', label: 'Hesitant: cart, checkout, stalls' },
  { id: 'buy', label: 'Decisive buyer: searches, buys' },
]);

/** Small seeded PRNG (mulberry32): same seed, same session. Returns floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds one scenario.
 * @param {string} id one of {@link SCENARIOS}
 * @param {{ products: { id: string, category: string, price: number, name: string }[],
 *   categories: { id: string, name: string }[] }} catalog
 * @param {number} [seed] integer seed, default 1
 * @param {string} [base] URL prefix of the shop the steps pretend to visit
 * @returns {{ gapMs: number, type: string | null, props: object, label: string }[]}
 *   `gapMs`: real-time pause before the step, in ms; `type` null is a pause with no event.
 * @throws {TypeError} for an unknown id or an empty catalog.
 */
export function buildScenario(id, catalog, seed = 1, base = '/examples/storefront') {
  if (!SCENARIOS.some((s) => s.id === id)) throw new TypeError(`id: unknown scenario "${id}"`);
  if (!catalog?.products?.length) throw new TypeError('catalog: expected products');
  const r = rng(seed);
  const between = (lo, hi) => Math.round(lo + (hi - lo) * r());
  const pick = (list) => list[Math.floor(r() * list.length)];
  const steps = [];
  const push = (gapMs, type, props, label) => steps.push({ gapMs, type, props, label });

  const home = (gap) => push(gap, 'page_view', { url: `${base}/` }, 'opens the shop');
  const view = (p, gap) => {
    const url = `${base}/products/${p.id}.html`;
    push(gap, 'page_view', { url }, `opens ${p.name}`);
    push(150, 'product_view', { itemId: p.id, categoryId: p.category, price: p.price, url }, `looks at ${p.name}`);
  };
  const add = (p, gap) =>
    push(gap, 'add_to_cart', { itemId: p.id, categoryId: p.category, price: p.price, quantity: 1 }, `adds ${p.name} to the cart`);
  const cartPage = (gap) => push(gap, 'page_view', { url: `${base}/cart.html` }, 'opens the cart');
  const checkout = (total, gap) => {
    push(gap, 'begin_checkout', { price: total }, 'starts checkout');
    push(400, 'page_view', { url: `${base}/checkout.html` }, 'fills in the checkout form');
  };

  const cat = pick(catalog.categories).id;
  const inCat = catalog.products.filter((p) => p.category === cat);
  const others = catalog.products.filter((p) => p.category !== cat);

  home(0);
  if (id === 'browse') {
    const n = between(4, 6);
    for (let i = 0; i < n; i++) view(pick(catalog.products), between(6_000, 25_000));
    push(between(20_000, 40_000), null, {}, 'drifts away');
  } else if (id === 'compare') {
    const name = catalog.categories.find((c) => c.id === cat)?.name ?? cat;
    push(between(3_000, 8_000), 'search', { query: name.toLowerCase() }, `searches “${name.toLowerCase()}”`);
    const shortlist = [...inCat].sort(() => r() - 0.5).slice(0, 3);
    for (const p of shortlist) view(p, between(8_000, 20_000));
    for (const p of shortlist.slice(0, 2)) view(p, between(15_000, 45_000));
    const choice = shortlist.reduce((a, b) => (a.price <= b.price ? a : b));
    add(choice, between(10_000, 20_000));
    cartPage(between(3_000, 6_000));
    push(between(30_000, 60_000), null, {}, 'thinks it over');
  } else if (id === 'hesitate') {
    const p = pick(catalog.products);
    view(pick(others), between(5_000, 15_000));
    view(p, between(10_000, 30_000));
    add(p, between(20_000, 40_000));
    cartPage(between(4_000, 8_000));
    checkout(p.price, between(20_000, 50_000));
    push(between(45_000, 90_000), null, {}, 'hesitates at checkout');
    view(pick(inCat), between(10_000, 20_000));
    push(between(60_000, 120_000), null, {}, 'leaves with the cart full');
  } else {
    const p = pick(inCat);
    const word = p.name.split(/[\s,]+/)[0].toLowerCase();
    push(between(2_000, 5_000), 'search', { query: word }, `searches “${word}”`);
    view(p, between(3_000, 6_000));
    add(p, between(8_000, 20_000));
    cartPage(between(2_000, 4_000));
    checkout(p.price, between(3_000, 8_000));
    push(between(25_000, 45_000), 'purchase', { itemId: p.id, price: p.price, quantity: 1 }, 'places the order');
    push(1_500, 'page_view', { url: `${base}/thanks.html` }, 'sees the thank-you page');
  }
  return steps;
}
