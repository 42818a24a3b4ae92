/**
 * Intent inside the instance: loads the predictor lazily (when the page is idle, or at once when
 * `intent()` is asked), feeds it every event in order, carries and persists each session's state
 * (so a reload resumes without replaying the session), emits `intent` after each update and runs
 * the triggers. If the model cannot load, the heuristic answers and one `error` says why.
 */
import type { HunchEvent } from './events.js';
import { intentOf, type Intent } from './intent.js';
import type { ModelPredictor } from './model/client.js';
import { advance, heuristicPredictor, type Predictor } from './model/predictor.js';
import { newSessionState, type SessionState } from './model/session-state.js';
import { createPersonalizer } from './personalize/personalizer.js';
import { resumeFrom } from './intent-resume.js';
import { isEncodable, isSessionState } from './session-state-check.js';
import { createPacer } from './slice.js';
import { createStateSaver } from './intent-persist.js';
import { createAnswerBook, remember } from './intent-answers.js';
import { createScoring } from './intent-rescore.js';
import { reason } from './validate-event.js';
import { matchRules, type FiredLog } from './triggers.js';
import { createTriggerFiring, FIRED_META } from './trigger-firing.js';

/** Meta keys this service owns. */
export const INTENT_META = { state: 'intent:state', fired: FIRED_META } as const;

export { PERSIST_EVERY_MS } from './intent-persist.js';

import type { IntentService, IntentServiceDeps } from './intent-service-api.js';

export type { IntentService, IntentServiceDeps };

/** Creates the service and schedules the model load for idle time. */
export function createIntentService(d: IntentServiceDeps): IntentService {
  let predictor: Predictor | undefined;
  let loading: Promise<Predictor> | undefined;
  let state: SessionState | undefined;
  let current: Intent | undefined;
  let chain: Promise<void> = Promise.resolve();
  let processed = new Set<string>();
  /** Whether the stored state and events were read (needs storage: retried while there is none), and a read is under way. */
  let restored = false;
  let restoring = false;
  /** Restored from the back/forward cache (`pageRestored`): the next update reads the stored session again. */
  let reread = false;
  /** This page's events it has not answered yet, and those it owed when it came back from the cache. */
  const book = createAnswerBook();
  /** Events applied live before storage could be read: a later restore replays them without emitting again. */
  const answered = new Set<string>();
  /** Of those, the ones whose rules were not checked (a session this page did not start: see `apply`). */
  const unchecked = new Set<string>();
  /** The time of this page's first event in each session it heard (a session it started begins with it). */
  const firstHeard = new Map<string, number>();
  const triggers = createTriggerFiring(d);
  let disposed = false;
  let stepsRun = 0;
  let resets = 0; // forgets: an async write begun before one must not bring back what it read
  // a state being rebuilt by a restore, or one a re-read is about to replace, is not written
  const saver = createStateSaver({ store: d.store, key: INTENT_META.state, now: d.now, state: () => (restored && !restoring ? state : undefined), queued: () => chain, disposed: () => disposed });
  const pace = createPacer();
  const personalizer = createPersonalizer({
    store: d.store,
    predictor: () => (predictor ? Promise.resolve(predictor) : load()),
    sessionId: d.openSessionId ?? d.sessionId, // a timed-out session has ended: fitted on and scored
    now: d.now,
    emit: (e) => d.emitPersonalize?.(e),
    whenIdle: d.whenIdle,
    auto: d.autoPersonalize,
    warn: (message) => d.problem('warning', 'personal-restore', message),
  });

  const load = (): Promise<Predictor> => {
    if (!loading) {
      loading = (async () => {
        if (!d.loadPredictor) return heuristicPredictor;
        try {
          return await d.loadPredictor();
        } catch (err) {
          d.problem('error', 'model-load', `intent model unavailable, using the heuristic: ${(err as Error)?.message ?? err}`);
          return heuristicPredictor;
        }
      })().then((p) => (predictor = p));
    }
    return loading;
  };

  const { rescored, stepped, counted } = createScoring();
  /** Re-scores the carried state (`rescored`). */
  const rescore = (p: Predictor) => {
    const s = state && rescored(state, p);
    if (s === state) return;
    state = s;
    saver.touch();
  };

  // restore the carried state of the current session, then apply its events we have not seen;
  // while nothing can be stored (consent 'pending') it is tried again on the next update, so a
  // page granted later still picks up the session its earlier pages stored
  const restore = async (p: Predictor, visit: number) => {
    try {
      await personalizer.restore(p); // the per-user head, before the first answer
    } catch (err) {
      d.problem('warning', 'personal-restore', `could not load the personal head: ${(err as Error)?.message ?? err}`);
    }
    const storeP = d.store();
    if (!storeP) return;
    restored = true;
    personalizer.maybeAuto();
    const sid = d.sessionId();
    if (!sid) return;
    const epoch = resets; // a forget during the reads or the replay: nothing read comes back
    // back from the cache meanwhile (`visit`): read again (`enqueue`), answering nothing here
    const gone = () => epoch !== resets || visit !== book.visit;
    try {
      if (state || reread) {
        // built from this page's events while nothing could be stored, or before the page was
        // cached (other pages may have gone on since): once they are written, the stored session
        // is read instead, without emitting again for the events this page already answered
        await d.flush?.();
        if (gone()) return;
        state = undefined;
        processed = new Set(); // what this read applies from the store is marked again
      }
      const store = await storeP;
      const [saved, log] = await Promise.all([store.getMeta<SessionState>(INTENT_META.state), store.getMeta<FiredLog>(INTENT_META.fired)]);
      if (gone()) return;
      triggers.merge(log); // rules fired here before storage was readable (a late grant) stay counted
      if (saved && saved.sessionId === sid && saved.modelVersion === p.modelVersion && !state) {
        if (isSessionState(saved, p.jsNet?.H)) state = saved;
        else d.problem('warning', 'intent-restore', 'the saved intent state is malformed: the session is replayed from its stored events');
      }
      const live = d.liveSince ?? 0;
      // this page's own events, which the live feed may still deliver (another tab's never come here):
      // by the tab's id prefix, random per page load, not by time (a clock set back after the page
      // started gave its events an earlier `ts`, and they were applied twice); by time only without one
      const own = (e: HunchEvent) => (d.tabId === undefined ? e.ts >= live : typeof e.id === 'string' && e.id.startsWith(`${d.tabId}-`));
      // with a saved state, only the events from its last one on (and this page's own, which may
      // still arrive live) are read: a reload into a long session does not read all of it
      const since = state?.lastEventId ? Math.min(state.lastTs, live) : undefined;
      let [events, sessions] = await Promise.all([store.getEvents({ sessionId: sid, since }), since === undefined ? [] : store.getSessions()]);
      if (gone()) return;
      /** Whether the saved state already holds the stored event at `k`. */
      let held = (_e: HunchEvent, _k: number) => false;
      if (state?.lastEventId) {
        const r = resumeFrom(state, events, sessions.find((x) => x.id === sid)?.count ?? 0, own);
        // also when another tab saved a state holding events of this page whose rules were not
        // checked yet: replayed, they are checked here
        if (r.replay || events.some((e, k) => r.held(e, k) && unchecked.has(e.id))) {
          state = undefined;
          events = await store.getEvents({ sessionId: sid });
          if (gone()) return;
        } else held = r.held;
      }
      // the first update this page applies compares with the session's last one, the saved
      // state's (before any re-score: a head changed since is this page's news to report), not
      // with none; a replay starts from the session's beginning
      current = state ? intentOf(state, p) : undefined;
      // this page answered its events before the session's history could be read, without checking
      // the rules (a session it did not start, consent 'pending' at start): once they are replayed
      // on top of it, the session's real state is said once and the rules are checked against it,
      // with the session's last update before them as `previous` (a change they brought is not
      // lost; with the clock set back between pages, the update before them by time)
      let replayed = false;
      let pageBefore: Intent | undefined;
      let covers: string[] = []; // the events the answer owed covers
      const settle = async () => {
        // answered once: a re-read that a later cache return abandons does not answer them again
        for (const id of covers) book.answered(id), unchecked.delete(id);
        covers = [];
        if (replayed && pageBefore && current) {
          d.emitIntent(current);
          await check(current, pageBefore, epoch);
        }
        replayed = false;
      };
      // an event this page tracked before it was cached and never answered: answered once, after
      // the events read (not at its place: other pages may have gone on with the session since)
      const late = (e: HunchEvent) => reread && own(e) && e.type !== 'dwell' && book.late(e.id);
      const owe = (e: HunchEvent) => (covers.push(e.id), !replayed && ([replayed, pageBefore] = [true, current ?? intentOf(newSessionState(sid, p.modelVersion), p)]));
      let skipped = 0; // stored events the encoder refuses: skipped, not the whole replay
      for (let k = 0; k < events.length; k++) {
        const e = events[k];
        if (held(e, k)) {
          // only this page's events can still arrive live; earlier pages' never will, and
          // remembering them would hold every id of a long session
          if (own(e)) processed.add(e.id);
          // one this page still owes an answer (another tab read it first and saved a state holding
          // it) is answered once, after the read, like a late one
          if (late(e) || (own(e) && e.type !== 'dwell' && book.owes(e.id))) owe(e);
          else book.answered(e.id); // another page applied it and this one answered it
          continue;
        }
        if (!isEncodable(e)) {
          skipped++;
          state = counted(state ?? newSessionState(sid, p.modelVersion), e); // `seen` matches the stored count
          continue;
        }
        // after a back/forward cache restore, this page answered every event of its own it did not owe then
        const answeredHere = answered.has(e.id) || (reread && (!book.owes(e.id) || book.late(e.id)));
        if (unchecked.has(e.id) || late(e)) owe(e);
        else if (own(e) && !answeredHere) await settle(); // before the first event this page has not answered
        await apply(p, e, own(e) && !answeredHere, true, visit);
        if (gone()) return;
        if (reread && own(e)) processed.add(e.id); // one still queued (its pagehide dwell) is not applied twice
        await pace(); // a long session replayed by the JS kernel must not be one long task
        if (gone()) return; // a forget, a 'denied' or the page cached and back in that pause
      }
      await settle();
      if (gone()) return; // cached and back during its last answer: what is owed now is the next read's
      if (skipped) d.problem('warning', 'intent-restore', `${skipped} stored events of the session could not be read and were skipped`);
      answered.clear();
      unchecked.clear();
      book.settled();
    } catch (err) {
      d.problem('warning', 'intent-restore', `could not restore the intent state: ${(err as Error)?.message ?? err}`);
    }
  };

  /**
   * Applies one event. `live`: emit `intent` and run triggers for it. `fromStore`: it came from
   * the store during restore, so its live delivery (if still queued) must be skipped.
   */
  const apply = async (p: Predictor, e: HunchEvent, live: boolean, fromStore = false, visit = book.visit) => {
    if (processed.has(e.id)) {
      // applied from the store during restore: its live delivery comes once, then never again
      if (!fromStore) processed.delete(e.id);
      return;
    }
    if (!state || state.sessionId !== e.sessionId || state.modelVersion !== p.modelVersion) {
      if (state && state.sessionId !== e.sessionId) personalizer.maybeAuto(); // a session ended
      state = newSessionState(e.sessionId, p.modelVersion);
      processed = new Set();
    }
    // only this page's events applied from the store can arrive again (live); remembering every
    // live id would grow the heap with each event of a long session
    if (fromStore && live) processed.add(e.id);
    else if (live && !restored) {
      remember(answered, e.id); // answered before the store could be read
    }
    const before = current?.sessionId === e.sessionId ? current : undefined;
    const epoch = resets;
    if (live && !firstHeard.has(e.sessionId)) firstHeard.set(e.sessionId, e.ts);
    rescore(p); // the step's reason weight is measured from the head in use now
    const prev = state;
    const revision = p.headRevision;
    const next = await advance(p, prev, e);
    if (epoch !== resets) return; // a forget landed during the step: the forgotten session stays forgotten
    stepped(prev, next, p, revision);
    state = next;
    stepsRun++;
    saver.touch();
    // a step that ended after the page came back from the cache: the state it updated is about to
    // be read again, and that re-read answers the event
    live &&= visit === book.visit;
    if (live) book.answered(e.id);
    if (e.type === 'dwell') return;
    current = intentOf(state, p);
    if (!live) return;
    const intent = current;
    d.emitIntent(intent);
    // a session this page did not start (an earlier page's, another tab's, or one that has ended
    // since), on a page that has not read its stored history (consent 'pending' from the start):
    // this page sees part of it, and what it fired is unknown, so the rules are checked once the
    // grant has replayed it (`restore`); a session this page started is all in view
    const startedHere = d.sessionId() === intent.sessionId && d.sessionStart?.() === firstHeard.get(intent.sessionId);
    if (!restored && d.sessionStart && !startedHere) {
      return remember(unchecked, e.id);
    }
    await check(intent, before, epoch);
  };

  /** Runs the rules on one update and fires those their caps allow. */
  const check = (intent: Intent, before: Intent | undefined, epoch: number) =>
    triggers.fire(
      matchRules(d.rules(), intent, before, (rule, err) => d.problem('error', `trigger:${rule}`, `trigger "${rule}" threw: ${reason(err)}`)),
      intent,
      () => epoch !== resets,
    );

  const enqueue = (fn: (p: Predictor) => Promise<void>) => {
    chain = chain
      .then(async () => {
        if (disposed) return;
        const p = predictor ?? (await load());
        if (!restored) {
          restoring = true;
          try {
            // read again when the page was cached and came back during the read
            for (let visit = -1; visit !== book.visit; ) await restore(p, (visit = book.visit));
          } finally {
            restoring = false;
            if (restored) reread = false;
          }
        }
        // the stored personal head, once storage is there (consent granted after the module loaded)
        else await personalizer.restore(p).catch(() => {});
        await fn(p);
        await pace(); // a backlog of events queued at load is stepped in slices too
        await saver.afterUpdate();
      })
      .catch((err) => d.problem('error', 'intent-update', `intent update failed: ${(err as Error)?.message ?? err}`));
    return chain;
  };

  d.whenIdle(() => {
    if (!disposed) void enqueue(async () => {});
  });

  return {
    onEvent(e) {
      book.fed(e.id);
      // an event queued before a forget (the model still loading) belongs to the forgotten session
      const epoch = resets;
      void enqueue((p) => (epoch === resets ? apply(p, e, true) : Promise.resolve()));
    },
    async intent() {
      await enqueue(async () => {});
      const p = predictor ?? heuristicPredictor;
      const sid = d.sessionId() ?? state?.sessionId ?? '';
      // read-only: the answer is re-scored under the head in use, but neither the carried state
      // nor `current` (the last update emitted, the next update's `previous`) is touched, so a
      // stage a head change brought is still a change at the next update (its `intent` event and
      // the rules comparing with `previous`, ready-to-buy's) instead of being consumed here
      if (state && state.sessionId === sid) return intentOf(rescored(state, p), p);
      return intentOf(newSessionState(sid, p.modelVersion), p);
    },
    get backend() {
      return predictor?.backend ?? 'none';
    },
    get warmupMs() {
      return predictor?.warmupMs;
    },
    get predictor() {
      return predictor;
    },
    get stepsRun() {
      return stepsRun;
    },
    // after the stored head is restored (the first event or idle time may not have come yet)
    personalize: () => enqueue(async () => {}).then(() => personalizer.run('manual')),
    metrics: () => personalizer.metrics(),
    rollback: () => enqueue(async () => {}).then(() => personalizer.rollback()),
    async runtimeInfo() {
      const m = predictor as Partial<ModelPredictor> | undefined;
      if (!m?.stats) return { thread: 'none' as const, backend: predictor?.backend ?? 'none', numTensors: 0, steps: stepsRun };
      const st = await m.stats();
      return { thread: m.thread ?? 'main', backend: m.backend ?? 'none', numTensors: st.numTensors, steps: stepsRun };
    },
    loseContext: async () => ((predictor as Partial<ModelPredictor> | undefined)?.loseContext?.() ?? false),
    // ifLoaded (dispose): with no model yet there is no state to write, and a model still loading
    // must not hold the page up to model.timeoutMs; otherwise the queued updates are applied first
    // ifLoaded: after the queued updates. Otherwise (pagehide) by the trailing save only, once the
    // model is there (`intent-persist.ts`); before, the queued updates save as they would
    persist(ifLoaded) {
      if (ifLoaded) return predictor ? chain.then(saver.save) : Promise.resolve();
      if (predictor) saver.leaving();
      return chain.then(saver.pending);
    },
    pageRestored() {
      if (!restored && !reread) return; // nothing read yet: the next update reads it anyway
      restored = false;
      reread = true;
      book.cached();
    },
    reset() {
      resets++;
      void personalizer.reset(predictor);
      state = undefined;
      current = undefined;
      processed = new Set();
      answered.clear();
      unchecked.clear();
      firstHeard.clear();
      book.clear();
      triggers.reset();
      saver.clean();
      saver.cancel();
    },
    wake: () => void enqueue(async () => {}),
    halt: () => personalizer.stop(), // a run in flight saves and applies nothing, and reads no more
    dispose() {
      disposed = true;
      saver.cancel();
      personalizer.stop();
      if (predictor) predictor.dispose();
      else void loading?.then((p) => p.dispose()); // a model still loading would otherwise start a worker nobody stops
    },
  };
}
