/** The eval's markdown tables. */
import type { ModelReport } from './scores.js';
import { EVENTS_SEEN } from './scores.js';

const f3 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));
const ci = (c: [number, number] | null | undefined): string => (c ? `[${f3(c[0])}–${f3(c[1])}]` : '');

const LABELS: Record<string, string> = {
  hunch: 'hunch (GRU-lite, store bias)',
  hunch_shared: 'hunch (shared bias)',
  cart: 'has add-to-cart',
  logreg: 'logreg on aggregates',
  lstm: 'tfjs-layers LSTM(64)',
};

function table(title: string, scope: Record<string, ModelReport>): string {
  const any = Object.values(scope)[0];
  const rows = [
    `### ${title} (n=${any?.n ?? 0}, positives=${any?.positives ?? 0})`,
    '',
    '| model | ROC-AUC [95% CI] | hunch − model [95% CI] | PR-AUC | log-loss | ECE | acc | prec | rec | F1 |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, r] of Object.entries(scope)) {
    const d = r.hunch_minus_this;
    rows.push(
      `| ${LABELS[name] ?? name} | ${f3(r.auc)} ${ci(r.auc_ci95)} | ${d ? `${f3(d.diff)} ${ci(d.ci95)}` : ''} | ${f3(r.pr_auc)} | ${f3(r.log_loss)} | ${f3(r.calibration_error)} | ${f3(r.accuracy)} | ${f3(r.precision)} | ${f3(r.recall)} | ${f3(r.f1)} |`,
    );
  }
  return `${rows.join('\n')}\n`;
}

function byEvents(title: string, scope: Record<string, ModelReport>): string {
  const rows = [`### ${title}: ROC-AUC by events seen`, '', `| model | ${EVENTS_SEEN.join(' | ')} |`, `|---|${EVENTS_SEEN.map(() => '---').join('|')}|`];
  for (const [name, r] of Object.entries(scope)) rows.push(`| ${LABELS[name] ?? name} | ${EVENTS_SEEN.map((k) => f3(r.auc_by_events[k])).join(' | ')} |`);
  return `${rows.join('\n')}\n`;
}

/** Renders the whole report as markdown. */
export function markdownReport(r: {
  pooled: Record<string, ModelReport>;
  holdout: Record<string, ModelReport>;
  stores: Record<string, Record<string, ModelReport>>;
  time_split: { pooled: Record<string, ModelReport> };
  settings: { folds: number; csv?: { store: string } };
  seconds: number;
}): string {
  const own = r.settings.csv?.store;
  const hasHoldout = Object.keys(r.holdout).length > 0;
  const parts = [
    '## Purchase intent: evaluation',
    '',
    table(`Pooled, ${r.settings.folds}-fold CV grouped by user (${own ? `${own}: models trained on its own logs` : 'training stores'})`, r.pooled),
    byEvents('Pooled CV', r.pooled),
    ...(hasHoldout ? [table(own ? `${own}: the committed model (baselines trained on the shared training stores)` : 'Holdout stores (committed model)', r.holdout), byEvents('Holdout', r.holdout)] : []),
    table(`Time split (last 20% of ${own ?? 'each training store'})`, r.time_split.pooled),
    ...Object.entries(r.stores).map(([s, scope]) => table(`Store ${s}`, scope)),
    `_${r.seconds.toFixed(0)} s_`,
    '',
  ];
  return parts.join('\n');
}
