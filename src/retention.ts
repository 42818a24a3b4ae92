/**
 * Retention: what the store keeps (`retention.days`, `retention.maxEvents`, never the live
 * session) and when it is enforced: at start, and after every min(500, maxEvents / 10) written
 * events, so between prunes the store overshoots `maxEvents` by at most ~10%. A write that hits
 * the quota asks for a tighter policy.
 */
import type { PrunePolicy, Store } from './store/types.js';
import { reason } from './validate-event.js';

/** Retention is enforced after this many written events at most (sooner for small `maxEvents`), and at start. */
export const PRUNE_EVERY_EVENTS = 500;

const DAY_MS = 86_400_000;

/** What {@link createRetention} needs. */
export interface RetentionDeps {
  /** Days and most events to keep (`retention` option). */
  retention: { days: number; maxEvents: number };
  now(): number;
  /** The current session while it is live (not timed out): never pruned. */
  liveSessionId(): string | undefined;
  store(): Promise<Store>;
  /** Says a failed prune (once, as a warning). */
  problem(kind: 'warning', code: string, message: string): void;
}

/** An instance's retention. */
export interface Retention {
  /** The policy now, with at most `maxEvents` events (default the option's). */
  policy(maxEvents?: number): PrunePolicy;
  /** Prunes now (failures are said, never thrown). */
  prune(): Promise<void>;
  /** Counts written events and prunes when enough were written since the last prune. */
  written(count: number): void;
}

/** Creates the retention of one instance. */
export function createRetention(d: RetentionDeps): Retention {
  let sinceLastPrune = 0;
  const policy = (maxEvents = d.retention.maxEvents): PrunePolicy => ({
    maxEvents,
    before: d.now() - d.retention.days * DAY_MS,
    keepSession: d.liveSessionId(), // not a session that has already timed out (e.g. the last visit's, at start)
  });
  const prune = async () => {
    sinceLastPrune = 0;
    try {
      await (await d.store()).prune(policy());
    } catch (err) {
      d.problem('warning', 'storage-prune', `retention pruning failed: ${reason(err)}`);
    }
  };
  return {
    policy,
    prune,
    written(count) {
      sinceLastPrune += count;
      // (maxEvents is at least 100: at least every 10 events)
      if (sinceLastPrune >= Math.min(PRUNE_EVERY_EVENTS, Math.ceil(d.retention.maxEvents / 10))) void prune();
    },
  };
}
