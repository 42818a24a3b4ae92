import { describe, expect, it } from 'vitest';
import { POINTER_WRITE_SLACK_MS, localPointer } from '../../src/session-pointer';

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
});
