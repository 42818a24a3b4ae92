/**
 * The dashboard as a slide-out drawer on a shop page, with a tab on the right edge to open it.
 * Opens by itself when the page URL has `#hunch-dashboard`.
 */
import { mountDashboard } from './dashboard.js';
import { loadCatalog } from '/examples/shared/catalog.js';

function addStylesheet() {
  if (document.querySelector('link[data-hd-css]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/examples/dashboard/dashboard.css';
  link.dataset.hdCss = '';
  document.head.append(link);
}

/**
 * Mounts the drawer for `hunch` (a ready instance).
 * @param {object} hunch
 * @param {{ shopBase?: string, historyKey?: string }} [opts] passed on to the dashboard
 * @returns {Promise<{ open: () => void, close: () => void }>}
 */
export async function mountDashboardPanel(hunch, opts = {}) {
  addStylesheet();
  const catalog = await loadCatalog();
  const drawer = document.createElement('aside');
  drawer.className = 'hd-drawer';
  drawer.dataset.testid = 'dashboard-drawer';
  drawer.setAttribute('aria-label', 'hunch developer dashboard');
  const close = document.createElement('button');
  close.className = 'hd-close';
  close.setAttribute('aria-label', 'Close dashboard');
  close.textContent = '×';
  const body = document.createElement('div');
  drawer.append(close, body);
  const toggle = document.createElement('button');
  toggle.className = 'hd-toggle';
  toggle.dataset.testid = 'dashboard-toggle';
  toggle.textContent = 'hunch dashboard';
  document.body.append(drawer, toggle);

  // Mounted inactive: nothing is read (export, intent, recommend, metrics) until the drawer opens.
  const dash = mountDashboard(body, hunch, { ...opts, catalog, mode: 'panel', active: false });
  const set = (on) => {
    drawer.classList.toggle('open', on);
    toggle.setAttribute('aria-expanded', String(on));
    dash.setActive(on);
  };
  toggle.addEventListener('click', () => set(!drawer.classList.contains('open')));
  close.addEventListener('click', () => set(false));
  if (location.hash === '#hunch-dashboard') set(true);
  return { open: () => set(true), close: () => set(false) };
}
