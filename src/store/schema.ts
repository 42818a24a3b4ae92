/**
 * The IndexedDB schema and its migrations, in one place. Bump {@link DB_VERSION} and add a
 * step to {@link migrate} for every change; never edit a released step.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { HunchEvent } from '../events.js';
import type { SessionRecord } from '../session.js';

/** Current schema version. */
export const DB_VERSION = 1;

/** Object stores every version of hunch needs to work. */
export const REQUIRED_STORES = ['events', 'sessions', 'meta'] as const;

/** A named value in the `meta` store. */
export interface MetaRecord {
  key: string;
  value: unknown;
}

/** The typed schema (idb's `DBSchema`). */
export interface HunchDB extends DBSchema {
  events: {
    key: string;
    value: HunchEvent;
    indexes: { 'by-ts': number; 'by-session': [string, number] };
  };
  sessions: {
    key: string;
    value: SessionRecord;
    indexes: { 'by-start': number };
  };
  meta: {
    key: string;
    value: MetaRecord;
  };
}

/** Runs every migration step from `oldVersion` up to {@link DB_VERSION}. */
export function migrate(
  db: IDBPDatabase<HunchDB>,
  oldVersion: number,
  _newVersion: number | null,
  _tx: IDBPTransaction<HunchDB, StoreNames<HunchDB>[], 'versionchange'>,
): void {
  if (oldVersion < 1) {
    const events = db.createObjectStore('events', { keyPath: 'id' });
    events.createIndex('by-ts', 'ts');
    events.createIndex('by-session', ['sessionId', 'ts']);
    const sessions = db.createObjectStore('sessions', { keyPath: 'id' });
    sessions.createIndex('by-start', 'start');
    db.createObjectStore('meta', { keyPath: 'key' });
  }
}
