import { describe, expect, it } from 'vitest';
import { POINTER_WRITE_SLACK_MS, localPointer, sessionPointer } from '../../src/session-pointer';

function countingStorage() {
  const map = new Map<string, string>();
  let writes = 0;
  const storage = {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void (writes++, map.set(k, String(v))),
    removeItem: (k: string) => void map.delete(k),
    key: (i: number) => [...map.keys()][i] ?? null,
    clear: () => map.clear(),
    get length() {
      return map.size;
    },
  } as Storage;
  return { storage, writes: () => writes };
}

describe('localPointer', () => {
  it('writes on a new session and then only every few seconds of activity', () => {
    let t = 0;
    const { storage, writes } = countingStorage();
    const p = localPointer('db', storage, () => t);
    p.write({ id: 'a', start: 0, last: 0 });
    for (t = 1; t < 1000; t++) p.write({ id: 'a', start: 0, last: t });
    expect(writes()).toBe(1);
    t = POINTER_WRITE_SLACK_MS + 10;
    p.write({ id: 'a', start: 0, last: t });
    expect(writes()).toBe(2);
    p.write({ id: 'b', start: t, last: t });
    expect(writes()).toBe(3);
    expect(p.read()?.id).toBe('b');
  });

  it('rewrites when another tab replaced the pointer, and clears only its own keys', () => {
    let t = 0;
    const { storage } = countingStorage();
    const p = localPointer('db', storage, () => t);
    p.write({ id: 'a', start: 0, last: 0 });
    storage.setItem('hunch:db:session', JSON.stringify({ id: 'x', start: 5, last: 5 }));
    storage.setItem('other', '1');
    t = 1000;
    expect(p.read()?.id).toBe('x');
    p.write({ id: 'a', start: 0, last: 1000 });
    expect(JSON.parse(storage.getItem('hunch:db:session')!).id).toBe('a');
    p.clear();
    expect(storage.getItem('hunch:db:session')).toBeNull();
    expect(storage.getItem('other')).toBe('1');
  });

  it("flush() at pagehide writes held-back activity, but never sets another tab's fresher activity on the same session back", () => {
    let t = 1_000_000;
    const { storage } = countingStorage();
    const a = localPointer('db', storage, () => t);
    const b = localPointer('db', storage, () => t);
    a.write({ id: 'S', start: 1_000_000, last: 1_000_000 });
    t += 3_000;
    a.write({ id: 'S', start: 1_000_000, last: t }); // held back by the slack
    a.flush();
    expect(JSON.parse(storage.getItem('hunch:db:session')!).last).toBe(t);
    t += 600_000; // ten minutes later the shopper is active in tab B…
    b.write({ id: 'S', start: 1_000_000, last: t });
    const bLast = t;
    a.write({ id: 'S', start: 1_000_000, last: 1_004_000 }); // …while tab A held an older time back
    t += 1_000;
    a.flush(); // tab A closes
    expect(JSON.parse(storage.getItem('hunch:db:session')!)).toEqual({ id: 'S', start: 1_000_000, last: bLast });
  });

  it('a key holding something that is not JSON is replaced by the next write, so the session carries on across loads', () => {
    let t = 0;
    const { storage } = countingStorage();
    storage.setItem('hunch:db:session', '{bad');
    const p = localPointer('db', storage, () => t);
    expect(p.read()).toBeUndefined();
    p.write({ id: 's1', start: 0, last: 0 });
    t = 1000;
    const next = localPointer('db', storage, () => t); // the next page load
    expect(next.read()?.id).toBe('s1');
    storage.setItem('hunch:db:session', '{bad');
    p.write({ id: 's1', start: 0, last: 20_000 });
    p.flush();
    expect(JSON.parse(storage.getItem('hunch:db:session')!).id).toBe('s1');
  });
});

describe('sessionPointer', () => {
  it("while 'pending' reads the shared pointer (and this tab's progress on it) but never writes; after 'denied' it reads nothing", () => {
    let t = 1000;
    const { storage, writes } = countingStorage();
    localPointer('db', storage, () => t).write({ id: 'a', start: 0, last: 500 });
    expect(writes()).toBe(1);
    const pending = sessionPointer('pending', 'db', storage, () => t);
    expect(pending.read()).toEqual({ id: 'a', start: 0, last: 500 });
    pending.write({ id: 'a', start: 0, last: 900 });
    t += 1000; // past the read cache
    pending.flush();
    expect(pending.read()).toEqual({ id: 'a', start: 0, last: 900 });
    pending.write({ id: 'b', start: t, last: t });
    pending.flush();
    expect(writes()).toBe(1);
    expect(JSON.parse(storage.getItem('hunch:db:session')!)).toEqual({ id: 'a', start: 0, last: 500 });
    const denied = sessionPointer('denied', 'db', storage, () => t);
    expect(denied.read()).toBeUndefined();
    denied.write({ id: 'c', start: t, last: t });
    expect(denied.read()?.id).toBe('c');
    expect(writes()).toBe(1);
    expect(sessionPointer('granted', 'db', storage, () => t).read()?.id).toBe('a');
  });
});
