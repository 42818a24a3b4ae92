/**
 * One personalization run as dashboard HTML. Pure: the run record in, a string out.
 * Understands hunch's result (`adopted`, `reverted`, held-out log-loss `before`/`after`/`base`,
 * `examples`, `sessions: { train, holdout }`, `skipped`) and, for other shapes, before/after
 * metric objects.
 */
import { esc } from '../shared/catalog.js';
import { clockTime, formatMs } from './format.js';

const num = (v, digits = 3) => (typeof v === 'number' && Number.isFinite(v) ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : '–');

/**
 * @param {{ at: number, ms: number, source: 'button' | 'event', result?: object, error?: string }} run
 *   `at`: epoch ms; `ms`: duration in ms (NaN when unknown, e.g. a run the library started)
 * @returns {string}
 */
export function personalizeRunHtml(run) {
  const head = `<div class="hd-sub">${clockTime(run.at)}${Number.isFinite(run.ms) ? ` · took ${formatMs(run.ms)}` : ''}${run.source === 'event' ? ' · started by hunch' : ''}</div>`;
  if (run.error) return `<div class="hd-run">${head}<p class="hd-na">personalize() failed: ${esc(run.error)}</p></div>`;
  const r = run.result ?? {};
  const rows = [];
  if (r.skipped) {
    // nothing was fitted: no numbers to compare
  } else if (typeof r.before === 'number' || typeof r.after === 'number') {
    const delta = r.after - r.before;
    rows.push(['held-out log-loss (nats)', num(r.before), num(r.after), Number.isFinite(delta) ? `${delta <= 0 ? '−' : '+'}${Math.abs(delta).toFixed(3)}` : '–']);
    // a personal head was in use: the pretrained one was scored on the same sessions
    if (typeof r.base === 'number' && Number.isFinite(r.base) && r.base !== r.before) rows.push(['pretrained head, same sessions', '', num(r.base), '']);
  } else if (r.before && r.after && typeof r.before === 'object') {
    for (const k of new Set([...Object.keys(r.before), ...Object.keys(r.after)])) {
      if (typeof (r.before[k] ?? r.after[k]) === 'number') rows.push([k, num(r.before[k]), num(r.after[k]), '']);
    }
  }
  const table = rows.length
    ? `<table class="hd-table" data-testid="personalize-table"><tr><th></th><th>before</th><th>after</th><th>Δ</th></tr>${rows
        .map((c) => `<tr>${c.map((x, i) => (i ? `<td>${x}</td>` : `<td>${esc(x)}</td>`)).join('')}</tr>`).join('')}</table>`
    : '';
  let verdict = '';
  if (r.skipped) verdict = `<span class="hd-pill" data-testid="personalize-verdict">skipped: ${esc(r.skipped)}</span>`;
  else if (typeof r.adopted === 'boolean') {
    const text = r.adopted
      ? 'adopted: personal weights in use'
      : r.reverted
        ? 'dropped the personal weights: the pretrained model does better on the held-out sessions'
        : 'kept the current weights (no gain on held-out sessions)';
    verdict = `<span class="hd-pill" data-testid="personalize-verdict" data-state="${r.adopted ? 'granted' : ''}">${text}</span>`;
  }
  const facts = [];
  if (Number.isFinite(r.examples)) facts.push(`${r.examples} training steps`);
  if (r.sessions && typeof r.sessions === 'object') facts.push(`${num(r.sessions.train)} sessions fitted, ${num(r.sessions.holdout)} held out`);
  return `<div class="hd-run">${head}${verdict}${table}${facts.length ? `<div class="hd-sub">${esc(facts.join(' · '))}</div>` : ''}</div>`;
}

/**
 * `hunch.metrics()` as a small table: the model's last prediction in each ended session on this
 * device against what happened, global head vs the personal one.
 * @param {{ modelVersion?: string, sessions?: number,
 *   global?: { n: number, positives: number, auc: number | null, brier: number, ece: number },
 *   personalized?: { n: number, positives: number, auc: number | null, brier: number, ece: number } | null }} m
 * @returns {string}
 */
export function deviceMetricsHtml(m) {
  if (!m || !m.global) return '';
  const g = m.global;
  const p = m.personalized;
  const row = (label, key, digits) => `<tr><td>${label}</td><td>${num(g[key], digits)}</td><td>${p ? num(p[key], digits) : '–'}</td></tr>`;
  return `<h4>On this device: ${num(m.sessions)} ended sessions scored (${num(g.positives)} with a purchase)</h4>
<table class="hd-table" data-testid="device-metrics"><tr><th></th><th>global</th><th>personal</th></tr>
${row('AUC ↑', 'auc')}${row('Brier ↓', 'brier')}${row('ECE ↓', 'ece')}</table>`;
}
