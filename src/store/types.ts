/**
 * The store interface: what the instance needs from persistence. Two implementations:
 * `idb-store.ts` (IndexedDB, the default) and `memory-store.ts` (fallback and tests).
 */
import type { HunchEvent } from '../events.js';
import type { SessionRecord } from '../session.js';

/** Which implementation backs the store. */
export type StorageKind = 'indexeddb' | 'memory';

/** Retention policy applied by {@link Store.prune}. */
export interface PrunePolicy {
  /** Keep at most this many events (oldest deleted first). */
  maxEvents: number;
  /** Delete events older than this time, ms since the epoch. */
  before: number;
  /** Never delete events of this session (the current one). */
  keepSession?: string;
}

/** Persistence used by the instance. All methods reject only on unrecoverable errors. */
export interface Store {
  readonly kind: StorageKind;
  /**
   * Writes events in one transaction (relaxed durability) and updates their session summaries.
   * Event ids are keys, so writing the same event twice keeps one record.
   */
  putEvents(events: readonly HunchEvent[]): Promise<void>;
  /**
   * Events ordered by time; only one session's when `sessionId` is given (and with `since`, ms
   * since the epoch, only its events at or after that time); the newest `limit` when given.
   */
  getEvents(query?: { sessionId?: string; since?: number; limit?: number }): Promise<HunchEvent[]>;
  /** Session summaries ordered by start time. */
  getSessions(): Promise<SessionRecord[]>;
  /** Number of stored events. */
  countEvents(): Promise<number>;
  /** Deletes events outside the policy; returns how many were deleted. */
  prune(policy: PrunePolicy): Promise<number>;
  /** Small named values (model state, per-user weights, settings). Values must be structured-cloneable. */
  getMeta<T = unknown>(key: string): Promise<T | undefined>;
  setMeta(key: string, value: unknown): Promise<void>;
  deleteMeta(key: string): Promise<void>;
  allMeta(): Promise<Record<string, unknown>>;
  /** Deletes everything this store holds (the whole database for IndexedDB) and closes it. */
  destroy(): Promise<void>;
  /**
   * Closes connections; the store reopens on next use. With `final` (default false) it never
   * reopens: later calls reject (the instance's `dispose()`).
   */
  close(opts?: { final?: boolean }): void;
}

/** Name of the error a store's calls reject with once its database was deleted (`forget()`, here or in another tab). */
export const DATABASE_DELETED = 'DatabaseDeletedError';

/** True when `err` says the store's database was deleted: what was being written was forgotten. */
export function isDeletedError(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === DATABASE_DELETED;
}

/** True when `err` is a quota error (DOMException or the error of an aborted transaction). */
export function isQuotaError(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'QuotaExceededError';
}
