/**
 * Stored sessions replayed through the pretrained cell for the personalizer (`personalizer.ts`):
 * in short steps, so a replay never holds the page for long, inside one long session too.
 */
import type { HunchEvent } from '../events.js';
import type { JsNet } from '../model/js-net.js';
import type { SessionRecord } from '../session.js';
import { createPacer, runSliced } from '../slice.js';
import type { Store } from '../store/types.js';
import { sessionExampleSteps, type SessionExamples } from './examples.js';

/** Yields to the page once a slice's budget is spent (`slice.ts`: `createPacer`). */
type Pace = () => Promise<void>;

/**
 * One stored session replayed; `pace` is shared by a whole replay, so sessions replayed back to
 * back from a store that answers at once still give the page its turns.
 * @param after events stored until then (ms since the epoch: the last forget) are left out
 */
async function examplesOf(store: Store, net: JsNet, session: SessionRecord, after: number, pace: Pace): Promise<SessionExamples> {
  // events stored up to a reset were forgotten, whatever storage still holds
  const events: HunchEvent[] = (await store.getEvents({ sessionId: session.id })).filter((e) => e.ts > after);
  // a zero budget hands every step to `pace`, which yields once the shared slice is spent
  return runSliced(sessionExampleSteps(net, events), undefined, 0, pace);
}

/**
 * `sessions` replayed, in their order.
 * @param after as in {@link examplesOf}
 * @param replayed called after each session with how many were replayed (1..`sessions.length`)
 */
export async function replaySessions(store: Store, net: JsNet, sessions: readonly SessionRecord[], after: number, replayed?: (done: number) => void): Promise<SessionExamples[]> {
  const pace = createPacer();
  const out: SessionExamples[] = [];
  for (const s of sessions) {
    out.push(await examplesOf(store, net, s, after, pace));
    replayed?.(out.length);
    await pace();
  }
  return out;
}

/**
 * The `max` last of `sessions` (oldest first) that have model steps, replayed, oldest first: walks
 * back from the newest, so sessions without any (purchase first, dwell only) leave no gap.
 * @param after as in {@link examplesOf}
 */
export async function replayLastWithSteps(store: Store, net: JsNet, sessions: readonly SessionRecord[], after: number, max: number): Promise<Array<{ ex: SessionExamples; session: SessionRecord }>> {
  const pace = createPacer();
  const out: Array<{ ex: SessionExamples; session: SessionRecord }> = [];
  for (let i = sessions.length - 1; i >= 0 && out.length < max; i--) {
    const ex = await examplesOf(store, net, sessions[i], after, pace);
    if (ex.z.length) out.push({ ex, session: sessions[i] });
    await pace();
  }
  return out.reverse();
}
