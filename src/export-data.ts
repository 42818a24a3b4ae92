/**
 * What `export()` returns of the stored data: the store's events, sessions and meta, and, after
 * a failed write moved storage to memory, what IndexedDB still holds from before (the events of
 * both, each once and oldest first, with the session summaries rebuilt over them). Then the
 * events held in memory (consent `'pending'`), which are not stored.
 */
import type { HunchExport } from './api.js';
import type { HunchEvent } from './events.js';
import { groupBySession, mergeSession } from './session.js';
import type { Store } from './store/types.js';

/** The data part of a {@link HunchExport}. */
export type ExportedData = Pick<HunchExport, 'storage' | 'events' | 'sessions' | 'meta'>;

/**
 * Collects the data of an export.
 * @param store the store in use, or undefined when nothing was ever stored
 * @param earlier the persistent store a memory fall-back replaced (unreadable: left out)
 * @param held events kept in memory only, appended last
 */
export async function exportData(store: Store | undefined, earlier: Promise<Store> | undefined, held: readonly HunchEvent[]): Promise<ExportedData> {
  if (!store) return { storage: 'memory', events: [...held], sessions: [], meta: {} };
  const [events, sessions, meta] = await Promise.all([store.getEvents(), store.getSessions(), store.allMeta()]);
  const before = await earlier?.then((s) => Promise.all([s.getEvents(), s.allMeta()])).catch(() => undefined);
  if (!before) return { storage: store.kind, events: events.concat(held), sessions, meta };
  const ids = new Set(events.map((e) => e.id));
  // one list, oldest first as one store gives it (IndexedDB's order: time, then id)
  const stored = before[0].filter((e) => !ids.has(e.id)).concat(events).sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
  const merged = [...groupBySession(stored).values()].map((g) => mergeSession(undefined, g)).sort((a, b) => a.start - b.start);
  return { storage: store.kind, events: stored.concat(held), sessions: merged, meta: { ...before[1], ...meta } };
}
