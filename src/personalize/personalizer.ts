/**
 * Browser side of personalization: gathers the user's ended sessions from the store, replays them
 * through the pretrained cell, runs the guarded fit in short slices (never a long main-thread
 * task), persists the per-user head in the store's meta (`personal:head`, keyed by the base
 * model's version), hands it to the predictor (JS kernel and TensorFlow.js runtime), and scores
 * past predictions for `metrics()`. Storage, predictor and clock are injected.
 */
import type { Predictor } from '../model/predictor.js';
import type { Store } from '../store/types.js';
import { guardedPersonalize, skippedHead, type GuardOptions, type PersonalizeResult } from './guard.js';
import { checkHead, globalHead, headLogitOf, type PersonalHead } from './head.js';
import { scorePredictions, type ScoreSummary } from './metrics.js';
import { createSerialQueue, loadOnce } from '../serial.js';
import { runSliced } from '../slice.js';
import { replayLastWithSteps, replaySessions } from './replay.js';
import { autoDue, endedAfter, endedSessions, newestEnd, seenBy, seenUntil } from './schedule.js';

export { AUTO_EVERY_SESSIONS } from './schedule.js';

/** The last event time (ms) a record's head in use may have learned from (see `fittedUntil`). */
const fittedBy = (r: StoredPersonalHead): number => r.fittedUntil ?? seenBy(r);

/** Meta key of the stored per-user head. */
export const PERSONAL_META = 'personal:head';

/** Why a run is skipped when the stored head belongs to another model version (another tab's). */
const OTHER_VERSION = "the stored personal head belongs to another intent model (another tab's): it is left as it is; a page load with this model replaces it";

/** At most this many of the most recent ended sessions are used (bounds the work per run). */
export const MAX_SESSIONS = 60;

/** What `personal:head` holds (plain numbers, so `export()` shows the weights). */
export interface StoredPersonalHead {
  /** Base model the head belongs to; another version invalidates it. */
  modelVersion: string;
  /** Head in use (null: the pretrained one). */
  head: PersonalHead | null;
  /** Head in use before the last adoption (for rollback; null: the pretrained one). */
  previous: PersonalHead | null;
  /** Result of the last run. */
  last: PersonalizeResult | null;
  /** Ended sessions counted at the last run. */
  endedSessions: number;
  /**
   * Last event time of the newest ended session the last run saw, ms since the epoch: sessions
   * that end later count toward the next automatic run (`schedule.ts`). Absent in records saved
   * before 2026-11-30 (their `at` stands in).
   */
  seenUntil?: number;
  /**
   * Last event time (ms since the epoch) of the newest session the head in use could have learned
   * from (fitted on, or judged by the guard that adopted it): `metrics()` scores it only on
   * sessions that ended later. A later run that keeps the head leaves it as it is, so the guard's
   * later holdouts (which only chose to keep it) stay in its scores. Absent when no personal head is in use, and in records saved before 2026-12-01 (then
   * `seenUntil`, or `at`, stands in: later, so still only sessions the head never saw).
   */
  fittedUntil?: number;
  /** Time of the last run, ms since the epoch. */
  at: number;
}

/**
 * Progress and results of the intent head's runs (`on('personalize')`). `target` is absent (typed
 * `undefined`), so `e.target === 'recommend'` tells a `TasteEvent` apart.
 */
export type PersonalizeEvent =
  | {
      /** A run started. */
      status: 'start';
      /** `'manual'`: a `personalize()` call; `'auto'`: the run at idle time after ended sessions. */
      reason: 'manual' | 'auto';
      /** Absent: the intent head's run. */
      target?: undefined;
    }
  | {
      /** A run progressed. */
      status: 'progress';
      /** `'replay'`: ended sessions replayed through the model; `'fit'`: Newton iterations of the fit. */
      phase: 'replay' | 'fit';
      /**
       * `replay`: sessions replayed so far (1..`total`); `fit`: the Newton iteration under way,
       * counted from 0 (it may be reported more than once).
       */
      done: number;
      /** `replay`: sessions to replay; `fit`: the most iterations (the fit may stop earlier). */
      total: number;
      /** Absent: the intent head's run. */
      target?: undefined;
    }
  | ({
      /** A run ended; the rest is its {@link PersonalizeResult}. */
      status: 'done';
      /** Wall time of the run, ms. */
      durationMs: number;
      /** As in `start`. */
      reason: 'manual' | 'auto';
      /** Absent: the intent head's run. */
      target?: undefined;
    } & PersonalizeResult)
  | {
      /** A run failed (e.g. no storage consent, or no intent model); a manual run's `personalize()` rejects. */
      status: 'error';
      /** The error's message. */
      error: string;
      /** Absent: the intent head's run. */
      target?: undefined;
    };

/**
 * `metrics()`: the model's predictions on this device against observed outcomes, for the
 * 60 most recent ended sessions with model steps (in each, the last prediction
 * before any purchase, recomputed from the stored events: the model is deterministic). A personal
 * head is scored only on the sessions that ended after the run that fitted it, so its figures are
 * out of sample (it never learned from those sessions), next to the pretrained head's on the
 * same sessions.
 */
export interface DeviceMetrics {
  /** Version of the base model whose predictions were scored. */
  modelVersion: string;
  /** Ended sessions scored for `global`: the 60 most recent with model steps (fewer when fewer have). */
  sessions: number;
  /** The pretrained head on all of them (it never learned from this device's data). */
  global: ScoreSummary;
  /**
   * The personal head in use on the sessions that ended after it was fitted (`n` is 0 until one
   * has), or null when none is in use. When the fit's mark is later than the clock (a run made
   * while the device clock ran ahead, put back since), the sessions ended since the last run are
   * told by count instead of time (`schedule.ts`: `endedAfter`).
   */
  personalized: ScoreSummary | null;
  /** The pretrained head on the same sessions as `personalized` (the paired comparison), or null. */
  globalSinceFit: ScoreSummary | null;
}

/** What the personalizer needs. */
export interface PersonalizerDeps {
  store(): Promise<Store> | undefined;
  predictor(): Promise<Predictor>;
  /** The open session's id (undefined once it has timed out): never used for training or scoring. */
  sessionId(): string | undefined;
  now(): number;
  emit(e: PersonalizeEvent): void;
  whenIdle(fn: () => void): void;
  /** Automatic runs (`maybeAuto`); `false` leaves runs to `run()`. Default true. */
  auto?: boolean;
  /** Says (once per damaged record) that a stored head could not be used and was dropped. */
  warn?(message: string): void;
  /** Guard and fit options (defaults in `guard.ts` and `fit.ts`). */
  options?: GuardOptions;
}

/** The personalizer's face. */
export interface Personalizer {
  /** Loads the stored head for this predictor (deletes one of another model version: only here, at load). */
  restore(p: Predictor): Promise<void>;
  /**
   * Runs now (queued behind a run in progress). Skipped (the result's `skipped` says why, nothing
   * is saved) when the stored head belongs to another model version, another tab's: only a page
   * load with this model replaces it. @throws Error when there is no model or storage.
   */
  run(reason?: 'manual' | 'auto'): Promise<PersonalizeResult>;
  /** Starts a run at idle time when enough sessions ended since the last one. */
  maybeAuto(): void;
  /**
   * Goes back to the head in use before the last change (an adoption or a revert), queued behind a
   * run in progress. One level: the head it replaces is not kept, so a second call goes to the
   * pretrained head. Resolves true when the head in use changed; false when there was nothing to
   * undo, or the stored head belongs to another model version (another tab's: left as it is).
   */
  rollback(): Promise<boolean>;
  metrics(): Promise<DeviceMetrics>;
  /** Forgets the in-memory head (after `forget()`) and puts the pretrained head back in `p`. */
  reset(p?: Predictor): Promise<void>;
  /**
   * For good (the instance's `dispose()`): a run, rollback or `metrics()` under way, or called later,
   * rejects at its next step, as after a reset mid-run ("personalization stopped: the instance was
   * disposed"; no `error` event): no more store calls, no save, no head put in use (a store call
   * already under way settles). A restore or an automatic run does nothing.
   */
  stop(): void;
}

/** What a personalization run, rollback or `metrics()` rejects with once the instance is disposed. */
export const stoppedError = () => new Error('personalization stopped: the instance was disposed');

/** Creates a personalizer. */
export function createPersonalizer(d: PersonalizerDeps): Personalizer {
  let record: StoredPersonalHead | undefined;
  const queued = createSerialQueue(); // runs and rollbacks, one at a time
  let autoQueued = false;
  /** Counts resets (forget): a run or restore that began before one must not save or apply what it read or fitted. */
  let generation = 0;
  /** When the last reset happened (ms): a head stored until then was forgotten, whatever storage still holds. */
  let forgotAt = -Infinity;
  let stopped = false; // stop(): nothing more reaches storage or the predictor
  const live = () => {
    if (stopped) throw stoppedError();
  };
  /** Throws when a run must not save or apply what it read or fitted: stopped, or a reset since `gen`. */
  const check = (gen: number) => {
    live();
    if (gen !== generation) throw new Error('personalization stopped: the data it was fitting was forgotten meanwhile');
  };
  /** The storage (none without consent); its calls reject once stopped (a closed IndexedDB would reopen). @throws once stopped */
  const storage = (): Promise<Store> | undefined => {
    live();
    const get = (t: Store, k: string | symbol) => {
      const v = Reflect.get(t, k) as unknown;
      return typeof v === 'function' ? (...a: unknown[]) => (stopped ? Promise.reject(stoppedError()) : v.apply(t, a)) : v;
    };
    return d.store()?.then((s) => new Proxy(s, { get }));
  };

  const model = async () => {
    live();
    const p = await d.predictor();
    live();
    if (!p.jsNet || !p.setHead) throw new Error('personalization needs the intent model (the heuristic cannot be personalized)');
    return { p, net: p.jsNet, setHead: p.setHead.bind(p) };
  };

  /** Ended sessions with events after the last reset. */
  const ended = async (store: Store) => endedSessions(await store.getSessions(), d.sessionId(), forgotAt);

  /**
   * Reads the stored head for this predictor and puts it in use. Resolves true when the stored one
   * belongs to another model version: deleted when `atLoad` (this page's model replaced the one it
   * was fitted to), left in place otherwise, since a run's or rollback's re-read may find the head
   * a tab with another model (a newer one, or one loaded before a deploy) adopted, which this page
   * must neither delete nor overwrite. Versions are hashes, not ordered: whichever tab is newer,
   * only a page load replaces another version's head.
   */
  const read = async (p: Predictor, store: Store, gen: number, atLoad = false): Promise<boolean> => {
    const saved = await store.getMeta<StoredPersonalHead>(PERSONAL_META);
    live();
    if (!saved || gen !== generation || saved.at <= forgotAt) return false; // nothing stored, or forgotten (meanwhile or before)
    if (saved.modelVersion !== p.modelVersion) {
      if (!atLoad) return true;
      record = undefined;
      await store.deleteMeta(PERSONAL_META); // a new base model: the per-user head no longer fits
      return false;
    }
    const size = p.jsNet!.H + p.jsNet!.D;
    try {
      record = { ...saved, head: saved.head ? checkHead(saved.head, size) : null, previous: saved.previous ? checkHead(saved.previous, size) : null };
    } catch (err) {
      // a damaged record must not stop personalization for good: dropped, as a new model's would be
      record = undefined;
      d.warn?.(`the stored personal head was damaged and is dropped: ${(err as Error)?.message ?? err}`);
      await store.deleteMeta(PERSONAL_META);
      return false;
    }
    await p.setHead!(record.head); // also null: another tab's rollback or revert is followed here
    return false;
  };
  /**
   * Reads the stored head once storage is there: at load, or later when consent is granted. Every
   * run, rollback and score waits for it, so none starts from (or saves over) a head it never read.
   */
  const restore = loadOnce((p: Predictor) => {
    const storeP = stopped ? undefined : storage();
    const gen = generation;
    return storeP && p.setHead && p.jsNet ? storeP.then(async (store) => void (await read(p, store, gen, true))) : undefined;
  });

  const save = async (store: Store, r: StoredPersonalHead) => {
    record = r;
    await store.setMeta(PERSONAL_META, r);
  };

  const doRun = async (reason: 'manual' | 'auto'): Promise<PersonalizeResult> => {
    const t0 = performance.now();
    const gen = generation;
    const storeP = storage();
    if (!storeP) throw new Error('personalization needs storage (consent not granted)');
    const store = await storeP;
    const { p, net, setHead } = await model();
    await restore(p);
    // another tab may have run or rolled back since: start from what is stored now; a head of another
    // model version (another tab's) is neither deleted nor overwritten
    if (await read(p, store, gen)) return skippedHead(OTHER_VERSION);
    const endedNow = await ended(store);
    // an automatic run queued behind one that already covered these sessions: nothing new to learn from
    if (reason === 'auto' && !autoDue(endedNow, record, d.now())) return skippedHead('no new ended sessions since the last run');
    d.emit({ status: 'start', reason });
    const sessions = endedNow.slice(-MAX_SESSIONS);
    const examples = await replaySessions(store, net, sessions, forgotAt, (done) => d.emit({ status: 'progress', phase: 'replay', done, total: sessions.length }));
    const prior = globalHead(net);
    const current = record?.head ?? prior;
    const { result, head } = await runSliced(guardedPersonalize(examples, prior, current, d.options), (v) => {
      live(); // a stop ends the fit at its next step
      d.emit({ status: 'progress', phase: 'fit', done: v.iteration, total: v.maxIter });
    });
    check(gen);
    const changed = result.adopted || result.reverted;
    const inUse = result.adopted ? head : result.reverted ? null : (record?.head ?? null);
    // not clamped to now, unlike seenUntil: every session the fit saw is left out of its scores
    const fittedUntil = result.adopted ? newestEnd(endedNow) : inUse && record ? fittedBy(record) : undefined;
    await save(store, {
      modelVersion: p.modelVersion,
      head: inUse,
      previous: changed ? (record?.head ?? null) : (record?.previous ?? null),
      last: result,
      endedSessions: endedNow.length,
      seenUntil: seenUntil(endedNow, d.now()),
      ...(fittedUntil === undefined ? {} : { fittedUntil }),
      at: d.now(),
    });
    check(gen);
    if (changed) await setHead(inUse);
    d.emit({ status: 'done', reason, durationMs: performance.now() - t0, ...result });
    return result;
  };

  const run = (reason: 'manual' | 'auto' = 'manual') => {
    const next = queued(() => doRun(reason));
    next.catch((err) => stopped || d.emit({ status: 'error', error: String((err as Error)?.message ?? err) }));
    return next;
  };

  return {
    restore,
    run,
    maybeAuto() {
      if (autoQueued || d.auto === false || stopped) return;
      autoQueued = true;
      d.whenIdle(() => {
        void (async () => {
          try {
            const storeP = storage();
            const p = await d.predictor();
            if (!storeP || !p.jsNet) return; // no storage, or the heuristic: nothing to personalize
            await restore(p);
            if (autoDue(await ended(await storeP), record, d.now())) await run('auto');
          } catch {
            /* reported through the 'personalize' error event */
          } finally {
            autoQueued = false;
          }
        })();
      });
    },
    rollback() {
      return queued(async () => {
        const storeP = storage();
        if (!storeP) return false;
        const gen = generation;
        const { p, setHead } = await model();
        await restore(p);
        const store = await storeP;
        // undo what is stored now, which another tab may have changed; another model version's head is not undone here
        if (await read(p, store, gen)) return false;
        if (gen !== generation || !record || (!record.head && !record.previous)) return false; // nothing to undo, or forgotten meanwhile
        // the head brought back was fitted before the one it replaces: no session after that one's fit
        // was seen by either, so metrics() keeps scoring from there
        const { fittedUntil: _, ...rest } = record;
        const back = { ...rest, head: record.previous, previous: null, seenUntil: seenBy(record), ...(record.previous ? { fittedUntil: fittedBy(record) } : {}), at: d.now() };
        await save(store, back);
        live();
        if (gen === generation) await setHead(back.head);
        return true;
      });
    },
    async metrics() {
      const storeP = storage();
      if (!storeP) throw new Error('metrics need storage (consent not granted)');
      const store = await storeP;
      const { p, net } = await model();
      await restore(p); // the personal head's scores need the stored head
      const all = await ended(store);
      const scored = await replayLastWithSteps(store, net, all, forgotAt, MAX_SESSIONS);
      const g = globalHead(net);
      const score = (h: PersonalHead, rows: typeof scored) =>
        scorePredictions(
          rows.map((s) => s.ex.label),
          rows.map((s) => 1 / (1 + Math.exp(-headLogitOf(h, s.ex.z[s.ex.z.length - 1])))),
        );
      const head = record?.head;
      // by time, or (a clock put back since the fit) by count since the last run: schedule.ts
      const after = new Set(head && record ? endedAfter(all, fittedBy(record), d.now(), record.endedSessions) : []);
      const unseen = scored.filter((s) => after.has(s.session));
      return {
        modelVersion: p.modelVersion,
        sessions: scored.length,
        global: score(g, scored),
        personalized: head ? score(head, unseen) : null,
        globalSinceFit: head ? score(g, unseen) : null,
      };
    },
    async reset(p) {
      generation++;
      forgotAt = d.now();
      record = undefined;
      await p?.setHead?.(null);
    },
    stop() {
      stopped = true;
    },
  };
}
