// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileFetch } from '../../src/model/intent-load-node';
import { decodeJsNet } from '../../src/model/js-net';
import { fetchModelFiles } from '../../src/model/model-files';
import { hasData, loadStore } from '../../tools/data/index';
import { MODEL_DIR } from '../../tools/intent/paths';
import { replayUsersScheduled, usersOf } from '../../tools/personalize/replay';
import { AUTO_EVERY_SESSIONS } from '../../src/personalize/personalizer';
import { sessionsWithRate, tinyNet } from './personalize-fixture';
import { summarize } from '../../tools/personalize/summary';
import { markdown } from '../../tools/personalize/eval';

const outcome = (global: number, personalized: number, adopted = global !== personalized) => ({ user: 'u', global, personalized, adopted, sessions: { past: 3, later: 1 } });

describe('personalization harness summary', () => {
  it('paired difference, CI around it, shares of helped / harmed / adopted', () => {
    const s = summarize([outcome(0.5, 0.4), outcome(0.3, 0.35), outcome(0.2, 0.2), outcome(0.6, 0.5)]);
    expect(s.users).toBe(4);
    expect(s.diff).toBeCloseTo((0.1 - 0.05 + 0 + 0.1) / 4, 12);
    expect(s.global - s.personalized).toBeCloseTo(s.diff, 12);
    expect(s.ci95[0]).toBeLessThanOrEqual(s.diff);
    expect(s.ci95[1]).toBeGreaterThanOrEqual(s.diff);
    expect(s).toMatchObject({ helped: 0.5, harmed: 0.25, adopted: 0.75 });
    expect(markdown({ x: s })).toMatch(/\| x \| log-loss ↓ \| 4 \|/);
    // diffs 0.1, −0.05, 0, 0.1: mean 0.0375, sd 0.075 → (1.96 · 0.075 / 0.0375)² = 15.4
    expect(s.usersForSignificance).toBe(16);
    expect(summarize([outcome(0.3, 0.35), outcome(0.2, 0.2)]).usersForSignificance).toBeNull();
  });

  it('the browser-schedule replay runs every 3 ended sessions with the head in use, scores every session from the first run on', () => {
    const net = tinyNet();
    // a shopper who buys in every session (the network says ~12%): the head is adopted at the first run
    const buyer = sessionsWithRate(net, 10, 1);
    const few = sessionsWithRate(net, 3, 1);
    const users = new Map([
      ['buyer', buyer],
      ['few', few],
    ]);
    const { outcomes, reverted } = replayUsersScheduled(net, users, { lambda: 1, lambdaBias: 0.1 });
    expect(outcomes.map((u) => u.user)).toEqual(['buyer']); // fewer than 4 sessions: not replayed
    const [u] = outcomes;
    expect(u.sessions).toEqual({ past: AUTO_EVERY_SESSIONS, later: 10 - AUTO_EVERY_SESSIONS });
    expect(u.adopted).toBe(true);
    expect(u.personalized).toBeLessThan(u.global - 0.1);
    expect(reverted).toBe(0);
    // the shopper stops buying after six sessions: a later run drops the head that learned a high rate
    const turned = [...sessionsWithRate(net, 6, 1), ...sessionsWithRate(net, 9, 1000)];
    const after = replayUsersScheduled(net, new Map([['turned', turned]]), { lambda: 1, lambdaBias: 0.1 });
    expect(after.reverted).toBeGreaterThan(0);
  });

  it('sessions that start with a purchase count toward the schedule, as in the browser, but are never scored nor make a user eligible', () => {
    const net = tinyNet();
    const steps = sessionsWithRate(net, 5, 1);
    const purchaseFirst = { z: [], label: 1 as const };
    // S S E S S S: the browser's first run comes after S S E (3 ended sessions); the old replay ignored E and ran after S S S
    const list = [steps[0], steps[1], purchaseFirst, steps[2], steps[3], steps[4]];
    const { outcomes } = replayUsersScheduled(net, new Map([['u', list]]), { lambda: 1, lambdaBias: 0.1 });
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0].sessions.later).toBe(3); // S S S after the first run, E not scored
    expect(Number.isFinite(outcomes[0].global) && Number.isFinite(outcomes[0].personalized)).toBe(true);
    // the first run saw only 2 sessions with steps (fewer than the guard's 3): skipped, so no head before the third session
    const firstOnly = replayUsersScheduled(net, new Map([['u', list.slice(0, 4)]]), { lambda: 1, lambdaBias: 0.1, minUserSessions: 3 });
    expect(firstOnly.outcomes[0]).toMatchObject({ adopted: false });
    expect(firstOnly.outcomes[0].personalized).toBeCloseTo(firstOnly.outcomes[0].global, 12);
    // usersOf puts a purchase-first session in its place in time (it used to be dropped before the schedule counted)
    const labeled = (start: number) => ({ store: 't', userId: 'u', sessionId: `t:u:${start}`, label: 0 as const, startMs: start,
      events: [{ store: 't', userId: 'u', sessionId: `t:u:${start}`, ts: start, type: 'product_view' as const, itemId: 'a', categoryId: 'c' }] });
    const byUser = usersOf(net, [labeled(0), labeled(3_600_000), labeled(3 * 3_600_000)], [{ userId: 'u', startMs: 2 * 3_600_000 }]);
    expect(byUser.get('u')!.map((s) => s.z.length)).toEqual([1, 1, 0, 1]);
    // three sessions with steps and two purchase-first ones: not eligible (4 with steps needed)
    expect(replayUsersScheduled(net, new Map([['v', [purchaseFirst, ...steps.slice(0, 3), purchaseFirst]]])).outcomes).toHaveLength(0);
  });

  it('no users: NaN means, zero shares', () => {
    const s = summarize([]);
    expect(s.users).toBe(0);
    expect(Number.isNaN(s.diff)).toBe(true);
    expect(s.harmed).toBe(0);
  });

  it.skipIf(!hasData())('groups real REES46 sessions by user, oldest first, each with model steps (needs ../shared/data; set HUNCH_DATA)', async () => {
    const net = decodeJsNet(await fetchModelFiles(fileFetch, pathToFileURL(join(MODEL_DIR, '/')).href));
    const data = loadStore('rees46');
    const users = usersOf(net, data.sessions);
    expect(users.size).toBe(new Set(data.sessions.map((s) => s.userId)).size);
    const all = [...users.values()].flat();
    expect(all.length).toBe(data.sessions.length);
    expect(all.every((s) => s.z.length > 0 && s.z[0].length === net.H + net.D)).toBe(true);
    expect(all.reduce((a, s) => a + s.label, 0)).toBe(data.sessions.reduce((a, s) => a + s.label, 0));
  }, 60_000);
});
