/**
 * Instances over a fake-indexeddb database seeded with raw (possibly corrupt) records, for the
 * corrupt-state tests: `seed` writes meta values, events and session summaries as given, `open`
 * starts an instance on the database with the tiny test model (`instance-fixture.ts`, which
 * disposes it after the test) and records what it reports.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import type { Hunch } from '../../src/api';
import type { HunchDeps } from '../../src/hunch';
import type { HunchOptions } from '../../src/options';
import { openIdbStore } from '../../src/store/idb-store';
import { instances, openInstance } from './instance-fixture';

let n = 0;
/** A fresh database name. */
export const dbName = () => `corrupt-${n++}-${Math.random().toString(36).slice(2, 8)}`;

/** Creates the schema, then writes `meta` values, `events` and `sessions` records verbatim. */
export async function seed(db: string, meta: Record<string, unknown>, events: unknown[] = [], sessions: unknown[] = []): Promise<void> {
  (await openIdbStore({ dbName: db })).close();
  const idb = await openDB(db);
  const tx = idb.transaction(['meta', 'events', 'sessions'], 'readwrite');
  for (const [key, value] of Object.entries(meta)) await tx.objectStore('meta').put({ key, value });
  for (const e of events) await tx.objectStore('events').put(e as never);
  for (const r of sessions) await tx.objectStore('sessions').put(r as never);
  await tx.done;
  idb.close();
}

/** Sets the shared session pointer of `db` to a live session `id` (started a minute ago). */
export function livePointer(db: string, id: string, now = Date.now()): void {
  localStorage.setItem(`hunch:${db}:session`, JSON.stringify({ id, start: now - 60_000, last: now - 30_000 }));
}

/** An instance on `db` (disposed after the test) and the problems it reported, as `'<kind> <code>: <message>'`. */
export async function open(db: string, options: HunchOptions = {}, deps: Partial<HunchDeps> = {}): Promise<{ h: Hunch; problems: string[]; triggers: string[] }> {
  const problems: string[] = [];
  const triggers: string[] = [];
  const h = await openInstance({ dbName: db, autoCapture: false, ...options }, { window, localStorage, ...deps });
  h.on('error', (p) => problems.push(`error ${p.code}: ${p.message}`));
  h.on('warning', (p) => problems.push(`warning ${p.code}: ${p.message}`));
  h.on('trigger', (t) => triggers.push(t.rule));
  return { h, problems, triggers };
}

/** Closes an instance opened by `open` before the test ends (a reload). */
export async function close(h: Hunch): Promise<void> {
  instances.splice(instances.indexOf(h), 1);
  await h.dispose();
}
