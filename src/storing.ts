/**
 * The way from a tracked event to the store, for one instance: the store slot (IndexedDB, memory
 * when it cannot open or a write fails), the batching writer with its quota policy and memory
 * fallback, retention, the events only memory holds (stranded) and the write-ahead spill of what
 * is not confirmed written yet. The instance (`hunch.ts`) decides what to push and when to flush;
 * this module owns where the events go.
 */
import { strandedEvents, unwrittenSpill } from './spill.js';
import { createStoreSlot } from './store-slot.js';
import { createRetention } from './retention.js';
import { createWriter } from './writer.js';
import { reason } from './validate-event.js';
import type { Store } from './store/types.js';
import type { ResolvedOptions } from './options.js';

/** Most events held in memory while consent is pending, and most stranded events; older ones are dropped first. */
export const MAX_PENDING_EVENTS = 1000;

/** What {@link createStoring} needs from the instance. */
export interface StoringDeps {
  dbName: string;
  /** Days and most events to keep (`retention` option). */
  retention: ResolvedOptions['retention'];
  /** localStorage, when the page has one (the spill). */
  ls: Storage | undefined;
  tabId: string;
  now(): number;
  /** Opens the persistent store; `deleted` is called when another connection deletes its database. */
  open(hooks: { deleted(): void }): Promise<Store>;
  /** Deletes the persistent store without opening it (see `StoreSlotDeps.remove`). */
  remove?(): Promise<void>;
  /** The current session while it is live: retention never prunes it. */
  liveSessionId(): string | undefined;
  /** Says a problem once per code. */
  problem(kind: 'warning' | 'error', code: string, message: string): void;
  /** A batch of `count` events was written. */
  flushed(count: number): void;
  /** Another tab or instance deleted the database. */
  deletedElsewhere(): void;
  /** Unwritten events may be spilled now (consent allows keeping them, and no forget() erases). */
  mayKeep(): boolean;
}

/** Creates an instance's storing: its parts, which the instance drives. */
export function createStoring(d: StoringDeps) {
  const { problem } = d;
  const slot = createStoreSlot({ ...d, unavailable: (err) => problem('warning', 'storage-fallback', `IndexedDB unavailable (${reason(err)}); events are kept in memory`) });
  const retention = createRetention({ ...d, store: slot.get });
  const stranded = strandedEvents(slot, MAX_PENDING_EVENTS);
  const writer = createWriter({
    store: slot.get,
    quotaPolicy: (tighten, count) => retention.policy(Math.min(d.retention.maxEvents, Math.floor(count * (1 - 0.2 * tighten)))),
    async fallback(batch, err) {
      problem('error', 'storage-write', `writing to IndexedDB failed (${(err as Error)?.name ?? err}); events are kept in memory`);
      await slot.toMemory().putEvents(batch);
      stranded.add(batch);
    },
    written(batch, kind) {
      d.flushed(batch.length);
      retention.written(batch.length);
      if (kind === 'memory') stranded.add(batch);
    },
    // what a task tracked is also in localStorage until it is written: a page torn down with no
    // pagehide (a prerendered next page activated) leaves it for the next load
    pushed: () => spill.spill(d.mayKeep()),
    drained: () => spill.drained(),
  });
  const spill = unwrittenSpill(d.ls, d.dbName, d.tabId, writer.unwritten, stranded.list);
  return { slot, retention, stranded, writer, spill };
}
