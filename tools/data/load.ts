/**
 * Reads the shared data folder (Node): which files make up each store, and the one call that
 * returns labelled sessions per store. Data root: env `HUNCH_DATA`, default `<repo>/../shared/data`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCoveo } from './adapters/coveo.js';
import { parseDiginetica } from './adapters/diginetica.js';
import { parseGeneric } from './adapters/generic.js';
import { parseJdata } from './adapters/jdata.js';
import { parseOtto } from './adapters/otto.js';
import { parseRees46 } from './adapters/rees46.js';
import { parseTaobao } from './adapters/taobao.js';
import { sessionize, type PurchaseFirstSession } from './sessionize.js';
import type { LabeledSession, ParseResult, ParseStats, SessionStats } from './types.js';

/** Stores the model is trained on (from `events/`). */
export const TRAINING_STORES = ['rees46', 'jdata', 'diginetica'] as const;
/** Stores used only to evaluate transfer (from `holdout/`): never train or tune on them. */
export const HOLDOUT_STORES = ['taobao', 'otto', 'coveo'] as const;
/** A store this module knows how to read. */
export type StoreName = (typeof TRAINING_STORES)[number] | (typeof HOLDOUT_STORES)[number];

/** The data root: `$HUNCH_DATA`, else `<repo>/../shared/data`. */
export function dataRoot(): string {
  if (process.env.HUNCH_DATA) return resolve(process.env.HUNCH_DATA);
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return resolve(repo, '..', 'shared', 'data');
}

/** True when the data root has the training event logs. */
export function hasData(root = dataRoot()): boolean {
  return existsSync(join(root, 'events', 'rees46'));
}

/** Sessions and counts for one store (with what went wrong in its files: see {@link ParseResult}). */
export interface StoreData extends Pick<ParseResult, 'firstMalformed' | 'missingColumns' | 'columns'> {
  store: string;
  sessions: LabeledSession[];
  /** Sessions left out because they start with a purchase (counted in `sessionStats.emptyPrefix`), by start time. */
  purchaseFirst: PurchaseFirstSession[];
  parse: ParseStats;
  sessionStats: SessionStats;
}

const read = (root: string, ...p: string[]): string => readFileSync(join(root, ...p), 'utf8');

function addStats<T extends object>(a: T, b: T): T {
  const out = { ...a } as Record<string, number>;
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + (v as number);
  return out as T;
}

/** Sessionizes each parsed file on its own time window and merges the results. */
function fromFiles(store: string, parsed: ParseResult[], gapMs?: number): StoreData {
  let sessions: LabeledSession[] = [];
  let purchaseFirst: PurchaseFirstSession[] = [];
  let parse: ParseStats = { rows: 0, malformed: 0, unmapped: 0 };
  let sessionStats: SessionStats = { sessions: 0, cutOff: 0, cutOffWithPurchase: 0, emptyPrefix: 0, kept: 0, positives: 0 };
  parsed.forEach((p, i) => {
    const s = sessionize(p.events, { gapMs, windowEndMs: p.windowEndMs, tag: parsed.length > 1 ? `f${i}-` : '' });
    sessions = sessions.concat(s.sessions);
    purchaseFirst = purchaseFirst.concat(s.purchaseFirst);
    parse = addStats(parse, p.stats);
    sessionStats = addStats(sessionStats, s.stats);
  });
  sessions.sort((a, b) => a.startMs - b.startMs);
  purchaseFirst.sort((a, b) => a.startMs - b.startMs);
  const firstMalformed = parsed.find((p) => p.firstMalformed)?.firstMalformed;
  const header = parsed.find((p) => p.missingColumns);
  return {
    store,
    sessions,
    purchaseFirst,
    parse,
    sessionStats,
    ...(firstMalformed ? { firstMalformed } : {}),
    ...(header ? { missingColumns: header.missingColumns, columns: header.columns } : {}),
  };
}

/**
 * Loads one known store from the data root.
 * @throws Error when its files are missing
 */
export function loadStore(store: StoreName, root = dataRoot()): StoreData {
  switch (store) {
    case 'rees46':
      return fromFiles(store, [parseRees46(read(root, 'events/rees46/2019-Oct-head.csv'))]);
    case 'jdata':
      return fromFiles(
        store,
        ['02', '03', '04'].map((m) => parseJdata(read(root, `events/jdata2017/JData_Action_2016${m}.csv`))),
      );
    case 'diginetica':
      return fromFiles(store, [
        parseDiginetica({
          views: read(root, 'events/diginetica/sample_train-item-views.csv'),
          purchases: read(root, 'events/diginetica/train-purchases.csv'),
          categories: read(root, 'events/diginetica/product-categories.csv'),
        }),
      ], Infinity);
    case 'taobao':
      return fromFiles(store, [parseTaobao(read(root, 'holdout/taobao/UserBehavior_sample.csv'))]);
    case 'otto':
      return fromFiles(store, [parseOtto(read(root, 'holdout/otto/train.jsonl'))]);
    case 'coveo':
      // Sessions in the samples are complete (they hold whole sessions), so no cut-off window.
      return fromFiles(
        store,
        ['sigir_browsing_train_sample.csv', 'nature2020_sample_dataset.csv'].map((f) => ({
          ...parseCoveo(read(root, 'holdout/coveo', f)),
          windowEndMs: -Infinity,
        })),
      );
  }
}

/**
 * Loads a generic CSV (see `adapters/generic.ts` for the format) as one store.
 * @param path file path
 * @param store store name (default: `generic`)
 */
export function loadGenericCsv(path: string, store = 'generic'): StoreData {
  return fromFiles(store, [parseGeneric(readFileSync(path, 'utf8'), store)]);
}
