// The intent service when the head in use changes mid-session (a personalization adopted, a
// rollback, another tab's head): the last step is re-scored, and what the stages and the rules
// comparing with `previous` make of that.
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { createIntentService } from '../../src/intent-service';
import type { Predictor } from '../../src/model/predictor';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import { PRESETS } from '../../src/triggers';

/**
 * A model predictor whose steps' log-odds are scripted (`next`) and whose head adds `bias` to
 * them (`setBias` is a head change: `headRevision` counts them). The hidden state carries the
 * step's scripted log-odds, so `relogit` re-scores it exactly.
 */
function scripted(bias = 0) {
  const queue: number[] = [];
  let rev = 0;
  const p: Predictor & { next(...l: number[]): void; setBias(b: number): void } = {
    source: 'model',
    backend: 'js',
    modelVersion: 'scripted-1',
    baseLogit: -3,
    warmupMs: 0,
    get headRevision() {
      return rev;
    },
    step: async () => {
      const base = queue.shift() ?? -3;
      return { logit: base + bias, hidden: [base] };
    },
    relogit: (hidden) => hidden[0] + bias,
    dispose() {},
    next: (...l) => void queue.push(...l),
    setBias(b) {
      bias = b;
      rev++;
    },
  };
  return p;
}

let n = 0;
const ev = (type: HunchEvent['type'], itemId?: string): HunchEvent => ({ id: `t-${String(++n).padStart(8, '0')}`, sessionId: 's', type, ts: 1_000_000 + n * 1_000, ...(itemId ? { itemId, price: 5 } : {}) });

function service(p: Predictor, store: Store = createMemoryStore()) {
  const log: string[] = [];
  const problems: string[] = [];
  const svc = createIntentService({
    loadPredictor: async () => p,
    store: () => Promise.resolve(store),
    sessionId: () => 's',
    now: () => 2_000_000,
    emitIntent: (i) => log.push(`${i.events} ${i.stage}`),
    emitTrigger: (t) => log.push(`TRIGGER ${t.rule}`),
    rules: () => [PRESETS['ready-to-buy'], PRESETS.abandonment],
    problem: (_k, code, message) => problems.push(`${code}: ${message}`),
    whenIdle: () => {},
  });
  return { svc, log, problems };
}

describe('a head change and intent()', () => {
  it('reading intent() between the head change and the next event does not consume the change: ready-to-buy still fires', async () => {
    const p = scripted();
    const { svc, log, problems } = service(p);
    p.next(-1, -0.8, -0.7); // 0.27, 0.31, 0.33: considering
    svc.onEvent(ev('page_view'));
    svc.onEvent(ev('product_view', 'a'));
    await svc.intent();
    p.setBias(1); // the new head scores the session 0.55: ready
    expect((await svc.intent()).stage).toBe('ready'); // the answer is the new head's
    svc.onEvent(ev('product_view', 'b'));
    await svc.intent();
    // was ['1 considering', '2 considering', '3 ready']: the read made 'ready' the previous update
    expect(log).toEqual(['1 considering', '2 considering', '3 ready', 'TRIGGER ready-to-buy']);
    expect(problems).toEqual([]);
    svc.dispose();
  });
});

describe('a head change and the drift rule', () => {
  const shop = (p: ReturnType<typeof scripted>, svc: ReturnType<typeof service>['svc']) => {
    p.next(-2, -0.5, -0.6, -0.6, -0.6, -0.6);
    for (const e of [ev('page_view'), ev('add_to_cart', 'a'), ev('product_view', 'b'), ev('product_view', 'c'), ev('product_view', 'd')]) svc.onEvent(e);
  };

  it('a head that scores the session lower is not the shopper drifting away: no abandoning, no abandonment', async () => {
    const p = scripted();
    const { svc, log } = service(p);
    shop(p, svc);
    expect((await svc.intent()).stage).toBe('considering'); // a cart, 0.35 after a peak of 0.38
    p.setBias(-1);
    svc.onEvent(ev('product_view', 'e')); // the same score as the step before, under the new head 0.17
    expect((await svc.intent()).stage).toBe('considering'); // was 'abandoning': 0.17 against the old head's peak 0.38
    expect(log.at(-1)).toBe('6 considering'); // was 'TRIGGER abandonment'
    // the same session scored under the lower head from the start: the same stages
    const q = scripted(-1);
    const ref = service(q);
    shop(q, ref.svc);
    ref.svc.onEvent(ev('product_view', 'e'));
    await ref.svc.intent();
    expect(ref.log).toEqual(log);
    svc.dispose();
    ref.svc.dispose();
  });

  it('a state restored under the head it was saved under keeps its peak: a drift across a reload is still one', async () => {
    const store = createMemoryStore();
    const p = scripted();
    const first = service(p, store);
    shop(p, first.svc);
    await first.svc.intent();
    await first.svc.persist();
    first.svc.dispose();
    const q = scripted(); // the next page: same head, its own revision count
    const next = service(q, store);
    q.next(-1.5); // 0.18, under 0.6 × the peak 0.38, 4 steps after the add
    next.svc.onEvent(ev('product_view', 'f'));
    expect((await next.svc.intent()).stage).toBe('abandoning');
    expect(next.log).toEqual(['6 abandoning', 'TRIGGER abandonment']);
    next.svc.dispose();
  });
});
