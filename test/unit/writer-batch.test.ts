// @vitest-environment node
/**
 * The writer's batches: one transaction at the end of the task that tracked, at most MAX_BATCH
 * events each (a burst is spread over the following tasks), and flush() issuing all of it at once.
 */
import { describe, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { createMemoryStore } from '../../src/store/memory-store';
import type { Store } from '../../src/store/types';
import { createWriter, MAX_BATCH } from '../../src/writer';

const event = (i: number): HunchEvent => ({ id: `t-${i}`, type: 'product_view', ts: 1_700_000_000_000 + i, sessionId: 's', url: 'https://shop.test/', itemId: `i${i}` }) as HunchEvent;

function recordingWriter() {
  const inner = createMemoryStore();
  const batches: number[] = [];
  const store: Store = { ...inner, putEvents: (list) => (batches.push(list.length), inner.putEvents(list)) };
  const writer = createWriter({ store: async () => store, quotaPolicy: () => ({}) as never, fallback: async () => {}, written: () => {} });
  return { writer, batches, inner };
}
const macrotask = () => new Promise((r) => setTimeout(r, 0));

describe('writer batches', () => {
  it('a burst of 1,000 events in one task is written MAX_BATCH at a time, one batch per task, in order', async () => {
    const { writer, batches, inner } = recordingWriter();
    for (let i = 0; i < 1000; i++) writer.push(event(i));
    await Promise.resolve();
    await Promise.resolve();
    expect(batches).toEqual([MAX_BATCH]); // the end of the tracking task issues one batch only
    for (let i = 0; i < 10; i++) await macrotask();
    expect(batches).toEqual([200, 200, 200, 200, 200]);
    await writer.flush();
    expect((await inner.getEvents()).map((e) => e.id)).toEqual(Array.from({ length: 1000 }, (_, i) => `t-${i}`));
  });

  it('flush() issues everything still buffered at once (pagehide cannot wait for later tasks)', async () => {
    const { writer, batches, inner } = recordingWriter();
    for (let i = 0; i < 1000; i++) writer.push(event(i));
    await Promise.resolve();
    await Promise.resolve();
    expect(writer.unwritten()).toHaveLength(1000); // nothing confirmed yet: a pagehide now would spill all of it
    await writer.flush();
    expect(batches).toEqual([200, 800]);
    expect(await inner.countEvents()).toBe(1000);
    for (let i = 0; i < 3; i++) await macrotask();
    expect(batches).toEqual([200, 800]); // the next task has nothing left to write
  });
});

describe('writer batches of one burst', () => {
  it('are written one after another: the next is issued only once the one before is written', async () => {
    const inner = createMemoryStore();
    const issued: number[] = [];
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const store: Store = { ...inner, putEvents: async (list) => (issued.push(list.length), await gate, inner.putEvents(list)) };
    const writer = createWriter({ store: async () => store, quotaPolicy: () => ({}) as never, fallback: async () => {}, written: () => {} });
    for (let i = 0; i < 1000; i++) writer.push(event(i));
    for (let i = 0; i < 5; i++) await macrotask();
    expect(issued).toEqual([200]); // side by side, each batch would rebuild the session summary (and prune on its own at the quota)
    release();
    for (let i = 0; i < 10; i++) await macrotask();
    expect(issued).toEqual([200, 200, 200, 200, 200]);
  });

  it('discard() with part of a burst still to write issues nothing more: no empty write reopens a database a forget just deleted', async () => {
    const batches: number[] = [];
    let opened = 0;
    const w = createWriter({ store: async () => (opened++, { ...createMemoryStore(), putEvents: async (l) => void batches.push(l.length) }), quotaPolicy: () => ({}) as never, fallback: async () => {}, written: () => {} });
    for (let i = 0; i < 1000; i++) w.push(event(i));
    await Promise.resolve();
    await Promise.resolve();
    w.discard();
    const openedAtDiscard = opened;
    for (let i = 0; i < 5; i++) await macrotask();
    expect(opened).toBe(openedAtDiscard);
    expect(batches).toEqual([200]);
  });
});

describe('writer batches after a flush()', () => {
  it('a burst pushed after a flush() (page hidden) while a batch was in flight is still written one batch at a time', async () => {
    const inner = createMemoryStore();
    const inFlightAtStart: number[] = [];
    let inFlight = 0;
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const store: Store = {
      ...inner,
      putEvents: async (list) => {
        inFlightAtStart.push(inFlight++);
        await gate;
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return inner.putEvents(list);
      },
    };
    const writer = createWriter({ store: async () => store, quotaPolicy: () => ({}) as never, fallback: async () => {}, written: () => {} });
    for (let i = 0; i < 400; i++) writer.push(event(i));
    await macrotask(); // the first batch is in flight
    void writer.flush(); // the rest at once
    await macrotask();
    for (let i = 400; i < 1400; i++) writer.push(event(i)); // the shopper comes back: a new burst
    await macrotask();
    release();
    for (let i = 0; i < 60; i++) await macrotask();
    await writer.flush();
    expect(await inner.countEvents()).toBe(1400);
    expect(inFlightAtStart.slice(2)).toEqual([0, 0, 0, 0, 0]); // [2, 0, 1, 0, 1] on the old code: two chains side by side
  });
});
