/**
 * Where the current session pointer lives: localStorage (shared by all tabs of the origin, read
 * synchronously so `track()` never waits) or memory when localStorage is unavailable or consent
 * is not granted. Keys are prefixed `hunch:<dbName>:` so `forget()` can remove them all.
 */
import type { SessionPointer } from './session';

/** Synchronous key-value storage of the session pointer. */
export interface PointerStorage {
  read(): SessionPointer | undefined;
  write(p: SessionPointer): void;
  clear(): void;
}

/** Prefix of every localStorage key hunch writes for database `dbName`. */
export const localKeyPrefix = (dbName: string) => `hunch:${dbName}:`;

/** In-memory pointer storage (one tab only). */
export function memoryPointer(): PointerStorage {
  let p: SessionPointer | undefined;
  return { read: () => p, write: (x) => void (p = x), clear: () => void (p = undefined) };
}

/** localStorage-backed pointer storage; falls back to memory on any storage error. */
export function localPointer(dbName: string, ls: Storage | undefined): PointerStorage {
  const key = localKeyPrefix(dbName) + 'session';
  const mem = memoryPointer();
  let broken = !ls;
  return {
    read() {
      if (broken) return mem.read();
      try {
        const raw = ls!.getItem(key);
        if (!raw) return mem.read();
        const p = JSON.parse(raw) as SessionPointer;
        if (typeof p?.id === 'string' && Number.isFinite(p.start) && Number.isFinite(p.last)) return p;
      } catch {
        broken = true;
      }
      return mem.read();
    },
    write(p) {
      mem.write(p);
      if (broken) return;
      try {
        ls!.setItem(key, JSON.stringify(p));
      } catch {
        broken = true;
      }
    },
    clear() {
      mem.clear();
      try {
        if (!ls) return;
        const prefix = localKeyPrefix(dbName);
        for (let i = ls.length - 1; i >= 0; i--) {
          const k = ls.key(i);
          if (k && k.startsWith(prefix)) ls.removeItem(k);
        }
      } catch {
        /* nothing stored there */
      }
    },
  };
}
