/**
 * HTML for the demo shop, shared by the storefront generator (Node, static pages with
 * `data-hunch-*` attributes) and the SPA (runtime, explicit `track()` calls), so both shops look
 * the same. Pure strings: no DOM access. Where the two integrations differ, the caller passes the
 * extra attributes (`hunch` below): the storefront passes `data-hunch-*`, the SPA passes nothing.
 */
import { esc, formatPrice, stars, imageUrl, categoryById } from './catalog.js';

/**
 * @typedef {object} ShopUrls
 * @property {string} home
 * @property {(id: string) => string} product
 * @property {(id: string) => string} category
 * @property {string} cart
 * @property {string} checkout
 */

/**
 * @typedef {object} HunchAttrs attribute strings hunch's auto-capture reads (storefront only)
 * @property {string} [search]   on the search form
 * @property {(p: object) => string} [add]  on a product's add-to-cart button
 * @property {(p: object, qty: number) => string} [remove]  on a cart line's remove button
 * @property {string} [checkout] on the checkout link
 * @property {string} [purchase] on the place-order button
 */

/** `data-hunch-*` attributes for one product, as the script tag's click capture expects. */
export function hunchItemAttrs(event, p, qty = 1) {
  return `data-hunch-event="${event}" data-hunch-item="${esc(p.id)}" data-hunch-price="${p.price}" data-hunch-category="${esc(p.category)}" data-hunch-quantity="${qty}"`;
}

/** The site header: logo, category nav, search and cart link. */
export function headerHtml(catalog, urls, hunch = {}, active = '') {
  const nav = catalog.categories
    .map((c) => `<a href="${esc(urls.category(c.id))}" data-nav="${c.id}"${active === c.id ? ' aria-current="page"' : ''}>${esc(c.name)}</a>`)
    .join('');
  return `<header class="site-header"><div class="wrap">
  <a class="logo" href="${esc(urls.home)}"><span class="logo-mark">C</span>${esc(catalog.store)}</a>
  <nav class="nav" aria-label="Categories">${nav}</nav>
  <form class="search" role="search" action="${esc(urls.home)}" method="get" ${hunch.search ?? ''}>
    <input type="search" name="q" placeholder="Search the shop" aria-label="Search">
    <button type="submit">Search</button>
  </form>
  <a class="cart-link" href="${esc(urls.cart)}" data-testid="cart-link">Cart <span class="cart-count" data-cart-count>0</span></a>
</div></header>`;
}

/**
 * A product card linking to `href`.
 * @param {object} catalog the loaded catalog
 * @param {{ id: string, name: string, category: string, price: number, rating: number }} p
 * @param {{ href: string, note?: string }} opts `note`: an extra line, e.g. a recommendation reason
 */
export function productCardHtml(catalog, p, opts) {
  const cat = categoryById(catalog, p.category)?.name ?? p.category;
  const note = opts.note ? `<span class="rec-reason">${esc(opts.note)}</span>` : '';
  return `<a class="card" href="${esc(opts.href)}" data-product="${esc(p.id)}" data-category="${esc(p.category)}">
  <img src="${imageUrl(p.id)}" alt="" loading="lazy" width="400" height="300">
  <div class="card-body">
    <span class="card-cat">${esc(cat)}</span>
    <span class="card-name">${esc(p.name)}</span>${note}
    <div class="card-foot"><span class="price">${formatPrice(p.price)}</span><span class="stars" aria-label="${p.rating} out of 5">${stars(p.rating)}</span></div>
  </div>
</a>`;
}

/** The catalog page body: hero, category chips and the full grid (filtered at run time). */
export function catalogBodyHtml(catalog, urls) {
  const chips = [`<a class="chip" href="${esc(urls.home)}" data-chip="">All</a>`]
    .concat(catalog.categories.map((c) => `<a class="chip" href="${esc(urls.category(c.id))}" data-chip="${c.id}">${esc(c.name)}</a>`))
    .join('');
  return `<section class="hero">
  <div>
    <span class="eyebrow">Autumn edit</span>
    <h1>Good things for slow mornings and long weekends.</h1>
    <p>Twelve well-made goods across coffee, audio, home and outdoor. Browse as you like; this shop's
    personalization runs entirely in your browser.</p>
    <a class="btn big" href="#products">Browse the shop</a>
  </div>
  <div class="hero-art"><img src="${imageUrl('od-403')}" alt=""></div>
</section>
<h2 id="products" data-catalog-title>All products</h2>
<div class="chips">${chips}</div>
<div class="grid" data-testid="product-grid">
${catalog.products.map((p) => productCardHtml(catalog, p, { href: urls.product(p.id) })).join('\n')}
</div>
<p class="empty" data-empty hidden>Nothing matches that search. Try “coffee” or “bottle”.</p>`;
}

/** schema.org Product JSON-LD for a product page (what the script tag's capture reads). */
export function productJsonLd(catalog, p) {
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: p.name,
    sku: p.id,
    category: p.category,
    image: imageUrl(p.id),
    description: p.summary,
    aggregateRating: { '@type': 'AggregateRating', ratingValue: p.rating, reviewCount: 24 },
    offers: { '@type': 'Offer', price: p.price.toFixed(2), priceCurrency: catalog.currency, availability: 'https://schema.org/InStock' },
  };
  return `<script type="application/ld+json">${JSON.stringify(ld).replace(/</g, '\\u003c')}</script>`;
}

/** A product page body: details, buy button, a (hidden) recommendations slot, related items. */
export function productBodyHtml(catalog, p, urls, hunch = {}) {
  const cat = categoryById(catalog, p.category)?.name ?? p.category;
  const related = catalog.products.filter((x) => x.category === p.category && x.id !== p.id);
  return `<nav class="crumbs"><a href="${esc(urls.home)}">Shop</a> / <a href="${esc(urls.category(p.category))}">${esc(cat)}</a> / ${esc(p.name)}</nav>
<article class="product" data-testid="product" data-product-id="${esc(p.id)}">
  <div class="product-art"><img src="${imageUrl(p.id)}" alt="${esc(p.name)}" width="400" height="300"></div>
  <div>
    <span class="eyebrow">${esc(cat)}</span>
    <h1>${esc(p.name)}</h1>
    <div class="stars">${stars(p.rating)} <span class="muted">${p.rating} · 24 reviews</span></div>
    <p>${esc(p.summary)}</p>
    <div class="price">${formatPrice(p.price)}</div>
    <div class="buy-row">
      <button class="btn big" type="button" data-testid="add-to-cart" data-cart-add="${esc(p.id)}" ${hunch.add ? hunch.add(p) : ''}>Add to cart</button>
      <a class="btn secondary big" href="${esc(urls.cart)}">View cart</a>
    </div>
    <ul>${p.details.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>
    <p class="note">Free returns within 30 days. Ships in 1–2 working days.</p>
  </div>
</article>
<section class="related" data-recommendations hidden>
  <h2>Picked for you <span class="muted" style="font-weight:400;font-size:.9rem">· ranked on this device by hunch</span></h2>
  <div class="grid" data-rec-grid></div>
</section>
<section class="related">
  <h2>More in ${esc(cat)}</h2>
  <div class="grid">${related.map((x) => productCardHtml(catalog, x, { href: urls.product(x.id) })).join('\n')}</div>
</section>`;
}

/** The cart page body; lines are filled in at run time with {@link cartLineHtml}. */
export function cartBodyHtml(urls, hunch = {}) {
  return `<h1 style="margin-top:28px">Your cart</h1>
<div class="cart-layout" data-testid="cart">
  <div class="panel"><ul class="cart-lines" data-cart-lines></ul><p class="empty" data-cart-empty hidden>Your cart is empty. <a href="${esc(urls.home)}">Keep shopping</a>.</p></div>
  <aside class="panel">
    <div class="summary-row"><span>Subtotal</span><span data-cart-subtotal>€0.00</span></div>
    <div class="summary-row"><span>Shipping</span><span>Free</span></div>
    <div class="summary-row total"><span>Total</span><span data-cart-total>€0.00</span></div>
    <p></p>
    <a class="btn big" style="width:100%" href="${esc(urls.checkout)}" data-testid="checkout" data-checkout-link ${hunch.checkout ?? ''}>Checkout</a>
  </aside>
</div>`;
}

/** The checkout page body: a pre-filled demo form and the order summary. */
export function checkoutBodyHtml(hunch = {}) {
  return `<h1 style="margin-top:28px">Checkout</h1>
<div class="cart-layout">
  <form class="panel" data-checkout-form autocomplete="off"${hunch.purchase ? ` ${hunch.purchase}` : ''}>
    <p class="note">A demo checkout: the fields are pre-filled and nothing you type is stored or sent.</p>
    <div class="form-grid">
      <label>First name<input name="first" value="Alex" required></label>
      <label>Last name<input name="last" value="Example" required></label>
      <label class="full">Street and number<input name="street" value="1 Demo Lane" required></label>
      <label>Postcode<input name="postcode" value="1000" required></label>
      <label>City<input name="city" value="Sampletown" required></label>
      <label class="full">Delivery<select name="delivery"><option>Standard (free, 2–4 days)</option><option>Express (next day)</option></select></label>
    </div>
    <p></p>
    <button class="btn big" type="submit" data-testid="place-order" data-place-order>Place order</button>
  </form>
  <aside class="panel">
    <h2>Order summary</h2>
    <ul class="cart-lines" data-cart-lines data-readonly></ul>
    <div class="summary-row total"><span>Total</span><span data-cart-total>€0.00</span></div>
  </aside>
</div>`;
}

/** The thank-you page body; the order line is filled in at run time. */
export function thanksBodyHtml(urls) {
  return `<section class="thanks panel" style="margin:40px auto 56px;max-width:560px" data-testid="thanks">
  <div class="check">✓</div>
  <h1>Thank you for your order</h1>
  <p class="muted" data-order-summary>Your order is on its way.</p>
  <a class="btn" href="${esc(urls.home)}">Continue shopping</a>
</section>`;
}

/** The site footer; `extra` is HTML appended to the note. */
export function footerHtml(catalog, dbName, extra = '') {
  return `<footer class="site-footer"><div class="wrap">
  ${esc(catalog.store)} is a demo shop for <strong>hunch</strong>. What hunch records stays in this browser
  (IndexedDB <code>${esc(dbName)}</code>); nothing is sent anywhere.
  <a href="/examples/dashboard/?db=${esc(dbName)}">Open the developer dashboard</a> · <a href="/examples/">All demos</a>${extra}
</div></footer>`;
}

/**
 * One cart line. With `removeAttrs` the line gets a remove button carrying those extra attributes
 * (the storefront passes `data-hunch-*`; the SPA passes '' and calls `track()` itself).
 */
export function cartLineHtml(p, qty, removeAttrs) {
  const remove = removeAttrs === undefined ? '' :
    `<button class="btn ghost line-remove" type="button" data-cart-remove="${esc(p.id)}" ${removeAttrs}>Remove</button>`;
  return `<li class="cart-line" data-line="${esc(p.id)}">
  <img src="${imageUrl(p.id)}" alt="">
  <div><div class="card-name">${esc(p.name)}</div><div class="muted">${qty} × ${formatPrice(p.price)}</div></div>
  <div class="price">${formatPrice(p.price * qty)}</div>${remove}
</li>`;
}

/**
 * Recommendation reason as a short human phrase; item ids in it (e.g. `similar to au-203`) are
 * replaced by names when `nameOf` knows them.
 * @param {string | object} reason
 * @param {(id: string) => string | undefined} [nameOf]
 */
export function reasonText(reason, nameOf = () => undefined) {
  if (!reason) return '';
  const text = typeof reason === 'string' ? reason : String(reason.type ?? reason.kind ?? JSON.stringify(reason));
  return text.split(' ').map((w) => nameOf(w) ?? w.replace(/[_]+/g, ' ')).join(' ');
}
