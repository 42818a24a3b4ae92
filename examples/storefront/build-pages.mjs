#!/usr/bin/env node
/**
 * Generates the storefront's static HTML from `examples/shared/catalog.json`:
 * catalog (index.html), one page per product (products/<id>.html), cart, checkout and thank-you.
 * The output is committed, so the demo needs no build step; rerun after editing the catalog or
 * `examples/shared/render.js`:
 *   node examples/storefront/build-pages.mjs
 *
 * The pages integrate hunch the way a store owner would: one script tag, `data-hunch-*`
 * attributes and schema.org Product JSON-LD. Everything else in them is the shop's own code.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esc } from '../shared/catalog.js';
import {
  headerHtml, footerHtml, catalogBodyHtml, productBodyHtml, productJsonLd, cartBodyHtml,
  checkoutBodyHtml, thanksBodyHtml, hunchItemAttrs,
} from '../shared/render.js';

const here = dirname(fileURLToPath(import.meta.url));
const catalog = JSON.parse(readFileSync(join(here, '../shared/catalog.json'), 'utf8'));
const BASE = '/examples/storefront';
const DB = 'hunch-demo';

/** @type {import('../shared/render.js').ShopUrls} */
const urls = {
  home: `${BASE}/`,
  product: (id) => `${BASE}/products/${id}.html`,
  category: (id) => `${BASE}/?cat=${id}`,
  cart: `${BASE}/cart.html`,
  checkout: `${BASE}/checkout.html`,
};

/** What hunch's script-tag capture reads: the store owner's whole integration besides the tag. */
const hunch = {
  search: 'data-hunch-event="search"',
  add: (p) => hunchItemAttrs('add_to_cart', p),
  checkout: 'data-hunch-event="begin_checkout"',
  purchase: 'data-hunch-event="purchase"',
};

function page({ title, body, head = '', active = '' }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ${esc(catalog.store)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/examples/shared/style.css">
<!-- hunch: the whole integration is this one tag plus data-hunch-* attributes and JSON-LD.
     data-triggers turns on the offer rules the shop's banner listens to (hunch.on('trigger'));
     data-recommend-url is the shop's item model for hunch.recommend().
     data-consent="pending": events wait in memory until shop.js applies the shopper's saved
     choice (examples/shared/consent-choice.js; 'granted' when none is saved). -->
<script src="/dist/hunch.iife.js" data-consent="pending" data-db-name="${DB}" data-triggers="abandonment,ready-to-buy"
  data-recommend-url="/examples/shared/item-model/manifest.json"></script>
${head}</head>
<body>
${headerHtml(catalog, urls, hunch, active)}
<main class="wrap">
${body}
</main>
${footerHtml(catalog, DB)}
<script type="module" src="${BASE}/shop.js"></script>
<!-- Developer panel (not part of the integration): a slide-out dashboard reading window.hunch. -->
<script type="module" src="/examples/dashboard/attach.js"></script>
</body>
</html>
`;
}

const out = (rel, html) => {
  const file = join(here, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, html);
};
out('index.html', page({ title: 'Shop', body: catalogBodyHtml(catalog, urls) }));
for (const p of catalog.products) {
  out(`products/${p.id}.html`, page({
    title: p.name,
    active: p.category,
    head: `${productJsonLd(catalog, p)}\n`,
    body: productBodyHtml(catalog, p, urls, hunch),
  }));
}
out('cart.html', page({ title: 'Cart', body: cartBodyHtml(urls, hunch) }));
out('checkout.html', page({ title: 'Checkout', body: checkoutBodyHtml(hunch) }));
out('thanks.html', page({ title: 'Thank you', body: thanksBodyHtml(urls) }));
console.log(`storefront: wrote ${catalog.products.length + 4} pages`);
