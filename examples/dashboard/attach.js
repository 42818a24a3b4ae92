/**
 * Adds the dashboard drawer to a page that loaded hunch by script tag (`window.hunch`).
 * Developer tooling for the demo, not part of the store integration.
 */
import { mountDashboardPanel } from './panel.js';

if (window.hunch) {
  window.hunch.ready
    .then((instance) => mountDashboardPanel(instance ?? window.hunch))
    .catch((err) => console.warn('hunch dashboard: not mounted, hunch did not start:', err));
}
