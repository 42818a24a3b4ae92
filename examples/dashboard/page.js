/**
 * The standalone dashboard page. It opens its own hunch instance (ESM build) on the store's
 * database, chosen with `?db=` (default `hunch-demo`), with auto-capture off so it records nothing
 * itself; other tabs' events show up through polling `export()`. Simulated shoppers played here
 * go into that same database.
 */
import { mountDashboard } from './dashboard.js';
import { loadCatalog } from '/examples/shared/catalog.js';
import { keepConsentChoice } from '/examples/shared/consent-choice.js';

/** The item model both demo stores recommend from (built by examples/shared/build-item-model.ts). */
const ITEM_MODEL = '/examples/shared/item-model/manifest.json';

const root = document.getElementById('dashboard');
const select = document.getElementById('db');
const params = new URLSearchParams(location.search);
const dbName = params.get('db') || 'hunch-demo';
if (![...select.options].some((o) => o.value === dbName)) select.add(new Option(dbName, dbName));
select.value = dbName;
select.addEventListener('change', () => {
  params.set('db', select.value);
  location.search = params.toString();
});

try {
  const [{ createHunch }, catalog] = await Promise.all([import('/dist/hunch.js'), loadCatalog()]);
  // Starts 'pending', then takes the store's saved consent choice, as the store's own pages do.
  const hunch = await createHunch({ dbName, autoCapture: false, consent: 'pending', recommend: { url: ITEM_MODEL } });
  await keepConsentChoice(hunch, dbName).catch((err) => console.warn('hunch: consent not applied:', err));
  const shopBase = dbName.endsWith('-spa') ? '/examples/spa' : '/examples/storefront';
  mountDashboard(root, hunch, { catalog, mode: 'page', historyKey: `hunch-dash-intents:${dbName}`, shopBase, realSessionsUrl: '/replay/real-sessions.json' });
} catch (err) {
  root.innerHTML = `<p class="hd-fatal">Could not start hunch: ${String(err?.message ?? err)}.<br>Build it first: <code>npm run build</code>, or run <code>npm start</code>.</p>`;
  console.error(err);
}
