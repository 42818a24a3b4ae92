/**
 * The intent-over-session chart as an SVG string. Pure: points in, markup out; no chart library.
 */

/** Stage colours, shared with the dashboard's CSS legend. */
export const STAGE_COLORS = Object.freeze({
  browsing: '#7aa2c9',
  considering: '#d9a441',
  ready: '#4fb286',
  abandoning: '#e0694f',
});

const fmtT = (ms) => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}`;
};

/**
 * Renders purchase probability over time, y axis from 0 to the next fifth above the peak.
 * @param {{ ts: number, purchase: number, stage?: string }[]} points epoch ms; purchase in 0..1
 * @param {{ width?: number, height?: number }} [size] in CSS px, default 400 × 150
 * @returns {string} `<svg>` markup
 */
export function intentChartSvg(points, size = {}) {
  const W = size.width ?? 400;
  const H = size.height ?? 150;
  const pad = { l: 36, r: 10, t: 10, b: 20 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const pts = points.filter((p) => Number.isFinite(p.ts) && Number.isFinite(p.purchase)).sort((a, b) => a.ts - b.ts);
  // The y axis zooms to the next fifth above the session's peak (at least 0–20%), so small
  // probabilities still show their movement; the labels keep the true percentages.
  const peak = pts.reduce((m, p) => Math.max(m, p.purchase), 0);
  const top = Math.min(1, Math.max(0.2, Math.ceil(peak * 5 + 1e-9) / 5));
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((v) => {
      const y = pad.t + ih * (1 - v);
      return `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y}" y2="${y}" class="grid"/>` +
        `<text x="${pad.l - 6}" y="${y + 3}" text-anchor="end" class="axis">${Math.round(v * top * 100)}%</text>`;
    })
    .join('');
  if (pts.length === 0) {
    return `<svg viewBox="0 0 ${W} ${H}" class="intent-chart" role="img" aria-label="No intent yet">${grid}` +
      `<text x="${pad.l + iw / 2}" y="${pad.t + ih / 2}" text-anchor="middle" class="empty">no intent scores yet</text></svg>`;
  }
  const t0 = pts[0].ts;
  const span = Math.max(1, pts[pts.length - 1].ts - t0);
  const x = (p) => pad.l + (pts.length === 1 ? iw : (iw * (p.ts - t0)) / span);
  const y = (p) => pad.t + ih * (1 - Math.max(0, Math.min(1, p.purchase / top)));
  const line = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p).toFixed(1)},${y(p).toFixed(1)}`).join('');
  const area = `${line}L${x(pts[pts.length - 1]).toFixed(1)},${pad.t + ih}L${x(pts[0]).toFixed(1)},${pad.t + ih}Z`;
  const dots = pts
    .map((p) => `<circle cx="${x(p).toFixed(1)}" cy="${y(p).toFixed(1)}" r="3" fill="${STAGE_COLORS[p.stage] ?? '#9aa'}"/>`)
    .join('');
  const last = pts[pts.length - 1];
  return `<svg viewBox="0 0 ${W} ${H}" class="intent-chart" role="img" aria-label="Purchase intent ${Math.round(last.purchase * 100)}%">
<defs><linearGradient id="intent-fill" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#4fb286" stop-opacity=".45"/><stop offset="1" stop-color="#4fb286" stop-opacity="0"/></linearGradient></defs>
${grid}<path d="${area}" fill="url(#intent-fill)"/><path d="${line}" class="line"/>${dots}
<circle cx="${x(last).toFixed(1)}" cy="${y(last).toFixed(1)}" r="6" fill="none" stroke="${STAGE_COLORS[last.stage] ?? '#9aa'}" stroke-width="2"/>
${pts.length > 1 ? `<text x="${pad.l}" y="${H - 4}" class="axis">0s</text><text x="${W - pad.r}" y="${H - 4}" text-anchor="end" class="axis">${fmtT(span)}</text>` : ''}
</svg>`;
}
