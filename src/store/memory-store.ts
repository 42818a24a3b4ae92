/**
 * In-memory store: the fallback when IndexedDB is unavailable (private mode, disabled, blocked)
 * and the fast store for unit tests. Same semantics as the IndexedDB store, lost on reload.
 */
import type { HunchEvent } from '../events.js';
import { groupBySession, mergeSession, type SessionRecord } from '../session.js';
import type { PrunePolicy, Store } from './types.js';

const byTs = (a: HunchEvent, b: HunchEvent) => a.ts - b.ts;

/** Creates an empty memory store. */
export function createMemoryStore(): Store {
  let events = new Map<string, HunchEvent>();
  let sessions = new Map<string, SessionRecord>();
  let meta = new Map<string, unknown>();
  /** Rebuilds the summaries of these sessions from their events (idempotent, like the IndexedDB store's). */
  const summarize = (touched: Set<string>) => {
    const all = [...events.values()].filter((e) => touched.has(e.sessionId)).sort(byTs);
    for (const [sid, group] of groupBySession(all)) sessions.set(sid, mergeSession(undefined, group));
  };
  return {
    kind: 'memory',
    async putEvents(list) {
      for (const e of list) events.set(e.id, structuredClone(e));
      summarize(new Set(list.map((e) => e.sessionId)));
    },
    async getEvents(q = {}) {
      let all = [...events.values()];
      if (q.sessionId !== undefined) all = all.filter((e) => e.sessionId === q.sessionId && e.ts >= (q.since ?? -Infinity));
      all.sort(byTs);
      if (q.limit !== undefined) all = all.slice(-q.limit);
      return all.map((e) => structuredClone(e));
    },
    async getSessions() {
      return [...sessions.values()].sort((a, b) => a.start - b.start).map((s) => structuredClone(s));
    },
    async countEvents() {
      return events.size;
    },
    async prune(p: PrunePolicy) {
      const sorted = [...events.values()].sort(byTs);
      let excess = sorted.length - p.maxEvents;
      let deleted = 0;
      const touched = new Set<string>();
      for (const e of sorted) {
        if (e.sessionId === p.keepSession) continue;
        if (e.ts < p.before || excess > 0) {
          events.delete(e.id);
          touched.add(e.sessionId);
          excess--;
          deleted++;
        }
      }
      for (const id of touched) sessions.delete(id);
      summarize(touched);
      return deleted;
    },
    async getMeta<T>(key: string) {
      return structuredClone(meta.get(key)) as T | undefined;
    },
    async setMeta(key, value) {
      meta.set(key, structuredClone(value));
    },
    async deleteMeta(key) {
      meta.delete(key);
    },
    async allMeta() {
      return Object.fromEntries([...meta].map(([k, v]) => [k, structuredClone(v)]));
    },
    async destroy() {
      events = new Map();
      sessions = new Map();
      meta = new Map();
    },
    close() {},
  };
}
