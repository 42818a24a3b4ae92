// export() after a fall-back to memory: the events IndexedDB still holds and those written to
// memory since are one list, oldest first (HunchExport.events), as IndexedDB orders them: by
// time, then by id. Events held while 'pending' still come after the stored ones.
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { exportData } from '../../src/export-data';
import { createMemoryStore } from '../../src/store/memory-store';

const ev = (id: string, ts: number): HunchEvent => ({ id, type: 'product_view', ts, sessionId: 's', itemId: id });

describe('exportData() with an earlier persistent store', () => {
  it('merges both stores oldest first (time, then id), then the held events', async () => {
    const earlier = createMemoryStore(); // the IndexedDB in use before the fall-back; another tab kept writing to it
    await earlier.putEvents([ev('a-1', 1000), ev('b-1', 6000), ev('a-3', 2000)]);
    const memory = createMemoryStore(); // what this tab wrote since
    await memory.putEvents([ev('a-2', 2000), ev('a-4', 11_000)]);
    const out = await exportData(memory, Promise.resolve(earlier), [ev('a-5', 500)]);
    expect(out.events.map((e) => e.id)).toEqual(['a-1', 'a-2', 'a-3', 'b-1', 'a-4', 'a-5']);
    expect(out.sessions.map((s) => [s.id, s.count, s.start, s.end])).toEqual([['s', 5, 1000, 11_000]]);
  });
});
