/**
 * The demo shop's offer banner, driven by hunch's trigger API (`hunch.on('trigger', …)`).
 * Copy depends on the rule that fired (abandonment with a cart, or ready-to-buy); showings are
 * frequency-capped by `offer-cap.js` with the log in localStorage. Stays hidden until a trigger.
 */
import { canShowOffer, recordOffer } from './offer-cap.js';

const LOG_KEY = 'cedar-offer-log';

/** Banner copy by rule family. */
const COPY = {
  abandon: {
    title: 'Still deciding?',
    text: 'Your cart is saved on this device. Check out in the next 15 minutes and shipping is on us.',
    action: 'Check out now',
  },
  ready: {
    title: 'One step away',
    text: 'Free shipping on this order, no code needed.',
    action: 'Complete my order',
  },
};

/** Picks the copy family for a trigger rule name, e.g. `abandonment` → abandon. */
export function offerKind(rule) {
  const r = String(rule ?? '').toLowerCase();
  if (r.includes('abandon') || r.includes('exit') || r.includes('hesitat')) return 'abandon';
  return 'ready';
}

function readLog() {
  try {
    const v = JSON.parse(localStorage.getItem(LOG_KEY) ?? '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/**
 * Mounts the (hidden) banner and subscribes to triggers when the build has them.
 * @param {object} hunch a hunch instance (or the script tag's `window.hunch`)
 * @param {{ checkoutUrl: string, navigate?: (url: string) => void, cap?: object }} opts
 *   `navigate`: for SPAs, called instead of following the link; `cap`: see `canShowOffer`.
 * @returns {{ el: HTMLElement, show: (rule: string, sessionId?: string) => boolean, dispose: () => void, available: boolean }}
 */
export function mountOfferBanner(hunch, opts) {
  const el = document.createElement('aside');
  el.className = 'offer';
  el.hidden = true;
  el.dataset.testid = 'offer-banner';
  el.setAttribute('role', 'status');
  el.innerHTML = `<strong></strong><button class="offer-close" type="button" aria-label="Dismiss">×</button>
    <p></p><div class="offer-actions"><a class="btn" href="#"></a><button class="btn ghost" type="button">Not now</button></div>`;
  document.body.append(el);
  const hide = () => { el.hidden = true; };
  el.querySelector('.offer-close').addEventListener('click', hide);
  el.querySelector('.btn.ghost').addEventListener('click', hide);
  const link = el.querySelector('a.btn');
  link.addEventListener('click', (e) => {
    if (opts.navigate) {
      e.preventDefault();
      hide();
      opts.navigate(link.getAttribute('href'));
    }
  });

  function show(rule, sessionId = String(hunch.sessionId ?? '')) {
    const kind = offerKind(rule);
    const now = Date.now();
    const log = readLog();
    if (!canShowOffer(log, { now, sessionId, ...opts.cap }).ok) return false;
    localStorage.setItem(LOG_KEY, JSON.stringify(recordOffer(log, { ts: now, sessionId, rule: String(rule) })));
    const c = COPY[kind];
    el.querySelector('strong').textContent = c.title;
    el.querySelector('p').textContent = c.text;
    link.textContent = c.action;
    link.setAttribute('href', opts.checkoutUrl);
    el.dataset.rule = String(rule);
    el.hidden = false;
    return true;
  }

  const onTrigger = (t) => show(t?.rule ?? t?.name ?? 'trigger');
  // Feature-detect: builds without the trigger API keep the banner hidden for good.
  let available = false;
  if (typeof hunch?.on === 'function' && 'triggers' in hunch) {
    try {
      hunch.on('trigger', onTrigger);
      available = true;
    } catch {
      available = false;
    }
  }
  return {
    el,
    show,
    available,
    dispose() {
      if (available) hunch.off?.('trigger', onTrigger);
      el.remove();
    },
  };
}
