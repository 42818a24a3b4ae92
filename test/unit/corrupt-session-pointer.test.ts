import { afterEach, describe, expect, it } from 'vitest';
import { createHunch } from '../../src/hunch';
import { randomId } from '../../src/ids';
import { localPointer } from '../../src/session-pointer';
import { createMemoryStore } from '../../src/store/memory-store';

afterEach(() => localStorage.clear());

const KEY = 'hunch:db:session';
const read = (id: unknown) => {
  localStorage.setItem(KEY, JSON.stringify({ id, start: 5, last: 6 }));
  return localPointer('db', localStorage, () => 10).read();
};

describe('the stored session pointer', () => {
  it("is read when its id is shaped like the library's ids", () => {
    for (const id of [randomId(), 'a', 'S-live', 'x'.repeat(64)]) expect(read(id), id).toEqual({ id, start: 5, last: 6 });
  });

  it('is unreadable with any other id: too long, other characters, empty, not a string', () => {
    for (const id of ['x'.repeat(65), 'x'.repeat(100_000), 'a b', '<b>', 'a\n', '', 5, null, ['a']]) expect(read(id), String(id).slice(0, 20)).toBeUndefined();
  });

  it("a 100 KB id does not become the events' session id; the next write replaces it", async () => {
    const now = Date.now();
    localStorage.setItem('hunch:hunch:session', JSON.stringify({ id: 'x'.repeat(100_000), start: now - 1000, last: now - 500 }));
    const h = await createHunch({ autoCapture: false }, { openStore: async () => createMemoryStore(), localStorage, whenIdle: () => {} });
    try {
      h.track('product_view', { itemId: 'a' });
      expect(h.sessionId!.length).toBeLessThan(30);
      expect(JSON.parse(localStorage.getItem('hunch:hunch:session')!).id).toBe(h.sessionId);
    } finally {
      await h.dispose();
    }
  });
});
