/**
 * Pure formatting helpers for the developer dashboard: no DOM, no hunch.
 */

/** Human size, e.g. `1.2 MB`. `bytes` ≥ 0; non-finite input gives `–`. */
export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** Duration in ms as `45 s`, `3 m 20 s` or `1 h 05 m`. */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

/** Milliseconds as `12 ms` / `1.4 s`. */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Wall-clock time of an epoch-ms timestamp, `HH:MM:SS` in local time. */
export function clockTime(ts) {
  const d = new Date(ts);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * One timeline line for a stored hunch event.
 * @param {{ type: string, itemId?: string, categoryId?: string, price?: number, quantity?: number,
 *   query?: string, url?: string, dwellMs?: number }} e
 * @param {(id: string) => string | undefined} nameOf item id → display name
 * @returns {string}
 */
export function describeEvent(e, nameOf) {
  const item = e.itemId ? nameOf(e.itemId) ?? e.itemId : '';
  const money = Number.isFinite(e.price) ? ` · €${e.price.toFixed(2)}` : '';
  const qty = e.quantity && e.quantity > 1 ? ` × ${e.quantity}` : '';
  switch (e.type) {
    case 'page_view':
      return pathOf(e.url) || 'page';
    case 'product_view':
      return `${item}${money}`;
    case 'search':
      return `“${e.query ?? ''}”`;
    case 'add_to_cart':
    case 'remove_from_cart':
      return `${item}${qty}${money}`;
    case 'begin_checkout':
    case 'purchase':
      return `${item ? item + ' ' : ''}${money.replace(' · ', '')}${qty ? ` (${e.quantity} items)` : ''}`.trim() || 'cart';
    case 'dwell':
      return `${formatDuration(e.dwellMs ?? 0)} on ${pathOf(e.url) || 'page'}`;
    default:
      return item || pathOf(e.url) || '';
  }
}

/**
 * Path and query of a URL (no origin, no fragment), for compact display: the query is kept
 * because it is what tells an SPA's pages apart (`/spa/?view=product&id=od-402`).
 */
export function pathOf(url) {
  if (!url) return '';
  try {
    const u = new URL(url, 'http://x');
    return (u.pathname + u.search).replace(/^\/examples\//, '/');
  } catch {
    return String(url);
  }
}

/** Percent with no decimals, e.g. 0.734 → `73%`. */
export function pct(x) {
  return Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–';
}
