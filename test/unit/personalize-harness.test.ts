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
