/**
 * The instance's store, as one slot: opened on first use (IndexedDB, or memory when IndexedDB
 * cannot open), switched to memory when a write fails, and let go when everything is forgotten
 * (here, or in another tab: then the database is already gone). After a forget, reading finds an
 * empty store and only the next write opens (creates) a database again, so asking for history
 * never brings back an empty database that `forget()` just deleted.
 */
import { createMemoryStore } from './store/memory-store.js';
import type { StorageKind, Store } from './store/types.js';

/** What the slot needs. */
export interface StoreSlotDeps {
  /** Opens the persistent store; `deleted` is called when another connection deletes its database. */
  open(hooks?: { deleted(): void }): Promise<Store>;
  /** IndexedDB could not open: events are kept in memory (said once by the caller). */
  unavailable(err: unknown): void;
  /** Another tab or instance deleted the database. */
  deletedElsewhere(): void;
  /** Deletes the persistent store without opening it; without it, `destroy()` opens one to destroy it. */
  remove?(): Promise<void>;
}

/** The slot. */
export interface StoreSlot {
  /** The store, opened on first use; an open asked for while {@link destroy} runs waits until it is done. */
  get(): Promise<Store>;
  /** The store when one is open or opening; undefined before the first use and after a forget. */
  current(): Promise<Store> | undefined;
  /** For reading: the store, or an empty one after a forget until the next write. */
  forReading(): Promise<Store>;
  /** Where new events go: `'indexeddb'`, or `'memory'` (fallback, or not opened yet). */
  readonly kind: StorageKind;
  /** A write failed: memory from now on. Returns the memory store. */
  toMemory(): Store;
  /**
   * The persistent store in use before {@link toMemory}: what it holds is still stored (and
   * belongs in `export()`). Undefined when there was none, and after a forget.
   */
  earlier(): Promise<Store> | undefined;
  /** Lets go of the store (closing it) without deleting anything: another tab deleted the database. */
  release(): void;
  /**
   * Deletes the database and lets go: the open store's, and the persistent one by name when none
   * was open or storage had fallen back to memory (an earlier visit's data may be there).
   */
  destroy(): Promise<void>;
}

/** Creates an empty slot; nothing opens until {@link StoreSlot.get}. */
export function createStoreSlot(d: StoreSlotDeps): StoreSlot {
  let opened: Promise<Store> | undefined;
  let memory: Store | undefined;
  let kind: StorageKind = 'memory';
  let forgotten = false; // everything was forgotten and nothing was written since
  let before: Promise<Store> | undefined; // the persistent store toMemory() replaced
  let erasing: Promise<unknown> = Promise.resolve(); // the last destroy(), settled or not
  const fallback = () => (memory ??= createMemoryStore());
  const letGo = () => {
    const old = opened;
    opened = undefined;
    memory = undefined;
    before = undefined;
    forgotten = true;
    return old;
  };
  const get = (): Promise<Store> => {
    if (!opened) {
      forgotten = false;
      // a store opened while a deletion is under way would open the database before it goes
      // (and then be deleted with it): it waits until the deletion is done, however it ended
      opened = erasing.then(() => d.open({ deleted: d.deletedElsewhere })).catch((err) => {
        d.unavailable(err);
        return fallback();
      });
      opened.then((s) => (kind = s.kind));
    }
    return opened;
  };
  return {
    get,
    current: () => opened,
    forReading: () => (forgotten && !opened ? Promise.resolve(createMemoryStore()) : get()),
    get kind() {
      return kind;
    },
    earlier: () => before,
    toMemory() {
      if (kind === 'indexeddb') before = opened;
      const mem = fallback();
      opened = Promise.resolve(mem);
      kind = 'memory';
      return mem;
    },
    release() {
      void letGo()?.then((s) => s.close(), () => {});
    },
    destroy() {
      const old = letGo();
      const done = (async () => {
        const store = await old;
        if (store) await store.destroy();
        if (store?.kind === 'indexeddb') return;
        if (d.remove) await d.remove();
        else if (!store) await d.open().then((s) => s.destroy(), () => {});
      })();
      erasing = done.catch(() => {});
      return done;
    },
  };
}
