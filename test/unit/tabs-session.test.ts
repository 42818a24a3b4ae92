// A 'pending' tab reads the shared session pointer but never writes its own session there, so
// after the timeout the shared pointer can be an older session than this tab's last one. The
// README's `sessionId`: after the timeout it still names the last session until the next event.
import { afterEach, describe, expect, it } from 'vitest';
import type { Hunch } from '../../src/api';
import { createHunch } from '../../src/hunch';
import { createMemoryStore } from '../../src/store/memory-store';

const MIN = 60_000;
const instances: Hunch[] = [];
afterEach(async () => {
  for (const h of instances.splice(0)) await h.dispose();
  localStorage.clear();
});

describe("a 'pending' tab after the session timeout", () => {
  it("still names its own last session, not an older one left in the shared pointer", async () => {
    let t = Date.UTC(2025, 0, 2, 12, 0);
    localStorage.setItem('hunch:hunch:session', JSON.stringify({ id: 'YESTERDAY', start: t - 1440 * MIN, last: t - 1400 * MIN }));
    const store = createMemoryStore();
    const h = await createHunch({ autoCapture: false, consent: 'pending' }, { now: () => t, localStorage, openStore: async () => store, whenIdle: () => {} });
    instances.push(h);
    h.track('product_view', { itemId: 'a' });
    const today = h.sessionId;
    expect(today).not.toBe('YESTERDAY');
    t += MIN;
    h.track('add_to_cart', { itemId: 'a' });
    expect(h.sessionId).toBe(today);
    t += 31 * MIN;
    expect(h.sessionId).toBe(today);
    h.track('page_view'); // the next event starts a new session
    expect(h.sessionId).not.toBe(today);
    expect(h.sessionId).not.toBe('YESTERDAY');
  });
});
