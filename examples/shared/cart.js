/**
 * The demo shop's own cart, kept in localStorage. This is shop code, not hunch: hunch only sees
 * the cart through `data-hunch-*` clicks (storefront) or `track()` calls (SPA).
 */

/** Fired on `window` after any change made in this tab; `detail` is the new line list. */
export const CART_EVENT = 'cedar-cart-change';

/**
 * Creates a cart bound to one localStorage key.
 * @param {string} key localStorage key, e.g. `cedar-cart` (storefront) or `cedar-cart-spa`.
 */
export function createCart(key) {
  if (typeof key !== 'string' || !key) throw new TypeError('key: expected a non-empty string');

  /** @returns {{ id: string, qty: number }[]} */
  function lines() {
    try {
      const v = JSON.parse(localStorage.getItem(key) ?? '[]');
      return Array.isArray(v) ? v.filter((l) => l && typeof l.id === 'string' && l.qty > 0) : [];
    } catch {
      return [];
    }
  }

  function save(next) {
    localStorage.setItem(key, JSON.stringify(next));
    window.dispatchEvent(new CustomEvent(CART_EVENT, { detail: next }));
    return next;
  }

  return {
    lines,
    /** Adds `qty` (default 1) of item `id`. */
    add(id, qty = 1) {
      const next = lines();
      const line = next.find((l) => l.id === id);
      if (line) line.qty += qty;
      else next.push({ id, qty });
      return save(next);
    },
    /** Removes item `id` entirely. */
    remove(id) {
      return save(lines().filter((l) => l.id !== id));
    },
    clear() {
      return save([]);
    },
    /** Number of units in the cart. */
    count() {
      return lines().reduce((n, l) => n + l.qty, 0);
    },
    /** Total price of the cart, given the catalog. */
    total(catalog) {
      return lines().reduce((sum, l) => {
        const p = catalog.products.find((x) => x.id === l.id);
        return sum + (p ? p.price * l.qty : 0);
      }, 0);
    },
  };
}
