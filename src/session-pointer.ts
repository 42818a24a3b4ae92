/**
 * Where the current session pointer lives: localStorage (shared by all tabs of the origin, read
 * synchronously so `track()` never waits) or memory when localStorage is unavailable or consent
 * is denied; while consent is pending the shared pointer is read but never written. Keys are
 * prefixed `hunch:<dbName>:` so `forget()` can remove them all.
 */
import { spanOf, type SessionPointer } from './session.js';

/** Synchronous key-value storage of the session pointer. */
export interface PointerStorage {
  read(): SessionPointer | undefined;
  write(p: SessionPointer): void;
  /** Writes activity held back by the write slack (at page hide and dispose), unless another tab moved on. */
  flush(): void;
  clear(): void;
}

/** Prefix of every localStorage key hunch writes for database `dbName`. */
export const localKeyPrefix = (dbName: string) => `hunch:${dbName}:`;

/** The localStorage keys that start with `prefix` (collected first, so callers may remove them). */
export function keysWithPrefix(ls: Storage, prefix: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < ls.length; i++) {
    const k = ls.key(i);
    if (k && k.startsWith(prefix)) keys.push(k);
  }
  return keys;
}

/**
 * How stale the shared `last` activity time may get before it is rewritten, in ms. Writing on
 * every event would cost a synchronous localStorage write per `track()`; a few seconds of slack
 * on a 30-minute timeout changes nothing.
 */
export const POINTER_WRITE_SLACK_MS = 5000;

/** How long a read of the shared pointer is reused, in ms (other tabs' writes arrive async anyway). */
export const POINTER_READ_CACHE_MS = 250;

/** A stored JSON value (null when there is none; undefined when the key holds something that is not JSON). */
function parseJson<T = unknown>(raw: string | null): T | null | undefined {
  try {
    return JSON.parse(raw!);
  } catch {
    return undefined;
  }
}

/**
 * localStorage-backed pointer storage; falls back to memory on any storage error (not on unreadable contents).
 * `readOnly`: the shared pointer is read, this tab's progress is kept in memory only (nothing is written).
 */
export function localPointer(dbName: string, ls: Storage | undefined, clock: () => number, readOnly = false): PointerStorage {
  const key = localKeyPrefix(dbName) + 'session';
  let mem: SessionPointer | undefined; // this tab's progress (all of it when storage is unusable)
  let broken = !ls;
  let written: SessionPointer | undefined;
  let cached: { at: number; value: SessionPointer | undefined } | undefined;
  let storedId: string | undefined; // id last seen in storage (another tab may have replaced ours)
  return {
    read() {
      if (broken) return mem;
      const t = clock();
      if (cached && t - cached.at >= 0 && t - cached.at < POINTER_READ_CACHE_MS) return cached.value ?? mem;
      try {
        const raw = ls!.getItem(key);
        cached = { at: t, value: undefined };
        if (!raw) return mem;
        const p = parseJson<SessionPointer>(raw); // not JSON: the next write replaces it
        storedId = p?.id;
        // an id shaped like the library's (`ids.ts`: base-36, up to 26 characters; with room to spare),
        // else the pointer is unreadable: its id would become every event's `sessionId`
        if (typeof p?.id == 'string' && /^[\w-]{1,64}$/.test(p.id) && Number.isFinite(p.start) && Number.isFinite(p.last)) {
          // our own unwritten progress is newer than what storage holds
          const value = mem && mem.id === p.id && mem.last > p.last ? mem : p;
          cached = { at: t, value };
          return value;
        }
      } catch {
        broken = true;
      }
      return mem;
    },
    write(p) {
      mem = p;
      if (cached) cached.value = p;
      if (broken || readOnly) return;
      if (storedId === p.id && written && written.id === p.id && written.start === p.start && p.last - written.last < POINTER_WRITE_SLACK_MS) return;
      try {
        ls!.setItem(key, JSON.stringify(p));
        written = p;
        storedId = p.id;
      } catch {
        broken = true;
      }
    },
    flush() {
      const p = mem;
      if (broken || readOnly || !p || (written && written.id === p.id && written.last >= p.last)) return;
      try {
        const stored = parseJson<SessionPointer>(ls!.getItem(key)); // null when there is none
        if (stored && stored.id !== p.id && stored.last > p.last) return; // another tab's newer session
        // the same session: never set another tab's fresher activity back
        const out = stored && stored.id === p.id ? spanOf(stored, p) : p;
        if (stored && stored.id === out.id && stored.start === out.start && stored.last === out.last) return;
        ls!.setItem(key, JSON.stringify(out));
        written = out;
        storedId = p.id;
        cached = undefined;
      } catch {
        broken = true;
      }
    },
    clear() {
      mem = written = cached = storedId = undefined;
      try {
        for (const k of keysWithPrefix(ls!, localKeyPrefix(dbName))) ls!.removeItem(k);
      } catch {
        /* no localStorage: nothing stored there */
      }
    },
  };
}

/**
 * The session pointer for a consent state: the shared one while `'granted'`; while `'pending'` the
 * shared one is read (a reload continues the visit's session) but never written (reading creates no
 * key); in memory only after `'denied'`.
 */
export const sessionPointer = (consent: string, dbName: string, ls: Storage | undefined, clock: () => number): PointerStorage =>
  localPointer(dbName, consent === 'denied' ? undefined : ls, clock, consent !== 'granted');
