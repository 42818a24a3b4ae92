/**
 * Cedar Market's own page code (multi-page storefront): cart in localStorage, catalog filtering,
 * checkout. It records nothing with hunch itself: the script tag captures page views, JSON-LD
 * product views and `data-hunch-*` clicks. The shop only reads from hunch (recommendations,
 * triggers for the offer banner).
 */
import { loadCatalog, productById } from '/examples/shared/catalog.js';
import { createCart, CART_EVENT } from '/examples/shared/cart.js';
import { hunchItemAttrs } from '/examples/shared/render.js';
import { toast, renderCartCount, filterCatalog, renderCart, placeOrder, renderThanks, renderRecommendations } from '/examples/shared/shop-ui.js';
import { mountOfferBanner } from '/examples/shared/offer-banner.js';
import { keepConsentChoice } from '/examples/shared/consent-choice.js';

const BASE = '/examples/storefront';
const cart = createCart('cedar-cart');
const cartOpts = { removeAttrs: (p, qty) => hunchItemAttrs('remove_from_cart', p, qty), hunchTotals: true };

/** The database the script tag opened (its `data-db-name`). */
const DB = document.querySelector('script[data-db-name]')?.dataset.dbName ?? 'hunch-demo';

async function main() {
  // The page's tag starts hunch 'pending'; the shopper's saved choice (the store's own record of
  // it) is applied first thing, before anything else awaits.
  if (window.hunch) keepConsentChoice(window.hunch, DB).catch((err) => console.warn('hunch: consent not applied:', err));
  renderCartCount(cart);
  window.addEventListener(CART_EVENT, () => renderCartCount(cart));
  window.addEventListener('storage', () => renderCartCount(cart));
  const catalog = await loadCatalog();

  document.addEventListener('click', (e) => {
    const add = e.target.closest('[data-cart-add]');
    if (add) {
      cart.add(add.dataset.cartAdd, 1);
      toast(`Added ${productById(catalog, add.dataset.cartAdd)?.name ?? 'item'} to your cart`);
    }
    const remove = e.target.closest('[data-cart-remove]');
    if (remove) {
      cart.remove(remove.dataset.cartRemove);
      // Re-render after hunch's own click listener has read the button's attributes.
      setTimeout(() => renderCart(catalog, cart, cartOpts), 0);
    }
  });

  if (document.querySelector('[data-testid="product-grid"]')) {
    const params = new URLSearchParams(location.search);
    const filter = { cat: params.get('cat') ?? '', q: params.get('q') ?? '' };
    filterCatalog(catalog, filter);
    if (filter.cat || filter.q) document.getElementById('products')?.scrollIntoView();
  }
  if (document.querySelector('[data-cart-lines]')) renderCart(catalog, cart, cartOpts);
  document.querySelector('[data-checkout-form]')?.addEventListener('submit', (e) => {
    e.preventDefault();
    placeOrder(catalog, cart);
    location.assign(`${BASE}/thanks.html`);
  });
  renderThanks();

  if (!window.hunch) {
    console.warn('hunch is not loaded: build it with `npm run build` (dist/hunch.iife.js)');
    return;
  }
  let hunch;
  try {
    hunch = (await window.hunch.ready) ?? window.hunch;
  } catch (err) {
    console.warn('hunch did not start; the shop works without it:', err);
    return;
  }
  mountOfferBanner(hunch, { checkoutUrl: `${BASE}/checkout.html` });
  const current = document.querySelector('[data-product-id]')?.dataset.productId;
  if (current) renderRecommendations(hunch, catalog, current, (id) => `${BASE}/products/${id}.html`);
}

main();
