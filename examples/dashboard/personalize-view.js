/**
 * One personalization run as dashboard HTML. Pure: the run record in, a string out.
 * Understands both kinds of run hunch reports:
 * - the intent head (`adopted`, `reverted`, held-out log-loss `before`/`after`/`base` in nats,
 *   lower is better, `examples` training steps, `sessions: { train, holdout }`, `skipped`);
 * - the recommendation taste (an event with `target: 'recommend'`, or `personalize().recommend`
 *   of a button run): held-out mean reciprocal rank `before`/`after`/`base` (0..1, higher is
 *   better), `examples` items fitted, `items: { train, holdout }`, `skipped`);
 * and, for other shapes, before/after metric objects.
 */
import { esc } from '../shared/catalog.js';
import { clockTime, formatMs } from './format.js';

const num = (v, digits = 3) => (typeof v === 'number' && Number.isFinite(v) ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : '–');
const signed = (d) => (Number.isFinite(d) ? `${d <= 0 ? '−' : '+'}${Math.abs(d).toFixed(3)}` : '–');

/** Words and units of the two kinds of run. */
const KINDS = {
  intent: {
    title: 'Intent model',
    metric: 'held-out log-loss (nats, lower is better)',
    base: 'pretrained head, same sessions',
    adopted: 'adopted: personal weights in use',
    reverted: 'dropped the personal weights: the pretrained model does better on the held-out sessions',
    kept: 'kept the current weights (no gain on held-out sessions)',
    facts: (r) => [
      Number.isFinite(r.examples) && `${r.examples} training steps`,
      r.sessions && typeof r.sessions === 'object' && `${num(r.sessions.train)} sessions fitted, ${num(r.sessions.holdout)} held out`,
    ],
  },
  taste: {
    title: 'Recommendation taste',
    metric: 'held-out mean reciprocal rank (higher is better)',
    base: 'no taste, same items',
    adopted: 'adopted: personal taste in use',
    reverted: 'dropped the personal taste: recommendations without it rank the held-out items better',
    kept: 'kept the current taste (no gain on held-out items)',
    facts: (r) => [
      r.items && typeof r.items === 'object' ? `${num(r.items.train)} items fitted, ${num(r.items.holdout)} held out` : Number.isFinite(r.examples) && `${r.examples} items fitted`,
    ],
  },
};

/** The table, verdict and facts of one result of one kind. */
function resultHtml(r, kind) {
  const k = KINDS[kind];
  const rows = [];
  if (r.skipped) {
    // nothing was fitted: no numbers to compare
  } else if (typeof r.before === 'number' || typeof r.after === 'number') {
    rows.push([k.metric, num(r.before), num(r.after), signed(r.after - r.before)]);
    // a personal head / taste was in use: the run also scored the model without it
    if (typeof r.base === 'number' && Number.isFinite(r.base) && r.base !== r.before) rows.push([k.base, '', num(r.base), '']);
  } else if (r.before && r.after && typeof r.before === 'object') {
    for (const key of new Set([...Object.keys(r.before), ...Object.keys(r.after)])) {
      if (typeof (r.before[key] ?? r.after[key]) === 'number') rows.push([key, num(r.before[key]), num(r.after[key]), '']);
    }
  }
  const table = rows.length
    ? `<table class="hd-table" data-testid="personalize-table" data-kind="${kind}"><tr><th></th><th>before</th><th>after</th><th>Δ</th></tr>${rows
        .map((c) => `<tr>${c.map((x, i) => (i ? `<td>${x}</td>` : `<td>${esc(x)}</td>`)).join('')}</tr>`).join('')}</table>`
    : '';
  let verdict = '';
  if (r.skipped) verdict = `<span class="hd-pill" data-testid="personalize-verdict">skipped: ${esc(r.skipped)}</span>`;
  else if (typeof r.adopted === 'boolean') {
    const text = r.adopted ? k.adopted : r.reverted ? k.reverted : k.kept;
    verdict = `<span class="hd-pill" data-testid="personalize-verdict" data-state="${r.adopted ? 'granted' : ''}">${text}</span>`;
  }
  const facts = k.facts(r).filter(Boolean);
  return `${verdict}${table}${facts.length ? `<div class="hd-sub">${esc(facts.join(' · '))}</div>` : ''}`;
}

/**
 * @param {{ at: number, ms: number, source: 'button' | 'event', result?: object, error?: string }} run
 *   `at`: epoch ms; `ms`: duration in ms (NaN when unknown, e.g. a run the library started);
 *   `result`: what `personalize()` resolved to (its `recommend` part shown as a taste run), or a
 *   `done` event (`target: 'recommend'` for a taste run)
 * @returns {string}
 */
export function personalizeRunHtml(run) {
  const r = run.result ?? {};
  const taste = r.target === 'recommend';
  const head = `<div class="hd-sub">${clockTime(run.at)}${Number.isFinite(run.ms) ? ` · took ${formatMs(run.ms)}` : ''}${run.source === 'event' ? ' · started by hunch' : ''}${taste ? ` · ${KINDS.taste.title.toLowerCase()}` : ''}</div>`;
  if (run.error) return `<div class="hd-run">${head}<p class="hd-na">personalize() failed: ${esc(run.error)}</p></div>`;
  if (taste) return `<div class="hd-run" data-kind="taste">${head}${resultHtml(r, 'taste')}</div>`;
  const rec = r.recommend && typeof r.recommend === 'object'
    ? `<h4>${KINDS.taste.title}</h4>${resultHtml(r.recommend, 'taste')}`
    : '';
  return `<div class="hd-run">${head}${rec ? `<h4>${KINDS.intent.title}</h4>` : ''}${resultHtml(r, 'intent')}${rec}</div>`;
}

/**
 * `hunch.metrics()` as a small table: the model's last prediction in each ended session on this
 * device against what happened. The global head on all of them; the personal head only on the
 * sessions that ended after it was fitted (out of sample), next to the global head on those.
 * @param {{ modelVersion?: string, sessions?: number,
 *   global?: { n: number, positives: number, auc: number | null, brier: number, ece: number },
 *   personalized?: { n: number, positives: number, auc: number | null, brier: number, ece: number } | null,
 *   globalSinceFit?: { n: number, positives: number, auc: number | null, brier: number, ece: number } | null }} m
 * @returns {string}
 */
export function deviceMetricsHtml(m) {
  if (!m || !m.global) return '';
  const g = m.global;
  const p = m.personalized;
  const cols = [g, m.globalSinceFit, p];
  const row = (label, key, digits) => `<tr><td>${label}</td>${cols.map((c) => `<td>${c ? num(c[key], digits) : '–'}</td>`).join('')}</tr>`;
  const since = p ? `${num(p.n)} ended since the personal head was fitted` : 'no personal head in use';
  return `<h4>On this device: ${num(m.sessions)} ended sessions scored (${num(g.positives)} with a purchase); ${since}</h4>
<table class="hd-table" data-testid="device-metrics"><tr><th></th><th>global, all</th><th>global, since fit</th><th>personal, since fit</th></tr>
${row('AUC ↑', 'auc')}${row('Brier ↓', 'brier')}${row('ECE ↓', 'ece')}</table>`;
}
