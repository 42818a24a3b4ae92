/**
 * Per-session aggregate features for the logistic-regression baseline (as the issue lists them):
 * counts per event type, length, distinct and repeated items, duration, gaps, last event type.
 */
import { EVENT_TYPES } from '../../../src/events.js';
import type { LabeledSession } from '../../data/index.js';

/** Names of {@link aggregateFeatures}' outputs, in order. */
export const AGGREGATE_NAMES: readonly string[] = [
  ...EVENT_TYPES.map((t) => `count_${t}`),
  'length',
  'distinct_items',
  'repeated_items',
  'duration',
  'mean_gap',
  'max_gap',
  ...EVENT_TYPES.map((t) => `last_${t}`),
];

/**
 * Aggregates over the first `k` events of a session prefix (all when `k` is omitted).
 * Counts and times are log1p-scaled (times in seconds).
 */
export function aggregateFeatures(s: LabeledSession, k = Infinity): number[] {
  const ev = s.events.slice(0, k);
  const counts = EVENT_TYPES.map((t) => Math.log1p(ev.filter((e) => e.type === t).length));
  const items = new Map<string, number>();
  for (const e of ev) if (e.itemId) items.set(e.itemId, (items.get(e.itemId) ?? 0) + 1);
  const repeated = [...items.values()].filter((c) => c > 1).length;
  const gaps = ev.slice(1).map((e, i) => (e.ts - ev[i].ts) / 1000);
  const duration = ev.length ? (ev[ev.length - 1].ts - ev[0].ts) / 1000 : 0;
  const last = ev.length ? ev[ev.length - 1].type : '';
  return [
    ...counts,
    Math.log1p(ev.length),
    Math.log1p(items.size),
    Math.log1p(repeated),
    Math.log1p(duration),
    Math.log1p(gaps.length ? duration / gaps.length : 0),
    Math.log1p(gaps.length ? Math.max(...gaps) : 0),
    ...EVENT_TYPES.map((t) => (last === t ? 1 : 0)),
  ];
}
