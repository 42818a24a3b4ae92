/**
 * Firing matched trigger rules under their caps, for the intent service: the sessions' fired log
 * (in memory, merged with the stored one) and its read-merge-write under a Web Lock before a rule
 * fires.
 */
import type { Intent } from './intent.js';
import type { Store } from './store/types.js';
import { capRules, mergeFiredLogs, type FiredLog, type TriggerRule } from './triggers.js';
import { withWebLock } from './web-lock.js';

/** The meta key of the stored fired log. */
export const FIRED_META = 'triggers:fired';

/** What firing needs from the intent service. */
export interface TriggerFiringDeps {
  /** Storage, or undefined while consent does not allow storing. */
  store(): Promise<Store> | undefined;
  now(): number;
  emitTrigger(t: { rule: string; intent: Intent }): void;
  /** Web Lock taken around the stored log's read-merge-write (none: unlocked). */
  lockName?: string;
}

/** The fired log; `stale()` says a forget landed meanwhile (nothing more fires or is written). */
export interface TriggerFiring {
  /** Merges the log read from storage: rules fired here before it was readable stay counted. */
  merge(stored: FiredLog | undefined): void;
  /** Fires the matched rules their caps allow (the stored log read again and written first) and emits them. */
  fire(hits: readonly TriggerRule[], intent: Intent, stale: () => boolean): Promise<void>;
  /** After a forget: an empty log. */
  reset(): void;
}

/** Creates the fired log keeper of one intent service. */
export function createTriggerFiring(d: TriggerFiringDeps): TriggerFiring {
  let fired: FiredLog = {};

  const fire = async (hits: readonly TriggerRule[], intent: Intent, stale: () => boolean) => {
    let r = capRules(hits, intent.sessionId, fired, d.now());
    if (!r.fired.length) return;
    const storeP = d.store();
    if (storeP) {
      // another tab of the session may have fired these rules since this one read the log: the
      // stored log is read again and the caps checked against both before anything fires, and the
      // new log is written before the trigger is emitted, all under a Web Lock that every tab of
      // the store takes for this (without one, two tabs whose reads and writes interleave within
      // one round trip could both fire)
      const recheck = async (): Promise<void> => {
        const s = await storeP;
        const stored = await s.getMeta<FiredLog>(FIRED_META);
        if (stale()) return; // a forget meanwhile: nothing of the forgotten log comes back
        r = capRules(hits, intent.sessionId, mergeFiredLogs(stored ?? {}, fired), d.now());
        fired = r.log;
        if (r.fired.length) await s.setMeta(FIRED_META, fired);
      };
      try {
        await (d.lockName ? withWebLock(d.lockName, recheck) : recheck());
      } catch {
        fired = r.log; // storage trouble (said by the writer) must not silence the rules
      }
      if (stale()) return;
    } else fired = r.log;
    for (const rule of r.fired) d.emitTrigger({ rule, intent });
  };

  return {
    merge(stored) {
      if (stored) fired = mergeFiredLogs(stored, fired);
    },
    fire,
    reset() {
      fired = {};
    },
  };
}
