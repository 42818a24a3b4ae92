/**
 * The IndexedDB store (via `idb`). Events are written in one relaxed-durability transaction per
 * batch; the request for every event is issued synchronously and the transaction committed at
 * once, so a batch flushed from `pagehide` is complete before the page goes away. Session
 * summaries are then updated from the batch's new events alone (looked up in the same
 * transaction, so a retried batch never double-counts; a summary that missed a batch is rebuilt
 * from its events). The connection closes itself when another tab upgrades or deletes the database
 * (`versionchange`), and reopens on next use, so a blocked upgrade never hangs. A deletion by
 * another connection (another tab's `forget()`) is also reported through `onDeleted`, before the
 * database goes, so the owner can drop what it still holds of the deleted data. Once its database
 * is deleted (by `destroy()` or by another connection), a store never reconnects: every call
 * rejects with a `DatabaseDeletedError`, so work that started before the deletion (a batch, a
 * personalization run) cannot recreate the database with what was deleted. The owner opens a new
 * store for new data. A plain `close()` reopens on next use (a writer's retry relies on it); a
 * final one (`close({ final: true })`, the instance's `dispose()`) never does: later calls reject,
 * and a connection still opening is closed as it arrives. A database at this version without hunch's stores (an open without an
 * upgrade created it empty) is deleted and made afresh on open, once.
 */
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import type { HunchEvent } from '../events.js';
import { groupBySession, mergeSession } from '../session.js';
import { DB_VERSION, REQUIRED_STORES, migrate, type HunchDB } from './schema.js';
import { DATABASE_DELETED, type PrunePolicy, type Store } from './types.js';
import { withTimeout } from '../timeout.js';

/** Options of {@link openIdbStore}. */
export interface IdbStoreOptions {
  dbName: string;
  /** Give up opening after this long (another tab may block an upgrade), in ms. Default 3000. */
  openTimeoutMs?: number;
  /** Called when another connection (another tab or instance) deletes the database. */
  onDeleted?: () => void;
}

type DB = IDBPDatabase<HunchDB>;

/** Key range of one session's events in the `by-session` index ([sessionId, ts]). */
const sessionRange = (sid: string, since = -Infinity) => IDBKeyRange.bound([sid, since], [sid, Infinity]);

/** The batch without repeated ids (the last copy wins, as the store's puts do). */
function uniqueById(list: readonly HunchEvent[]): HunchEvent[] {
  return [...new Map(list.map((e) => [e.id, e])).values()];
}

/** Time allowed for deleting a database (another tab may block it), ms. */
const DELETE_TIMEOUT_MS = 5000;

/**
 * Deletes a hunch database by name without opening it.
 * @throws when the deletion fails or is blocked past 5 s
 */
export async function deleteIdbStore(dbName: string): Promise<void> {
  if (!globalThis.indexedDB) return;
  await withTimeout(deleteDB(dbName), DELETE_TIMEOUT_MS, `deleting IndexedDB "${dbName}"`);
}

/**
 * Opens (creating or upgrading) the database and returns the store.
 * @throws when IndexedDB is missing, throws on open, or the open is blocked past the timeout; when
 * the database has a newer schema without the stores hunch needs ("incompatible schema").
 */
export async function openIdbStore(opts: IdbStoreOptions): Promise<Store> {
  const { dbName } = opts;
  const timeout = opts.openTimeoutMs ?? 3000;
  if (!globalThis.indexedDB) throw new Error('IndexedDB is not available');
  let db: DB | undefined;
  let opening: Promise<DB> | undefined;
  let deleted = false;
  let closed = false; // close({ final: true }): never reconnects

  const connect = async (again?: boolean): Promise<DB> => {
    const handlers = {
      upgrade: migrate,
      blocking(_current: number, next: number | null) {
        // another tab wants to upgrade or delete: let it, and reopen on next use
        db?.close();
        db = undefined;
        if (next === null) {
          deleted = true;
          opts.onDeleted?.();
        }
      },
      terminated() {
        db = undefined;
      },
    };
    const d = await openDB<HunchDB>(dbName, DB_VERSION, handlers).catch((err) => {
      // a newer hunch in another tab upgraded the schema: use it if it has what we need
      if (err?.name !== 'VersionError') throw err;
      return openDB<HunchDB>(dbName, undefined, handlers);
    });
    if (REQUIRED_STORES.every((s) => d.objectStoreNames.contains(s))) return d;
    d.close();
    if (again || d.version > DB_VERSION) throw new Error(`database "${dbName}" has an incompatible schema`);
    await deleteDB(dbName);
    return connect(true);
  };

  const getDb = (): Promise<DB> => {
    if (deleted) return Promise.reject(Object.assign(new Error(`IndexedDB "${dbName}" was deleted`), { name: DATABASE_DELETED }));
    if (closed) return Promise.reject(new Error(`IndexedDB "${dbName}" closed for good (disposed)`));
    if (db) return Promise.resolve(db);
    if (!opening) {
      const pending = withTimeout(connect(), timeout, `opening IndexedDB "${dbName}"`);
      opening = pending.then(
        (d) => {
          opening = undefined;
          if (!closed) return (db = d);
          d.close(); // closed for good while it opened
          return getDb();
        },
        (e) => {
          opening = undefined;
          // a late success after the timeout must not leave a connection open
          pending.then((d) => d.close(), () => {});
          throw e;
        },
      );
    }
    return opening;
  };

  /** Rebuilds session summaries from their events (prune; a summary that fell out of step). */
  const recomputeSessions = async (d: DB, sessionIds: Iterable<string>) => {
    const tx = d.transaction(['events', 'sessions'], 'readwrite', { durability: 'relaxed' });
    const idx = tx.objectStore('events').index('by-session');
    const sessions = tx.objectStore('sessions');
    for (const sid of sessionIds) {
      const events = await idx.getAll(sessionRange(sid));
      if (events.length) await sessions.put(mergeSession(undefined, events));
      else await sessions.delete(sid);
    }
    await tx.done;
  };

  /**
   * Merges the events a batch newly stored into their sessions' summaries, reading only them. The
   * stored key count checks the result: a summary that missed a batch (its transaction lost with
   * the page) or that another tab's concurrent batch changed in between is rebuilt from its
   * events. Re-reading the whole session for every batch made each write cost O(session length).
   */
  const updateSessions = async (d: DB, fresh: readonly HunchEvent[]) => {
    if (!fresh.length) return;
    const stale: string[] = [];
    const tx = d.transaction(['events', 'sessions'], 'readwrite', { durability: 'relaxed' });
    const idx = tx.objectStore('events').index('by-session');
    const sessions = tx.objectStore('sessions');
    for (const [sid, events] of groupBySession(fresh)) {
      const [rec, stored] = await Promise.all([sessions.get(sid), idx.count(sessionRange(sid))]);
      let merged;
      try {
        merged = mergeSession(rec, events);
      } catch {
        /* a malformed stored summary (items not an array: storage is untrusted) is rebuilt like a stale one */
      }
      if (merged?.count === stored) await sessions.put(merged);
      else stale.push(sid);
    }
    await tx.done;
    if (stale.length) await recomputeSessions(d, stale);
  };

  await getDb();

  return {
    kind: 'indexeddb',
    async putEvents(list: readonly HunchEvent[]) {
      if (!list.length) return;
      const d = await getDb();
      const tx = d.transaction('events', 'readwrite', { durability: 'relaxed' });
      // each key is looked up before its put, in the same transaction, so the summary update
      // knows exactly which events are new (a retried batch adds nothing)
      const existed = list.map((e) => {
        const had = tx.store.getKey(e.id);
        void tx.store.put(e).catch(() => {}); // failures surface in tx.done
        return had;
      });
      tx.commit?.();
      const [existedKeys] = await Promise.all([Promise.all(existed.map((k) => k.catch(() => undefined))), tx.done]);
      const fresh = uniqueById(list.filter((_, i) => existedKeys[i] === undefined));
      try {
        await updateSessions(d, fresh);
      } catch {
        // the events are safe; the summary is recomputed with the session's next batch
      }
    },
    async getEvents(q = {}) {
      const d = await getDb();
      let list: HunchEvent[];
      if (q.sessionId !== undefined) {
        list = await d.getAllFromIndex('events', 'by-session', sessionRange(q.sessionId, q.since));
      } else if (q.limit !== undefined) {
        list = [];
        let cursor = await d.transaction('events').store.index('by-ts').openCursor(null, 'prev');
        while (cursor && list.length < q.limit) {
          list.push(cursor.value);
          cursor = await cursor.continue();
        }
        list.reverse();
      } else {
        list = await d.getAllFromIndex('events', 'by-ts');
      }
      return q.limit !== undefined ? list.slice(-q.limit) : list;
    },
    async getSessions() {
      const d = await getDb();
      return d.getAllFromIndex('sessions', 'by-start');
    },
    async countEvents() {
      return (await getDb()).count('events');
    },
    async prune(p: PrunePolicy) {
      const d = await getDb();
      const tx = d.transaction('events', 'readwrite');
      const idx = tx.store.index('by-ts');
      let excess = (await tx.store.count()) - p.maxEvents;
      const touched = new Set<string>();
      let deleted = 0;
      let cursor = await idx.openCursor();
      while (cursor && (excess > 0 || cursor.value.ts < p.before)) {
        if (cursor.value.sessionId !== p.keepSession) {
          touched.add(cursor.value.sessionId);
          await cursor.delete();
          excess--;
          deleted++;
        }
        cursor = await cursor.continue();
      }
      await tx.done;
      if (touched.size) await recomputeSessions(d, touched);
      return deleted;
    },
    async getMeta<T>(key: string) {
      return (await (await getDb()).get('meta', key))?.value as T | undefined;
    },
    async setMeta(key, value) {
      await (await getDb()).put('meta', { key, value });
    },
    async deleteMeta(key) {
      await (await getDb()).delete('meta', key);
    },
    async allMeta() {
      const all = await (await getDb()).getAll('meta');
      return Object.fromEntries(all.map((r) => [r.key, r.value]));
    },
    async destroy() {
      deleted = true;
      db?.close();
      db = undefined;
      await withTimeout(deleteDB(dbName), Math.max(timeout, DELETE_TIMEOUT_MS), `deleting IndexedDB "${dbName}"`);
    },
    close(opts) {
      closed ||= opts?.final === true;
      db?.close();
      db = undefined;
    },
  };
}
