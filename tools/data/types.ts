/**
 * Shapes shared by the dataset adapters (Node only). Every adapter turns one store's file
 * format into {@link NormalizedEvent}s; {@link sessionize} turns those into labelled sessions.
 */
import type { EventType } from '../../src/events.js';

/** One event in the normalized stream every adapter produces. */
export interface NormalizedEvent {
  /** Store name, e.g. `rees46`, `jdata`, `diginetica`, `taobao`, `otto`, `coveo`, or the generic CSV's name. */
  store: string;
  /** Shopper id as the source gives it; a native session id when the source has no users. */
  userId: string;
  /**
   * Session id. Adapters set the source's native session id when it has one (or `''`);
   * {@link sessionize} replaces it with `<store>:<user>:<n>` after the 30-minute gap split.
   */
  sessionId: string;
  /** Event time, ms since the Unix epoch. */
  ts: number;
  /** Hunch event type (each adapter documents how its source's types map to these). */
  type: EventType;
  /** Item id (store-specific; never fed to the model). `''` when unknown. */
  itemId: string;
  /** Category id (store-specific; used only for same-category features). `''` when unknown. */
  categoryId: string;
  /** Unit price in the store's currency; `undefined` when the source has none. */
  price?: number;
}

/** Counts an adapter reports about one parse. */
export interface ParseStats {
  /** Data rows read (header excluded, blank lines excluded). */
  rows: number;
  /** Rows skipped as malformed (wrong column count, unparsable time, unknown type code …). */
  malformed: number;
  /** Well-formed rows whose event type has no hunch equivalent (dropped by design, e.g. JD clicks). */
  unmapped: number;
  /**
   * Rows kept without a price because theirs was not a number ≥ 0 (`12,50`, `$12.50`); the
   * generic CSV only (its price column is optional), absent for the other adapters.
   */
  priceUnreadable?: number;
}

/** Result of parsing one file. */
export interface ParseResult {
  events: NormalizedEvent[];
  stats: ParseStats;
  /**
   * End of the file's time window, ms since the epoch (the latest event time parsed; `-Infinity`
   * when none). Sessions whose last event is within the gap of it are cut off.
   */
  windowEndMs: number;
  /** The first malformed row as written (cut to 200 characters) and its number (1 = the first data row), to show what went wrong. */
  firstMalformed?: { row: number; text: string };
  /** Required columns the header lacks (the generic CSV): every row is then malformed. */
  missingColumns?: string[];
  /** The header's column names as read (the generic CSV), to show next to {@link missingColumns}. */
  columns?: string[];
}

/** A session prefix with its label, ready for feature encoding. */
export interface LabeledSession {
  store: string;
  userId: string;
  sessionId: string;
  /** Events before the first purchase (all events when the session has none). Sorted by time. */
  events: NormalizedEvent[];
  /** 1 when the session contains a purchase, else 0. */
  label: 0 | 1;
  /** Time of the session's first event, ms since the epoch (used for time splits). */
  startMs: number;
}

/** Counts {@link sessionize} reports. */
export interface SessionStats {
  /** Sessions found after the 30-minute gap split. */
  sessions: number;
  /** Left out: last event within the gap of the window end (outcome unknown). */
  cutOff: number;
  /** Of `cutOff`, sessions that did contain a purchase (left out all the same, so the rule does not depend on the label). */
  cutOffWithPurchase: number;
  /** Left out: the purchase was the first event, so there is no prefix to predict from. */
  emptyPrefix: number;
  /** Sessions kept. */
  kept: number;
  /** Kept sessions with label 1. */
  positives: number;
}

/** Empty stats, for adapters to fill. */
export function emptyStats(): ParseStats {
  return { rows: 0, malformed: 0, unmapped: 0 };
}
