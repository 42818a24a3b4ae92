/**
 * Cedar Market as a single-page app: the npm integration. The app imports the ESM build, creates
 * one instance and calls `hunch.track()` on its own routes and actions; no `data-hunch-*`
 * attributes, no auto-capture. Navigation uses the History API (`?view=…` URLs, so a reload
 * works on any static server). In an app bundle the import below is simply
 * `import { createHunch } from 'hunch'`.
 */
import { loadCatalog, productById } from '/examples/shared/catalog.js';
import { createCart, CART_EVENT } from '/examples/shared/cart.js';
import {
  headerHtml, footerHtml, catalogBodyHtml, productBodyHtml, cartBodyHtml, checkoutBodyHtml, thanksBodyHtml,
} from '/examples/shared/render.js';
import { toast, renderCartCount, filterCatalog, renderCart, placeOrder, renderThanks, renderRecommendations } from '/examples/shared/shop-ui.js';
import { mountOfferBanner } from '/examples/shared/offer-banner.js';
import { mountDashboardPanel } from '/examples/dashboard/panel.js';
import { keepConsentChoice } from '/examples/shared/consent-choice.js';

const BASE = '/examples/spa/';
const DB = 'hunch-demo-spa';
const app = document.getElementById('app');
const cart = createCart('cedar-cart-spa');

/** @type {import('/examples/shared/render.js').ShopUrls} */
const urls = {
  home: BASE,
  product: (id) => `${BASE}?view=product&id=${id}`,
  category: (id) => `${BASE}?cat=${id}`,
  cart: `${BASE}?view=cart`,
  checkout: `${BASE}?view=checkout`,
};

/** The shop's item model for `hunch.recommend()` (built by examples/shared/build-item-model.ts). */
const ITEM_MODEL = '/examples/shared/item-model/manifest.json';

async function startHunch() {
  try {
    const { createHunch } = await import('/dist/hunch.js');
    try {
      return await createHunch({ dbName: DB, consent: 'pending', recommend: { url: ITEM_MODEL } });
    } catch (err) {
      // A build from before the recommend option rejects it by name; start without it.
      if (!(err instanceof TypeError && /recommend/.test(err.message))) throw err;
      return await createHunch({ dbName: DB, consent: 'pending' });
    }
  } catch (err) {
    console.error('hunch did not start (run `npm run build`):', err);
    return null;
  }
}

const [catalog, hunch] = await Promise.all([loadCatalog(), startHunch()]);
// Started 'pending' (nothing stored yet); the shopper's saved choice goes in before the first event.
if (hunch) await keepConsentChoice(hunch, DB).catch((err) => console.warn('hunch: consent not applied:', err));
// The demo's handle for the browser console and the end-to-end tests; hunch itself sets no global.
window.spaHunch = hunch;
const track = (type, props) => hunch?.track(type, props);

function itemProps(p, qty = 1) {
  return { itemId: p.id, categoryId: p.category, price: p.price, quantity: qty };
}

function render() {
  const params = new URLSearchParams(location.search);
  const view = params.get('view') ?? '';
  const product = view === 'product' ? productById(catalog, params.get('id') ?? '') : undefined;
  let body;
  let title = 'Shop';
  if (product) {
    body = productBodyHtml(catalog, product, urls);
    title = product.name;
  } else if (view === 'cart') {
    body = cartBodyHtml(urls);
    title = 'Cart';
  } else if (view === 'checkout') {
    body = checkoutBodyHtml();
    title = 'Checkout';
  } else if (view === 'thanks') {
    body = thanksBodyHtml(urls);
    title = 'Thank you';
  } else {
    body = catalogBodyHtml(catalog, urls);
  }
  document.title = `${title} · ${catalog.store} (SPA)`;
  app.innerHTML = `${headerHtml(catalog, urls, {}, product?.category ?? params.get('cat') ?? '')}
<main class="wrap">${body}</main>
${footerHtml(catalog, DB, ' · This is the SPA build: ESM import and <code>hunch.track()</code>.')}`;
  renderCartCount(cart);

  track('page_view', { url: location.href });
  if (product) {
    track('product_view', { itemId: product.id, categoryId: product.category, price: product.price, url: location.href });
    renderRecommendations(hunch, catalog, product.id, urls.product);
  } else if (view === 'cart' || view === 'checkout') {
    renderCart(catalog, cart);
  } else if (view === 'thanks') {
    renderThanks();
  } else {
    const cat = params.get('cat') ?? '';
    const q = params.get('q') ?? '';
    filterCatalog(catalog, { cat, q });
  }
}

function navigate(href) {
  history.pushState(null, '', href);
  render();
  window.scrollTo(0, 0);
}

document.addEventListener('click', (e) => {
  const add = e.target.closest('[data-cart-add]');
  if (add) {
    const p = productById(catalog, add.dataset.cartAdd);
    cart.add(p.id, 1);
    track('add_to_cart', itemProps(p));
    toast(`Added ${p.name} to your cart`);
    return;
  }
  const remove = e.target.closest('[data-cart-remove]');
  if (remove) {
    const p = productById(catalog, remove.dataset.cartRemove);
    const qty = cart.lines().find((l) => l.id === p.id)?.qty ?? 1;
    cart.remove(p.id);
    track('remove_from_cart', itemProps(p, qty));
    renderCart(catalog, cart);
    return;
  }
  if (e.target.closest('[data-checkout-link]')) {
    track('begin_checkout', { price: cart.total(catalog), quantity: Math.max(1, cart.count()) });
  }
  const link = e.target.closest('a[href]');
  if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || link.target) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin || url.pathname !== BASE) return;
  if (url.hash && url.search === location.search) return; // in-page anchor: let the browser scroll
  e.preventDefault();
  navigate(url.pathname + url.search);
});

document.addEventListener('submit', (e) => {
  const form = e.target;
  if (form.matches('.search')) {
    e.preventDefault();
    const query = new FormData(form).get('q')?.toString().trim() ?? '';
    if (query) track('search', { query });
    navigate(query ? `${BASE}?q=${encodeURIComponent(query)}` : BASE);
  } else if (form.matches('[data-checkout-form]')) {
    e.preventDefault();
    track('purchase', { price: cart.total(catalog), quantity: Math.max(1, cart.count()) });
    placeOrder(catalog, cart);
    navigate(`${BASE}?view=thanks`);
  }
});

window.addEventListener('popstate', render);
window.addEventListener(CART_EVENT, () => renderCartCount(cart));
render();

if (hunch) {
  // Trigger presets (feature-detected: builds before the trigger API have no `triggers`).
  hunch.triggers?.add('abandonment');
  hunch.triggers?.add('ready-to-buy');
  mountOfferBanner(hunch, { checkoutUrl: urls.checkout, navigate });
  mountDashboardPanel(hunch, { shopBase: '/examples/spa', historyKey: `hunch-dash-intents:${DB}` });
}
