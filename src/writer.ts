/**
 * Batches events into store writes: events pushed during one task are written together in one
 * transaction at the end of that task (a microtask), so `track()` never waits on IndexedDB, at
 * most {@link MAX_BATCH} of them: a loop of 1,000 calls costs five transactions, each issued in
 * a task of its own once the one before is written (issuing 1,000 puts at once was a 60–140 ms
 * task in Chromium). `flush()` writes everything now
 * (called from `pagehide` / `visibilitychange`, where the transaction must be issued before the
 * page goes away).
 *
 * Failures never drop events: a `QuotaExceededError` prunes old events (never the current
 * session's) and retries; any other failure hands the batch to `fallback` (the instance moves
 * to the memory store). A batch discarded meanwhile (`forget()` here or in another tab) is the
 * exception: it is never retried, handed to `fallback`, or reported as written.
 */
import type { HunchEvent } from './events.js';
import { isDeletedError, isQuotaError, type PrunePolicy, type Store } from './store/types.js';

/** What the writer needs from the instance. */
export interface WriterDeps {
  /** The store to write to now (it may change after a fallback). */
  store(): Promise<Store>;
  /** Retention policy for quota pruning; `tighten` is 1, 2, 3 on successive attempts. */
  quotaPolicy(tighten: number, count: number): PrunePolicy;
  /** A batch the store could not take (not a quota problem): the instance must keep it. */
  fallback(batch: HunchEvent[], err: unknown): Promise<void>;
  /** A batch was written, to a store of this kind. */
  written(batch: readonly HunchEvent[], kind: Store['kind']): void;
  /** The end of a task that pushed events (once per task, after its batch is issued). */
  pushed?(): void;
  /** Every batch issued is settled and nothing is buffered. */
  drained?(): void;
}

/** Most events written at the end of one task; the rest wait for the next task (`flush()` writes all). */
export const MAX_BATCH = 200;

/** Attempts at writing one batch after quota errors, each pruning harder. */
export const QUOTA_RETRIES = 3;

/** The batching writer. */
export interface Writer {
  push(e: HunchEvent): void;
  /** Writes what is buffered now; resolves when every batch issued so far is stored. */
  flush(): Promise<void>;
  /** Drops buffered events, and batches still waiting for the store to open (forget / consent denied). */
  discard(): void;
  /** Events not yet confirmed written: the buffer and the batches in flight. */
  unwritten(): HunchEvent[];
}

/** Creates a writer. */
export function createWriter(deps: WriterDeps): Writer {
  let buffer: HunchEvent[] = [];
  let scheduled = false;
  /** `pushed` is queued for the end of this task. */
  let told = false;
  /** Counts discards: a batch still waiting for the store when one happens is dropped with it. */
  let discards = 0;
  /** Batches handed to the store and not yet confirmed, by their write. */
  const inflight = new Map<Promise<void>, HunchEvent[]>();

  const write = async (batch: HunchEvent[]) => {
    const epoch = discards;
    /** Forgotten (this tab's forget(), or another tab's) since the batch was issued: never written, nor written again. */
    const dropped = () => epoch !== discards;
    let store = await deps.store();
    // checked before every attempt: after the store opened, after a quota prune, after a reopen
    for (let attempt = 0; !dropped(); attempt++) {
      try {
        await store.putEvents(batch);
        // a batch that committed just before its database was deleted is not counted either: counting could prune, and a prune opens (creates) a database again
        if (!dropped()) deps.written(batch, store.kind);
        return;
      } catch (err) {
        // the database was deleted under this batch (forget() here or in another tab): its events
        // were forgotten, so they are dropped, never written into a new database or into memory
        if (isDeletedError(err) || dropped()) return;
        if (isQuotaError(err) && attempt < QUOTA_RETRIES) {
          try {
            await store.prune(deps.quotaPolicy(attempt + 1, await store.countEvents()));
          } catch {
            /* pruning failed too: the next attempt decides */
          }
          continue;
        }
        if (!isQuotaError(err) && !attempt) {
          // a connection closed by another tab's upgrade: reopen once before giving up
          store.close();
          store = await deps.store();
          continue;
        }
        await deps.fallback(batch, err);
        return;
      }
    }
  };

  /** Issues the first `most` buffered events as one batch; resolves when it is settled. */
  const issue = (most: number) => {
    const batch = buffer.slice(0, most);
    buffer = buffer.slice(most);
    const p = write(batch).finally(() => inflight.delete(p) && !inflight.size && !buffer.length && deps.drained?.());
    inflight.set(p, batch);
    return p;
  };

  // (a burst's chain still waiting on a batch goes on; it finds the buffer empty, or takes what
  // was pushed since: one chain at a time)
  const flush = (): Promise<void> => {
    if (buffer.length) issue(Infinity);
    return Promise.all(inflight.keys()).then(() => undefined);
  };

  /**
   * The end of a task: one batch; the rest in a later task, once that batch is written (batches
   * of one burst written side by side would each see the others' events in the session's count
   * and rebuild its summary from all its events, and each prune on their own at the quota).
   */
  const endOfTask = () => {
    if (!(scheduled &&= buffer.length > 0)) return; // nothing left (a discard, a flush)
    const p = issue(MAX_BATCH);
    const next = () => setTimeout(endOfTask);
    if (buffer.length) void p.then(next, next);
    else scheduled = false;
  };

  return {
    push(e) {
      buffer.push(e);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(endOfTask);
      }
      if (!told) {
        told = true;
        queueMicrotask(() => ((told = false), deps.pushed?.()));
      }
    },
    flush,
    discard() {
      buffer = [];
      discards++;
      inflight.clear(); // no longer waited for or spilled: those still waiting for the store are dropped
    },
    unwritten: () => [...inflight.values(), buffer].flat(),
  };
}
