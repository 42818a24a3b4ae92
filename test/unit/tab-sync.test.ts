// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import type { TabChannel } from '../../src/deps';
import { createTabSync } from '../../src/tab-sync';

/** A channel that records what it posts and lets the test deliver messages to it. */
function fakeChannel() {
  const posted: unknown[] = [];
  let closed = false;
  const ch: TabChannel = {
    onmessage: null,
    postMessage: (m) => {
      if (closed) throw new Error('closed');
      posted.push(m);
    },
    close: () => void (closed = true),
  };
  return { ch, posted, deliver: (data: unknown) => ch.onmessage?.({ data }), isClosed: () => closed };
}

describe('tab sync', () => {
  it('passes on well-formed messages only: a finite forget time, a known consent state', () => {
    const { ch, deliver } = fakeChannel();
    const on = { forget: vi.fn(), consent: vi.fn() };
    createTabSync(() => ch, 'shop', on);
    for (const bad of [null, 5, 'forget', {}, { forget: true }, { forget: NaN }, { forget: '1' }, { consent: 'maybe' }, { consent: null }]) deliver(bad);
    expect(on.forget).not.toHaveBeenCalled();
    expect(on.consent).not.toHaveBeenCalled();
    deliver({ forget: 1234 });
    deliver({ consent: 'denied' });
    expect(on.forget).toHaveBeenCalledWith(1234);
    expect(on.consent).toHaveBeenCalledWith('denied');
  });

  it('names the channel after the database, and still tells the others after close() through a channel opened for the message', () => {
    const names: string[] = [];
    const channels = [fakeChannel(), fakeChannel()];
    const opened = channels.map((c) => c.ch);
    const sync = createTabSync((name) => (names.push(name), opened.shift()), 'shop', { forget: () => {}, consent: () => {} });
    sync.consented('pending');
    sync.close();
    sync.forgot(99);
    expect(names).toEqual(['hunch:shop', 'hunch:shop']);
    expect(channels[0].posted).toEqual([{ consent: 'pending' }]);
    expect(channels[0].isClosed()).toBe(true);
    expect(channels[1].posted).toEqual([{ forget: 99 }]);
    expect(channels[1].isClosed()).toBe(true); // opened for the one message, closed after it
  });

  it('without a channel (or one that fails to open) telling does nothing and never throws', () => {
    const none = createTabSync(() => undefined, 'shop', { forget: () => {}, consent: () => {} });
    expect(() => (none.forgot(1), none.consented('granted'), none.close())).not.toThrow();
    const failing = createTabSync(() => {
      throw new Error('SecurityError');
    }, 'shop', { forget: () => {}, consent: () => {} });
    expect(() => failing.forgot(1)).not.toThrow();
  });
});
