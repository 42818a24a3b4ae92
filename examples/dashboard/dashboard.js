/**
 * The developer dashboard: what hunch has recorded on this device and what it predicts.
 * Mounted as a full page (`index.html`) or inside the slide-out panel (`panel.js`). It only uses
 * hunch's public API and feature-detects everything added after the foundation build, so panels
 * for features a build lacks say so instead of pretending.
 */
import { intentChartSvg, STAGE_COLORS } from './chart.js';
import { describeEvent, formatBytes, formatMs, clockTime, pct } from './format.js';
import { SCENARIOS, buildScenario } from './scenarios.js';
import { playScenario } from './simulator.js';
import { personalizeRunHtml, deviceMetricsHtml } from './personalize-view.js';
import { esc } from '/examples/shared/catalog.js';
import { reasonText } from '/examples/shared/render.js';

const MAX_ROWS = 200;
const NA = (what) => `<p class="hd-na" data-testid="not-available">${esc(what)}: not available in this build.</p>`;

/**
 * The simulator's closing line. A played session with a purchase says why its stage does not
 * move: hunch scores a session that already bought as 'browsing' (its purchase intent is spent).
 * @param {{ type: string | null }[]} steps the steps played
 * @returns {string}
 */
export function simDoneText(steps) {
  const played = steps.filter((s) => s.type).length;
  const bought = steps.some((s) => s.type === 'purchase');
  return `Done: ${played} events played.${bought ? " The session has a purchase, so its stage stays 'browsing': by design, hunch scores a session that already bought as browsing." : ''}`;
}

/** Which optional API parts this hunch build has. */
export function features(hunch) {
  return {
    intent: typeof hunch?.intent === 'function',
    recommend: typeof hunch?.recommend === 'function',
    personalize: typeof hunch?.personalize === 'function',
    metrics: typeof hunch?.metrics === 'function',
    model: hunch != null && ('backend' in hunch || typeof hunch.metrics === 'function'),
    triggers: hunch != null && 'triggers' in hunch,
  };
}

function template(mode) {
  return `<div class="hd-root hd-mode-${mode}">
<header class="hd-head">
  <div class="hd-title"><span class="hd-logo">h</span><b>hunch</b> dashboard</div>
  <div class="hd-pills"><span class="hd-pill" data-pill-storage title="Storage backend">–</span>
  <span class="hd-pill" data-pill-consent data-testid="consent-state" title="Consent">–</span>
  <span class="hd-pill" data-pill-session title="Current session">–</span></div>
</header>
<div class="hd-grid">
<div class="hd-col hd-col-a">
<section class="hd-card hd-intent" data-testid="intent-panel">
  <h3>Purchase intent</h3>
  <div data-intent-body>
    <div class="hd-intent-top"><div class="hd-score" data-testid="intent-score">–</div>
      <div><span class="hd-stage" data-testid="intent-stage" data-empty>waiting for the first score</span><div class="hd-sub" data-intent-source></div></div></div>
    <div class="hd-chart" data-chart></div>
    <div class="hd-legend">${Object.entries(STAGE_COLORS).map(([s, c]) => `<span><i style="background:${c}"></i>${s}</span>`).join('')}</div>
    <h4>Why: the events that moved it</h4>
    <ol class="hd-reasons" data-testid="intent-reasons"><li class="hd-sub">Reasons appear with the first score.</li></ol>
  </div>
</section>
<section class="hd-card hd-timeline" data-testid="timeline-panel">
  <h3>Event timeline <span class="hd-count" data-testid="event-count">0</span></h3>
  <ol data-testid="timeline"></ol>
  <p class="hd-sub" data-timeline-empty>No events stored. Browse the shop or press Play.</p>
</section>
</div>
<div class="hd-col hd-col-b">
<section class="hd-card hd-sim" data-testid="simulate-panel">
  <h3>Simulate a shopper</h3>
  <p class="hd-sub">Plays a scripted session through <code>hunch.track()</code> with realistic gaps, sped up.</p>
  <div class="hd-row">
    <select data-testid="sim-scenario" aria-label="Scenario">${SCENARIOS.map((s) => `<option value="${s.id}">${esc(s.label)}</option>`).join('')}</select>
    <select data-testid="sim-speed" aria-label="Speed"><option value="10">×10</option><option value="30" selected>×30</option><option value="100">×100</option></select>
  </div>
  <div class="hd-row"><button class="hd-btn" data-testid="sim-play">▶ Play</button><button class="hd-btn hd-ghost" data-testid="sim-stop" disabled>Stop</button></div>
  <div class="hd-progress"><i data-sim-bar></i></div>
  <p class="hd-sub" data-testid="sim-status">Idle.</p>
</section>
<section class="hd-card" data-testid="privacy-panel">
  <h3>Privacy controls</h3>
  <div class="hd-row"><label class="hd-inline">Consent <select data-testid="consent-select"><option>granted</option><option>pending</option><option>denied</option></select></label></div>
  <div class="hd-row"><button class="hd-btn hd-ghost" data-testid="export">⤓ Export JSON</button><button class="hd-btn hd-danger" data-testid="forget">Forget everything</button></div>
  <p class="hd-sub" data-testid="privacy-status">Everything above lives in this browser only.</p>
</section>
<section class="hd-card" data-testid="storage-panel"><h3>Storage</h3><dl class="hd-kv" data-storage></dl></section>
</div>
<div class="hd-col hd-col-c">
<section class="hd-card" data-testid="model-panel"><h3>Model &amp; backend</h3><div data-model></div></section>
<section class="hd-card" data-testid="recs-panel"><h3>Recommendations <button class="hd-link" data-recs-refresh>refresh</button></h3><div data-recs></div></section>
<section class="hd-card" data-testid="personalize-panel"><h3>Personalization</h3><div data-personalize></div></section>
</div>
</div></div>`;
}

/**
 * Mounts the dashboard into `root`.
 * @param {HTMLElement} root container; its content is replaced
 * @param {object} hunch a ready hunch instance
 * @param {{ catalog?: object, mode?: 'page' | 'panel', active?: boolean, pollMs?: number, historyKey?: string, shopBase?: string, realSessionsUrl?: string }} [opts]
 *   `active`: start reading the store at once (default true); with false, nothing is read
 *   (export, intent, recommend, metrics, storage estimate) until the first `setActive(true)`.
 *   `pollMs`: how often the store is re-read (catches other tabs), default 2000 ms.
 *   `realSessionsUrl`: where real sessions to replay may be served (see `real-sessions.mjs`); none by default.
 *   `historyKey`: sessionStorage key for the intent history, default `hunch-dash-intents`.
 * @returns {{ refresh: () => Promise<void>, setActive: (on: boolean) => void, dispose: () => void }}
 */
export function mountDashboard(root, hunch, opts = {}) {
  const mode = opts.mode ?? 'page';
  const pollMs = opts.pollMs ?? 2000;
  const historyKey = opts.historyKey ?? 'hunch-dash-intents';
  const catalog = opts.catalog ?? { products: [], categories: [] };
  const has = features(hunch);
  root.innerHTML = template(mode);
  const q = (sel) => root.querySelector(sel);
  const nameOf = (id) => catalog.products.find((p) => p.id === id)?.name;

  let stored = [];
  const live = new Map();
  let intents = loadIntents();
  let lastIntent = intents[intents.length - 1] ?? null;
  let consent = '–';
  let sessions = 0;
  let busy = false;
  let lastCount = -1;
  let recsAt = 0;
  let active = opts.active ?? true;
  /** Whether the first full read ran (it waits for the first activation). */
  let started = false;
  let sim = null;
  const personalizeRuns = [];
  /** `model` events seen by this page: the JS kernel answering, the TF.js runtime taking over. */
  const modelEvents = [];

  function loadIntents() {
    try {
      const v = JSON.parse(sessionStorage.getItem(historyKey) ?? '[]');
      return Array.isArray(v) ? v : [];
    } catch {
      return [];
    }
  }
  function saveIntents() {
    try {
      sessionStorage.setItem(historyKey, JSON.stringify(intents.slice(-300)));
    } catch {
      /* private mode or full: the chart just won't survive page loads */
    }
  }

  function pushIntent(i) {
    if (!i || !Number.isFinite(i.purchase)) return;
    const point = { ts: Date.now(), purchase: i.purchase, stage: i.stage, sessionId: String(i.sessionId ?? hunch.sessionId ?? '') };
    const prev = intents[intents.length - 1];
    if (!(prev && prev.purchase === point.purchase && prev.stage === point.stage && point.ts - prev.ts < 1500)) {
      intents.push(point);
      saveIntents();
    }
    lastIntent = i;
    renderIntent();
    if (modelKey() !== shownModelKey) renderModel();
  }
  // What the model panel shows changes when the model loads or falls back.
  let shownModelKey = '';
  const modelKey = () => `${hunch.backend}|${hunch.warmupMs}|${lastIntent?.source}|${lastIntent?.modelVersion}`;

  function allEvents() {
    const byId = new Map(stored.map((e) => [e.id, e]));
    for (const [id, e] of live) if (!byId.has(id)) byId.set(id, e);
    return [...byId.values()].sort((a, b) => a.ts - b.ts || String(a.id).localeCompare(String(b.id)));
  }

  let shownIds = new Set();
  let shownKey = '';
  function renderTimeline() {
    const events = allEvents();
    const current = String(hunch.sessionId ?? '');
    q('[data-pill-session]').textContent = current ? `session ${current.slice(-6)}` : 'no session';
    const key = `${current}|${events.length}|${events[events.length - 1]?.id ?? ''}`;
    if (key === shownKey) return;
    shownKey = key;
    q('[data-testid="event-count"]').textContent = String(events.length);
    q('[data-timeline-empty]').hidden = events.length > 0;
    const rows = events.slice(-MAX_ROWS).reverse();
    // Only rows not shown before get the arrival highlight.
    const cls = (e) => [e.sessionId === current ? '' : 'hd-old', shownIds.size && !shownIds.has(e.id) ? 'hd-new' : ''].filter(Boolean).join(' ');
    shownIds = new Set(rows.map((e) => e.id));
    q('[data-testid="timeline"]').innerHTML = rows
      .map((e) => `<li data-testid="timeline-row" data-type="${esc(e.type)}" data-event-id="${esc(e.id)}" class="${cls(e)}">
<time>${clockTime(e.ts)}</time><span class="hd-type hd-t-${esc(e.type)}">${esc(e.type.replace(/_/g, ' '))}</span><span class="hd-desc">${esc(describeEvent(e, nameOf))}</span></li>`)
      .join('');
  }

  function renderIntent() {
    if (!has.intent) {
      q('[data-intent-body]').innerHTML = NA('Intent model');
      return;
    }
    const sid = String(hunch.sessionId ?? '');
    const points = intents.filter((p) => !sid || p.sessionId === sid);
    q('[data-chart]').innerHTML = intentChartSvg(points, { width: mode === 'panel' ? 380 : 460, height: 150 });
    const stage = q('[data-testid="intent-stage"]');
    if (!lastIntent) {
      q('[data-testid="intent-score"]').textContent = '–';
      stage.textContent = 'waiting for the first score';
      stage.style.background = '';
      stage.dataset.empty = '';
      q('[data-intent-source]').textContent = '';
      q('[data-testid="intent-reasons"]').innerHTML = '<li class="hd-sub">Reasons appear with the first score.</li>';
      return;
    }
    q('[data-testid="intent-score"]').textContent = pct(lastIntent.purchase);
    stage.textContent = lastIntent.stage ?? '–';
    delete stage.dataset.empty;
    stage.style.background = STAGE_COLORS[lastIntent.stage] ?? '#556';
    q('[data-intent-source]').textContent = [lastIntent.source, lastIntent.backend, lastIntent.modelVersion && `model ${lastIntent.modelVersion}`]
      .filter(Boolean).join(' · ');
    const reasons = [...(lastIntent.reasons ?? [])].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, 6);
    const max = Math.max(1e-9, ...reasons.map((r) => Math.abs(r.weight)));
    q('[data-testid="intent-reasons"]').innerHTML = reasons.length
      ? reasons.map((r) => `<li><span class="hd-type hd-t-${esc(r.type)}">${esc(String(r.type).replace(/_/g, ' '))}</span>
<span class="hd-desc">${esc(r.itemId ? nameOf(r.itemId) ?? r.itemId : '')}</span>
<span class="hd-bar ${r.weight < 0 ? 'neg' : ''}"><i style="width:${Math.round((100 * Math.abs(r.weight)) / max)}%"></i></span>
<span class="hd-w">${r.weight >= 0 ? '+' : '−'}${Math.abs(r.weight).toFixed(2)}</span></li>`).join('')
      : '<li class="hd-sub">No single event stands out yet.</li>';
  }

  function kvRows(obj) {
    return Object.entries(obj ?? {})
      .filter(([, v]) => v == null || ['string', 'number', 'boolean'].includes(typeof v))
      .map(([k, v]) => {
        const val = typeof v === 'number' ? (/ms$|Ms$|time/i.test(k) ? formatMs(v) : Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v);
        return `<dt>${esc(k)}</dt><dd>${esc(val)}</dd>`;
      })
      .join('');
  }

  async function renderModel() {
    if (!started) return;
    const el = q('[data-model]');
    shownModelKey = modelKey();
    if (!has.model) {
      el.innerHTML = NA('Intent model runtime');
      return;
    }
    const m = {};
    let rt = {};
    try {
      if (typeof hunch.debug?.runtime === 'function') rt = (await hunch.debug.runtime()) ?? {};
    } catch (err) {
      el.innerHTML = `<p class="hd-na">model diagnostics failed: ${esc(err?.message ?? err)}</p>`;
      return;
    }
    const warmKey = Object.keys(m).find((k) => /warm/i.test(k));
    const warm = Number.isFinite(hunch.warmupMs) ? hunch.warmupMs : warmKey ? m[warmKey] : undefined;
    const backend = hunch.backend && hunch.backend !== 'none' ? hunch.backend : rt.backend ?? m.backend ?? 'not loaded yet';
    const extra = { thread: rt.thread, 'live tensors': rt.numTensors, model: lastIntent?.modelVersion, source: lastIntent?.source, ...m };
    const handovers = modelEvents
      .map((m) => `<li><span class="hd-type">${esc(m.status)}</span><span class="hd-desc">${esc(m.backend ?? '')}${m.thread ? ` · ${esc(m.thread)}` : ''}${m.error ? ` · ${esc(m.error)}` : ''}</span>
<span class="hd-w">${formatMs(m.readyMs ?? m.warmupMs)}</span></li>`)
      .join('');
    el.innerHTML = `<div class="hd-stats"><div><b data-testid="backend">${esc(backend)}</b><span>backend</span></div>
<div><b data-testid="warmup">${Number.isFinite(warm) ? formatMs(warm) : '–'}</b><span>warm-up</span></div></div>
<dl class="hd-kv">${kvRows(Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined && v !== null)))}</dl>
${handovers ? `<h4>Model hand-overs (this page)</h4><ol class="hd-handovers" data-testid="model-events">${handovers}</ol>` : ''}`;
  }

  async function renderRecs(force = false) {
    const el = q('[data-recs]');
    if (!has.recommend) {
      el.innerHTML = NA('Recommendations');
      q('[data-recs-refresh]').hidden = true;
      return;
    }
    if (!started || (!force && Date.now() - recsAt < 5000)) return;
    recsAt = Date.now();
    try {
      const recs = await hunch.recommend({ k: 5 });
      const max = Math.max(1e-9, ...recs.map((r) => r.score));
      el.innerHTML = recs.length
        ? `<ol class="hd-recs" data-testid="recs">${recs.map((r) => `<li><span class="hd-desc">${esc(nameOf(r.itemId) ?? r.itemId)}</span>
<span class="hd-bar"><i style="width:${Math.round((100 * Math.max(0, r.score)) / max)}%"></i></span><span class="hd-sub">${esc(reasonText(r.reason, nameOf))}</span></li>`).join('')}</ol>`
        : '<p class="hd-sub">No recommendations yet: view a few products first.</p>';
    } catch (err) {
      el.innerHTML = `<p class="hd-na">recommend() failed: ${esc(err?.message ?? err)}</p>`;
    }
  }

  function renderPersonalize() {
    const el = q('[data-personalize]');
    if (!has.personalize) {
      el.innerHTML = NA('Personalization');
      return;
    }
    const runs = personalizeRuns.map(personalizeRunHtml);
    el.innerHTML = `<p class="hd-sub">Fits per-user weights on this device from your ended sessions, and keeps them only if they predict held-out sessions better.</p>
<div data-device-metrics></div>
<div class="hd-row"><button class="hd-btn hd-ghost" data-testid="personalize">Personalize now</button><span class="hd-sub" data-personalize-status></span></div>${runs.reverse().join('')}`;
    if (has.metrics && started) {
      hunch.metrics().then(
        (m) => { const box = el.querySelector('[data-device-metrics]'); if (box) box.innerHTML = deviceMetricsHtml(m); },
        () => {},
      );
    }
    el.querySelector('[data-testid="personalize"]').addEventListener('click', async (ev) => {
      ev.target.disabled = true;
      ev.target.textContent = 'Training…';
      const t0 = performance.now();
      buttonRun = true;
      try {
        const result = await hunch.personalize();
        personalizeRuns.push({ at: Date.now(), ms: performance.now() - t0, source: 'button', result });
      } catch (err) {
        personalizeRuns.push({ at: Date.now(), ms: performance.now() - t0, source: 'button', error: err?.message ?? String(err) });
      }
      buttonRun = false;
      renderPersonalize();
      renderModel();
    });
  }

  async function renderStorage(dump) {
    let est = {};
    try {
      est = (await navigator.storage?.estimate?.()) ?? {};
    } catch {
      /* estimate is optional */
    }
    q('[data-storage]').innerHTML = `<dt>backend</dt><dd data-testid="storage-kind">${esc(hunch.storage ?? '–')}</dd>
<dt>events stored</dt><dd data-testid="stored-events">${dump ? dump.events.length : '–'}</dd>
<dt>sessions</dt><dd>${sessions}</dd>
<dt>origin usage</dt><dd data-testid="storage-used">${formatBytes(est.usage)}${est.quota ? ` of ${formatBytes(est.quota)}` : ''}</dd>`;
    q('[data-pill-storage]').textContent = hunch.storage ?? '–';
  }

  function renderConsent() {
    q('[data-pill-consent]').textContent = `consent: ${consent}`;
    q('[data-pill-consent]').dataset.state = consent;
    const sel = q('[data-testid="consent-select"]');
    if ([...sel.options].some((o) => o.value === consent)) sel.value = consent;
  }

  async function refresh() {
    if (busy || !started) return;
    busy = true;
    try {
      const startedAt = Date.now();
      const dump = await hunch.export();
      stored = dump.events ?? [];
      // Live events the export already contains, or older than it, are no longer needed.
      for (const [id, e] of live) if (e.ts < startedAt - 5000 || stored.some((s) => s.id === id)) live.delete(id);
      sessions = dump.sessions?.length ?? 0;
      if (dump.consent) consent = typeof dump.consent === 'string' ? dump.consent : dump.consent.state ?? consent;
      const count = allEvents().length;
      renderTimeline();
      renderConsent();
      renderStorage(dump);
      if (count !== lastCount) {
        lastCount = count;
        if (has.intent && count > 0) {
          try {
            pushIntent(await hunch.intent());
          } catch {
            /* the model may still be warming up; the next poll retries */
          }
        }
        renderRecs();
        renderModel();
      } else if (modelKey() !== shownModelKey) {
        renderModel();
      }
    } catch (err) {
      q('[data-testid="privacy-status"]').textContent = `export() failed: ${err?.message ?? err}`;
    } finally {
      busy = false;
    }
  }

  // Live updates from this page's instance.
  let scheduled = false;
  const onEvent = (e) => {
    live.set(e.id, e);
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        renderTimeline();
      });
    }
  };
  const onIntent = (i) => pushIntent(i);
  const onConsent = (s) => {
    consent = typeof s === 'string' ? s : s?.state ?? consent;
    renderConsent();
  };
  const onForget = () => {
    stored = [];
    live.clear();
    intents = [];
    lastIntent = null;
    saveIntents();
    renderTimeline();
    renderIntent();
    refresh();
  };
  const onSession = () => renderTimeline();
  const onModel = (m) => {
    modelEvents.push(m);
    renderModel();
  };
  const subs = [['event', onEvent], ['consent', onConsent], ['forget', onForget], ['session', onSession]];
  if (has.intent) subs.push(['intent', onIntent]);
  if (has.model) subs.push(['model', onModel]);
  // Runs the library starts itself (e.g. when a session ends) are reported as events; the button's
  // own runs are recorded from the promise, so events during a button run are skipped.
  let buttonRun = false;
  const onPersonalize = (e) => {
    const status = q('[data-personalize-status]');
    if (e?.status === 'progress' || e?.status === 'start') {
      const what = e.target === 'recommend' ? 'taste ' : '';
      if (status) status.textContent = e.status === 'start' ? `${what}running (${e.reason})…` : `${e.phase} ${e.done}/${e.total}`;
      return;
    }
    if (buttonRun && e?.reason !== 'auto') return; // the button records its own run
    if (e?.status === 'error') personalizeRuns.push({ at: Date.now(), ms: NaN, source: 'event', error: e.error, result: e });
    else if (e?.status === 'done' || e?.adopted !== undefined) personalizeRuns.push({ at: Date.now(), ms: e.durationMs ?? NaN, source: 'event', result: e });
    else return;
    renderPersonalize();
  };
  if (has.personalize) subs.push(['personalize', onPersonalize]);
  for (const [name, cb] of subs) {
    try {
      hunch.on(name, cb);
    } catch {
      /* an older build without this event */
    }
  }

  // Controls.
  const privacyStatus = (text) => (q('[data-testid="privacy-status"]').textContent = text);
  q('[data-testid="consent-select"]').addEventListener('change', async (e) => {
    const want = e.target.value;
    try {
      await hunch.consent(want);
    } catch (err) {
      privacyStatus(`consent('${want}') failed: ${err?.message ?? err}`);
    }
    // what is in force now (a failed 'denied' still stops recording), not what was picked
    consent = hunch.consentState ?? consent;
    renderConsent();
  });
  q('[data-testid="export"]').addEventListener('click', async () => {
    let data;
    try {
      data = await hunch.export();
    } catch (err) {
      privacyStatus(`Export failed: ${err?.message ?? err}`);
      return;
    }
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `hunch-export-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    privacyStatus(`Exported ${data.events?.length ?? 0} events.`);
  });
  q('[data-testid="forget"]').addEventListener('click', async () => {
    sim?.stop();
    try {
      await hunch.forget();
    } catch (err) {
      // e.g. the deletion was blocked (another tab holding the database) past hunch's 5 s limit
      privacyStatus(`Forget failed: ${err?.message ?? err}`);
      refresh();
      return;
    }
    onForget();
    privacyStatus('Forgotten: all hunch data on this device was deleted.');
  });
  q('[data-recs-refresh]').addEventListener('click', () => renderRecs(true));

  const play = q('[data-testid="sim-play"]');
  const stop = q('[data-testid="sim-stop"]');
  const status = q('[data-testid="sim-status"]');
  const bar = q('[data-sim-bar]');
  play.addEventListener('click', () => {
    const id = q('[data-testid="sim-scenario"]').value;
    const speed = Number(q('[data-testid="sim-speed"]').value);
    const steps = id.startsWith('real:')
      ? realSessions[Number(id.slice(5))].steps
      : buildScenario(id, catalog, (Date.now() % 100000) + 1, opts.shopBase);
    play.disabled = true;
    stop.disabled = false;
    bar.style.width = '0';
    sim = playScenario(hunch, steps, {
      speed,
      onStep: (i, step) => {
        status.textContent = `${i + 1}/${steps.length}: shopper ${step.label}`;
        bar.style.width = `${Math.round((100 * (i + 1)) / steps.length)}%`;
      },
      onDone: (stopped) => {
        play.disabled = false;
        stop.disabled = true;
        sim = null;
        status.textContent = stopped ? 'Stopped.' : simDoneText(steps);
        hunch.flush?.().then(refresh);
      },
    });
  });
  stop.addEventListener('click', () => sim?.stop());

  // Real sessions, when the server offers them (`npm start` with ../shared/data present).
  let realSessions = [];
  if (opts.realSessionsUrl) {
    fetch(opts.realSessionsUrl)
      .then((r) => (r.ok ? r.json() : []))
      .then((list) => {
        realSessions = Array.isArray(list) ? list : [];
        if (!realSessions.length) return;
        const group = document.createElement('optgroup');
        group.label = 'Real sessions (REES46, read at run time)';
        realSessions.forEach((r, i) => group.append(new Option(r.label, `real:${i}`)));
        q('[data-testid="sim-scenario"]').append(group);
        q('.hd-sim .hd-sub').textContent = `Plays a scripted session, or one of ${realSessions.length} real REES46 sessions read from ../shared/data, through hunch.track() with their gaps, sped up.`;
      })
      .catch(() => {});
  }

  /** The first full read: model, recommendations, device metrics and the store. */
  function start() {
    if (started) return;
    started = true;
    renderPersonalize();
    renderModel();
    renderRecs(true);
    refresh();
  }

  renderIntent();
  renderPersonalize();
  renderTimeline();
  if (active) start();
  const timer = setInterval(() => active && refresh(), pollMs);

  return {
    refresh,
    setActive(on) {
      active = on;
      if (on && !started) start();
      else if (on) refresh();
    },
    dispose() {
      clearInterval(timer);
      sim?.stop();
      for (const [name, cb] of subs) hunch.off?.(name, cb);
      root.innerHTML = '';
    },
  };
}
