// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { createStoreSlot } from '../../src/store-slot';
import { createMemoryStore } from '../../src/store/memory-store';

function slotWith(open = vi.fn(async () => createMemoryStore())) {
  const unavailable = vi.fn();
  const deletedElsewhere = vi.fn();
  return { slot: createStoreSlot({ open, unavailable, deletedElsewhere }), open, unavailable, deletedElsewhere };
}

describe('store slot', () => {
  it('opens once on first use, passing the deletion hook', async () => {
    const { slot, open, deletedElsewhere } = slotWith();
    expect(slot.current()).toBeUndefined();
    const a = await slot.get();
    expect(await slot.get()).toBe(a);
    expect(open).toHaveBeenCalledTimes(1);
    (open.mock.calls[0] as unknown as [{ deleted(): void }])[0].deleted();
    expect(deletedElsewhere).toHaveBeenCalledTimes(1);
  });

  it('falls back to memory when the store cannot open, saying so through unavailable()', async () => {
    const { slot, unavailable } = slotWith(vi.fn(async () => Promise.reject(new Error('blocked'))));
    const s = await slot.get();
    expect(s.kind).toBe('memory');
    expect(unavailable).toHaveBeenCalledTimes(1);
  });

  it('after release() (another tab deleted the database): reading finds an empty store without opening one; the next write opens a new one', async () => {
    const first = createMemoryStore();
    await first.putEvents([{ id: 'e1', type: 'page_view', ts: 1, sessionId: 's' }]);
    const close = vi.spyOn(first, 'close');
    const open = vi.fn(async () => createMemoryStore());
    open.mockResolvedValueOnce(first);
    const { slot } = slotWith(open);
    await slot.get();
    slot.release();
    await Promise.resolve();
    expect(close).toHaveBeenCalled();
    expect(slot.current()).toBeUndefined();
    expect(await (await slot.forReading()).countEvents()).toBe(0);
    expect(open).toHaveBeenCalledTimes(1);
    const next = await slot.get();
    expect(next).not.toBe(first);
    expect(open).toHaveBeenCalledTimes(2);
    expect(await slot.forReading()).toBe(next);
  });

  it('destroy() deletes the open store, or opens one to delete it', async () => {
    const { slot, open } = slotWith();
    const s = await slot.get();
    const destroy = vi.spyOn(s, 'destroy');
    await slot.destroy();
    expect(destroy).toHaveBeenCalledTimes(1);
    expect(slot.current()).toBeUndefined();
    const fresh = slotWith();
    await fresh.slot.destroy();
    expect(fresh.open).toHaveBeenCalledTimes(1);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('destroy() with remove(): deletes by name without opening (no database is created to be deleted), and also after a fall back to memory', async () => {
    const open = vi.fn(async () => Promise.reject(new Error('blocked')));
    const remove = vi.fn(async () => {});
    const slot = createStoreSlot({ open, unavailable: () => {}, deletedElsewhere: () => {}, remove });
    await slot.destroy();
    expect(open).not.toHaveBeenCalled();
    expect(remove).toHaveBeenCalledTimes(1);
    expect((await slot.get()).kind).toBe('memory'); // IndexedDB would not open: memory
    await slot.destroy(); // an earlier visit's database may still be there
    expect(remove).toHaveBeenCalledTimes(2);
  });

  it('toMemory() switches new writes to one memory store', async () => {
    const { slot } = slotWith();
    await slot.get();
    const mem = slot.toMemory();
    expect(await slot.get()).toBe(mem);
    expect(slot.kind).toBe('memory');
    expect(slot.toMemory()).toBe(mem);
  });

  it('a store asked for while destroy() runs opens only once the deletion is done (else it opens the database before it goes, and dies with it)', async () => {
    let finish!: () => void;
    const remove = vi.fn(() => new Promise<void>((r) => (finish = r)));
    const open = vi.fn(async () => createMemoryStore());
    const slot = createStoreSlot({ open, unavailable: () => {}, deletedElsewhere: () => {}, remove });
    const erased = slot.destroy();
    await Promise.resolve();
    const next = slot.get(); // e.g. consent('granted') while forget() deletes
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(remove).toHaveBeenCalledTimes(1);
    expect(open).not.toHaveBeenCalled();
    finish();
    await erased;
    expect((await next).kind).toBe('memory');
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('a failed deletion does not stop the next open', async () => {
    const remove = vi.fn(async () => Promise.reject(new Error('blocked')));
    const open = vi.fn(async () => createMemoryStore());
    const slot = createStoreSlot({ open, unavailable: () => {}, deletedElsewhere: () => {}, remove });
    await expect(slot.destroy()).rejects.toThrow('blocked');
    await slot.get();
    expect(open).toHaveBeenCalledTimes(1);
  });
});
