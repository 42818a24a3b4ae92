/**
 * The demo shop's page behaviour shared by the storefront (multi-page) and the SPA: cart badge,
 * catalog filtering, cart rendering, order summary and the "Picked for you" slot. Shop code only:
 * it never records anything with hunch; it may read recommendations from it.
 */
import { productById, categoryById, formatPrice } from './catalog.js';
import { productCardHtml, cartLineHtml, reasonText } from './render.js';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const ORDER_KEY = 'cedar-last-order';

/** Shows a short message at the bottom of the page for 1.8 s. */
export function toast(text) {
  let el = $('.toast');
  if (!el) {
    el = document.createElement('div');
    el.className = 'toast';
    el.setAttribute('role', 'status');
    document.body.append(el);
  }
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('show'), 1800);
}

/** Updates every `[data-cart-count]` badge. */
export function renderCartCount(cart) {
  for (const el of $$('[data-cart-count]')) el.textContent = String(cart.count());
}

/**
 * Shows only the catalog cards matching `cat` and the words of `q`; updates chips and title.
 * @param {object} catalog
 * @param {{ cat?: string, q?: string }} filter
 */
export function filterCatalog(catalog, { cat = '', q = '' }) {
  const words = q.trim().toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const card of $$('[data-testid="product-grid"] .card')) {
    const p = productById(catalog, card.dataset.product);
    const hay = `${p.name} ${p.summary} ${p.category}`.toLowerCase();
    const ok = (!cat || p.category === cat) && words.every((w) => hay.includes(w));
    card.hidden = !ok;
    if (ok) shown++;
  }
  $('[data-empty]').hidden = shown > 0;
  for (const chip of $$('[data-chip]')) chip.setAttribute('aria-current', String(chip.dataset.chip === cat));
  for (const a of $$('[data-nav]')) {
    if (a.dataset.nav === cat) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const title = $('[data-catalog-title]');
  title.textContent = q ? `Results for “${q}”` : cat ? categoryById(catalog, cat)?.name ?? 'Products' : 'All products';
  const input = $('.search input');
  if (input && q) input.value = q;
  return shown;
}

/**
 * Fills cart lines, totals and the empty state on the cart and checkout pages.
 * @param {object} catalog
 * @param {ReturnType<import('./cart.js').createCart>} cart
 * @param {{ removeAttrs?: (p: object, qty: number) => string, hunchTotals?: boolean }} [opts]
 *   `hunchTotals`: also write the cart value into the checkout/purchase elements' `data-hunch-price`.
 */
export function renderCart(catalog, cart, opts = {}) {
  const lines = cart.lines();
  for (const list of $$('[data-cart-lines]')) {
    const readonly = list.hasAttribute('data-readonly');
    list.innerHTML = lines
      .map((l) => {
        const p = productById(catalog, l.id);
        if (!p) return '';
        return cartLineHtml(p, l.qty, readonly ? undefined : opts.removeAttrs ? opts.removeAttrs(p, l.qty) : '');
      })
      .join('');
  }
  const total = cart.total(catalog);
  for (const el of $$('[data-cart-total], [data-cart-subtotal]')) el.textContent = formatPrice(total);
  const empty = $('[data-cart-empty]');
  if (empty) empty.hidden = lines.length > 0;
  if (opts.hunchTotals) {
    // the order form carries the purchase (recorded on a valid submit, not on every button click)
    for (const el of $$('[data-checkout-link], [data-checkout-form]')) {
      el.dataset.hunchPrice = String(Math.round(total * 100) / 100);
      el.dataset.hunchQuantity = String(Math.max(1, cart.count()));
    }
  }
  $('[data-checkout-link]')?.toggleAttribute('hidden', lines.length === 0);
  const place = $('[data-place-order]');
  if (place) place.disabled = lines.length === 0;
}

/** Remembers the order being placed (for the thank-you page) and empties the cart. */
export function placeOrder(catalog, cart) {
  const order = { number: `CM-${Date.now().toString(36).toUpperCase()}`, items: cart.count(), total: cart.total(catalog) };
  sessionStorage.setItem(ORDER_KEY, JSON.stringify(order));
  cart.clear();
  return order;
}

/** Fills the thank-you page's order line from {@link placeOrder}'s record. */
export function renderThanks() {
  const el = $('[data-order-summary]');
  if (!el) return;
  try {
    const o = JSON.parse(sessionStorage.getItem(ORDER_KEY) ?? 'null');
    if (o) el.textContent = `Order ${o.number}: ${o.items} item${o.items === 1 ? '' : 's'}, ${formatPrice(o.total)}. It is on its way.`;
  } catch {
    /* keep the default text */
  }
}

/**
 * Fills the product page's "Picked for you" slot from `hunch.recommend()`, when the build has it.
 * The slot stays hidden otherwise, or when there is nothing to show.
 * @param {(id: string) => string} hrefOf product id → URL
 */
export async function renderRecommendations(hunch, catalog, currentId, hrefOf) {
  const section = $('[data-recommendations]');
  if (!section || typeof hunch?.recommend !== 'function') return;
  try {
    const recs = (await hunch.recommend({ k: 5 })).filter((r) => r.itemId !== currentId).slice(0, 4);
    const cards = recs
      .map((r) => ({ r, p: productById(catalog, r.itemId) }))
      .filter((x) => x.p)
      .map(({ r, p }) => productCardHtml(catalog, p, { href: hrefOf(p.id), note: reasonText(r.reason, (id) => productById(catalog, id)?.name) }));
    if (cards.length === 0) return;
    $('[data-rec-grid]', section).innerHTML = cards.join('');
    section.hidden = false;
  } catch (err) {
    console.warn('recommendations unavailable:', err);
  }
}
