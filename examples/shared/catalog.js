/**
 * The demo shop's catalog: loads `catalog.json` once and offers small lookups and formatting.
 * Shared by the storefront, the SPA and the dashboard (never by hunch itself).
 */

/** URL of the hand-made catalog, same origin. */
export const CATALOG_URL = '/examples/shared/catalog.json';

let pending = null;

/**
 * Loads the catalog once per page.
 * @returns {Promise<{ store: string, currency: string,
 *   categories: { id: string, name: string, blurb: string }[],
 *   products: { id: string, name: string, category: string, price: number, rating: number,
 *     summary: string, details: string[] }[] }>}
 */
export function loadCatalog() {
  if (!pending) {
    pending = fetch(CATALOG_URL).then((r) => {
      if (!r.ok) throw new Error(`catalog: HTTP ${r.status}`);
      return r.json();
    });
  }
  return pending;
}

/** Returns the product with `id`, or undefined. */
export function productById(catalog, id) {
  return catalog.products.find((p) => p.id === id);
}

/** Returns the category with `id`, or undefined. */
export function categoryById(catalog, id) {
  return catalog.categories.find((c) => c.id === id);
}

const money = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });

/** Formats an amount in euros, e.g. `€16.50`. */
export function formatPrice(amount) {
  return money.format(amount);
}

/** Image URL of a product's SVG art. */
export function imageUrl(id) {
  return `/examples/shared/img/${id}.svg`;
}

/** Five-star string for a 0..5 rating, rounded to the nearest star. */
export function stars(rating) {
  const n = Math.max(0, Math.min(5, Math.round(rating)));
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}

/** Escapes text for safe use inside HTML. */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
