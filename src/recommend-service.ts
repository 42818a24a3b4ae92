/**
 * Recommendations inside the instance: loads the store's next-item model (static files the store
 * trained with `npm run train:next-item`) lazily, replays the shopper's recent history from
 * IndexedDB into a streaming ranker, pushes every new event, and ranks on demand with the same
 * code the Node evaluation uses (`src/recommend/`). The history is replayed again when storage
 * holds events the ranker never saw: storage readable only after consent was granted, or events
 * other tabs stored (`recommend/history.ts`). A model that cannot load is said once
 * (`recommend-model`); a malformed one is not fetched again, a failed request only after a
 * growing wait (`recommend/load-retry.ts`).
 *
 * Per-user taste: when the model has item factors, `personalize()` fits this shopper's taste
 * vector from their ended sessions' items and adopts it only if the guard accepts it
 * (`personalize/taste.ts`); it is kept in the store's meta (`personal:taste`, keyed by the
 * factors it was fitted to), used by every later ranking (each `recommend()` reads it again, so
 * another tab's adoption or rollback counts at once), shown by `export()` and removed by
 * `forget()`. A run also starts by itself at idle time once {@link AUTO_EVERY_SESSIONS} sessions
 * ended since the last one.
 */
import { createSerialQueue, loadOnce } from './serial.js';
import type { HunchEvent } from './events.js';
import { skippedHead, type PersonalizeResult } from './personalize/guard.js';
import { autoDue, endedSessions, seenBy, seenUntil, AUTO_EVERY_SESSIONS } from './personalize/schedule.js';
import { runSliced } from './slice.js';
import { guardTaste, skippedTaste, type TasteOptions, type TasteResult } from './personalize/taste.js';
import { checkTaste, factorsKey } from './recommend/factors.js';
import { createCarriedHistory } from './recommend/history.js';
import { checkOptionsObject, checkRankOptions, loadNextItemModel, type NextItemModel, type RankOptions, type Recommendation } from './recommend/index.js';
import { retryingLoad } from './recommend/load-retry.js';
import type { Store } from './store/types.js';

/**
 * Newest stored events replayed into the ranker (current session and recent past ones): when the
 * model loads, when storage becomes readable later (consent), and when storage holds events the
 * ranker never saw (another tab's).
 */
export const RECOMMEND_HISTORY_EVENTS = 400;

/** Newest stored events read for a taste run (their items, ended sessions only). */
export const TASTE_HISTORY_EVENTS = 2000;

/** Meta key of the stored taste. */
export const TASTE_META = 'personal:taste';

/** What `personal:taste` holds (plain numbers, so `export()` shows them). */
export interface StoredTaste {
  /** `factorsKey` of the item factors the taste was fitted to; other factors invalidate it. */
  factors: string;
  /** Taste in use (null: none). */
  taste: number[] | null;
  /** Taste in use before the last adoption (null: none). */
  previous: number[] | null;
  /** Result of the last run (null before the first). */
  last: TasteResult | null;
  /** Ended sessions counted at the last run. */
  endedSessions: number;
  /** As the head's `seenUntil` (`personalize/schedule.ts`): sessions that end later count toward the next automatic run. */
  seenUntil?: number;
  /** Time of the last run, ms since the epoch. */
  at: number;
}

/**
 * Progress and results of the recommendation taste's runs (`on('personalize')` with
 * `target: 'recommend'`; with `recommend.url` and an item model that has factors).
 */
export type TasteEvent =
  | {
      /** A taste run started. */
      status: 'start';
      /** Always `'recommend'`: the taste's run, not the intent head's. */
      target: 'recommend';
      /** `'manual'`: a `personalize()` call; `'auto'`: the run at idle time after ended sessions. */
      reason: 'manual' | 'auto';
    }
  | ({
      /** A taste run ended; the rest is its {@link TasteResult}. */
      status: 'done';
      /** Always `'recommend'`. */
      target: 'recommend';
      /** As in `start`. */
      reason: 'manual' | 'auto';
      /** Wall time of the run, ms. */
      durationMs: number;
    } & TasteResult)
  | {
      /** A taste run failed (e.g. no storage consent, the item model could not load). */
      status: 'error';
      /** Always `'recommend'`. */
      target: 'recommend';
      /** The error's message. */
      error: string;
    };

/** What the service needs from the instance. */
export interface RecommendServiceDeps {
  /** Absolute URL of the model's `manifest.json`. */
  url: string;
  /** Storage with the history, or undefined while consent does not allow reading it. */
  store(): Promise<Store> | undefined;
  /** Writes buffered events before the history is read. */
  flush(): Promise<void>;
  /** Loads the model (default `loadNextItemModel`). */
  loadModel?: (url: string) => Promise<NextItemModel>;
  /** The open session's id (undefined once it has timed out): its events are never used to fit the taste. */
  sessionId?(): string | undefined;
  /** Reports taste runs. */
  emit?(e: TasteEvent): void;
  /** Schedules automatic runs (default: a 0 ms timer). */
  whenIdle?(fn: () => void): void;
  /** Automatic taste runs (option `personalize.auto`). Default true. */
  autoPersonalize?: boolean;
  /** Clock, ms since the epoch (default `Date.now`). */
  now?(): number;
  /** Guard options (defaults in `personalize/taste.ts`). */
  tasteOptions?: TasteOptions;
  /** Reports a degraded path once (e.g. a stored taste that cannot be read). */
  problem?(kind: 'error' | 'warning', code: string, message: string): void;
}

/** The service's face. */
export interface RecommendService {
  /** Feeds one accepted event to the ranker's history. */
  onEvent(e: HunchEvent): void;
  /** `hunch.recommend()`: loads the model on first use, ranks with the taste in use. */
  recommend(options?: RankOptions): Promise<Recommendation[]>;
  /** Fits and (if the guard accepts it) adopts this shopper's taste now; queued behind a run in progress. */
  personalize(reason?: 'manual' | 'auto'): Promise<TasteResult>;
  /**
   * `hunch.personalize()` with this service: the taste run, then `head` (the intent head's run);
   * the head's result with the taste's as `recommend`. When `head` rejects (no intent model),
   * the taste still counts and the head part is reported as skipped, with the reason.
   */
  personalizeWith(head: () => Promise<PersonalizeResult>): Promise<PersonalizeResult & { recommend: TasteResult }>;
  /** Forgets the carried history and the taste (forget / consent denied). */
  reset(): void;
  /**
   * Goes back to the taste in use before the last change, queued behind a run in progress (one
   * level, as the head's). Resolves true when the taste in use changed.
   */
  rollback(): Promise<boolean>;
  /** Stops automatic runs; a run in progress neither saves nor applies its result. */
  dispose(): void;
}

/** Creates the service; the model loads on the first `recommend()`, `personalize()` or `load()`. */
export function createRecommendService(d: RecommendServiceDeps): RecommendService & { load(): Promise<void> } {
  let model: NextItemModel | undefined;
  let record: StoredTaste | undefined;
  const queued = createSerialQueue(); // runs and rollbacks, one at a time
  let autoQueued = false;
  /** Counts resets (forget): a run or restore that began before one must not keep or save the taste it fitted or read. */
  let generation = 0;
  /** When the last reset happened (ms): a taste stored until then was forgotten, whatever storage still holds. */
  let forgotAt = -Infinity;
  let disposed = false;
  const emit = (e: TasteEvent) => d.emit?.(e);
  const now = () => (d.now ? d.now() : Date.now());

  /**
   * Reads the stored taste into `record`. Resolves true when the stored one was fitted to other
   * item factors: deleted when `atLoad` (this page's model replaced the one it was fitted to), left
   * in place otherwise, since a run's or rollback's re-read may find the taste a tab with a newer
   * (retrained) model just adopted, which this page must not delete or overwrite.
   */
  const readTaste = async (store: Store, gen: number, atLoad: boolean): Promise<boolean> => {
    const f = model?.factors;
    const saved = await store.getMeta<StoredTaste>(TASTE_META);
    if (!saved || gen !== generation || saved.at <= forgotAt) return false; // nothing stored, or forgotten (meanwhile or before)
    if (!f || saved.factors !== factorsKey(f)) {
      if (atLoad) await store.deleteMeta(TASTE_META); // new item factors: the taste no longer fits
      return true;
    }
    const check = (v: number[] | null, field: string) => (v ? Array.from(checkTaste(v, f.dims, field)) : null);
    record = { ...saved, taste: check(saved.taste, 'personal:taste.taste'), previous: check(saved.previous, 'personal:taste.previous') };
    return false;
  };
  /** {@link readTaste}; a damaged record must not cost the shopper their recommendations: it is dropped (one warning), ranking goes on without it. */
  const readTasteOrDrop = async (store: Store, gen: number, atLoad = false): Promise<boolean> => {
    try {
      return await readTaste(store, gen, atLoad);
    } catch (err) {
      record = undefined;
      d.problem?.('warning', 'taste-restore', `could not load the stored taste, ranking without it: ${(err as Error)?.message ?? err}`);
      await store.deleteMeta(TASTE_META).catch(() => {});
      return false;
    }
  };
  /** Why a run is skipped when the stored taste was fitted to other item factors. */
  const OTHER_FACTORS = "the stored taste belongs to another item model (another tab's): it is left as it is; a page load with this model replaces it";
  /**
   * Reads the stored taste once the model is loaded and storage is there (at load, or later when
   * consent is granted); rankings, runs and rollbacks wait for it, so none saves over a taste it never read.
   */
  const restoreTaste = loadOnce(() => {
    const gen = generation;
    return d.store()?.then(async (store) => {
      await readTasteOrDrop(store, gen, true);
    });
  });

  /** The history the ranker carries: replayed from storage once it is readable, rebuilt when storage holds newer events (another tab's). */
  const history = createCarriedHistory({
    store: () => (disposed ? undefined : d.store()),
    flush: d.flush,
    beforeRead: () => restoreTaste(),
    sessionEnded: () => maybeAuto(),
    now,
    limit: RECOMMEND_HISTORY_EVENTS,
  });

  /** The model, loaded once; a malformed one is given up on, a failed request retried after a wait (`recommend/load-retry.ts`); said once. */
  let modelProblem = false;
  const loadModel = retryingLoad(() => (d.loadModel ?? ((u: string) => loadNextItemModel(u)))(d.url), {
    now,
    failed(err, retryAt) {
      if (modelProblem) return;
      modelProblem = true;
      const why = String((err as Error)?.message ?? err);
      const next = retryAt === undefined ? 'recommend() rejects until the page reloads' : `tried again at a later call, after ${Math.round((retryAt - now()) / 1000)} s or more`;
      d.problem?.('error', 'recommend-model', `the item model could not load (${why}); ${next}`);
    },
  });

  /** Loads the model and brings the carried history up to date; resolves with the stream to rank from. */
  const ready = async () => {
    model = await loadModel();
    return history.current(model);
  };
  const load = (): Promise<void> => ready().then(() => undefined);

  /** Ended sessions with events after the last reset. */
  const ended = async (store: Store) => endedSessions(await store.getSessions(), d.sessionId?.(), forgotAt);

  const doRun = async (reason: 'manual' | 'auto'): Promise<TasteResult> => {
    const t0 = performance.now();
    const gen = generation;
    await load();
    const storeP = d.store();
    if (!storeP) throw new Error('personalization needs storage (consent not granted)');
    const store = await storeP;
    await restoreTaste();
    // another tab may have run (or rolled back) since this page read the taste: choose from what is stored now
    const other = await readTasteOrDrop(store, gen);
    // a tab with another item model stored it: neither deleted nor overwritten (without factors, the run below says so)
    if (other && model!.factors) return skippedTaste(OTHER_FACTORS);
    const endedNow = await ended(store);
    // an automatic run queued behind one that already covered these sessions: nothing new to learn from
    if (reason === 'auto' && !autoDue(endedNow, record, now())) return skippedTaste('no new ended sessions since the last run');
    emit({ status: 'start', target: 'recommend', reason });
    await d.flush();
    const cur = d.sessionId?.();
    // events stored up to a reset were forgotten, whatever storage still holds
    const events = (await store.getEvents({ limit: TASTE_HISTORY_EVENTS })).filter((e) => e.sessionId !== cur && e.itemId !== undefined && e.ts > forgotAt);
    const current = record?.taste ?? null;
    const { result, taste } = await runSliced(guardTaste(model!, events, current, d.tasteOptions));
    if (gen !== generation) throw new Error('personalization stopped: the data it was fitting was forgotten meanwhile');
    if (model!.factors) {
      record = {
        factors: factorsKey(model!.factors),
        taste: taste === null ? null : Array.from(taste),
        previous: result.adopted || result.reverted ? current : (record?.previous ?? null),
        last: result,
        endedSessions: endedNow.length,
        seenUntil: seenUntil(endedNow, now()),
        at: now(),
      };
      await store.setMeta(TASTE_META, record);
    }
    emit({ status: 'done', target: 'recommend', reason, durationMs: performance.now() - t0, ...result });
    return result;
  };

  const personalize = (reason: 'manual' | 'auto' = 'manual') => {
    const next = queued(() => doRun(reason));
    next.catch((err) => emit({ status: 'error', target: 'recommend', error: String((err as Error)?.message ?? err) }));
    return next;
  };

  function maybeAuto(): void {
    if (disposed || autoQueued || d.autoPersonalize === false || !model?.factors) return;
    autoQueued = true;
    (d.whenIdle ?? ((fn) => setTimeout(fn, 0)))(() => {
      void (async () => {
        try {
          const storeP = disposed ? undefined : d.store();
          if (!storeP) return;
          if (autoDue(await ended(await storeP), record, now())) await personalize('auto');
        } catch {
          /* reported through the 'personalize' error event */
        } finally {
          autoQueued = false;
        }
      })();
    });
  }

  return {
    load,
    onEvent: (e) => history.onEvent(e),
    async recommend(options = {}) {
      checkOptionsObject(options);
      // the adopted taste, never one passed in: `taste` is rank()'s option, not recommend()'s
      if ('taste' in options) throw new TypeError('options.taste: is not an option of recommend() (the taste personalize() adopted is used; known: k, candidates, exclude, includePurchased)');
      checkRankOptions(options); // before the model loads: a bad option is a TypeError even when it cannot
      const stream = await ready();
      await restoreTaste(); // consent granted since the model loaded: the taste adopted on an earlier visit
      // another tab's adoption or rollback since this page read the taste: rank with what is stored now
      // (one meta read; a read that fails keeps the taste in use, a damaged record is dropped by the next run)
      const storeP = d.store();
      if (storeP) await storeP.then((store) => readTaste(store, generation, false)).catch(() => {});
      const taste = record?.taste;
      return stream.rank(taste ? { ...options, taste } : options);
    },
    personalize,
    async personalizeWith(head) {
      // the item model failing (not served, corrupt) must not cost the shopper the head's run
      const taste = await personalize().catch((err: unknown) => skippedTaste(String((err as Error)?.message ?? err)));
      try {
        return { ...(await head()), recommend: taste };
      } catch (err) {
        return { ...skippedHead(String((err as Error)?.message ?? err)), recommend: taste };
      }
    },
    reset() {
      generation++;
      forgotAt = now();
      record = undefined;
      history.reset();
    },
    rollback() {
      return queued(async () => {
        // an item model that cannot load has no taste to undo (and must not fail the head's undo)
        if (!(await load().then(() => true, () => false))) return false;
        await restoreTaste();
        const storeP = d.store();
        if (!storeP) return false;
        const gen = generation;
        const store = await storeP;
        // another tab's run or rollback since this page read it; a taste of another item model is not undone here
        if (await readTasteOrDrop(store, gen)) return false;
        if (gen !== generation || !record || (!record.taste && !record.previous)) return false; // nothing to undo, or forgotten meanwhile
        record = { ...record, taste: record.previous, previous: null, seenUntil: seenBy(record), at: now() };
        await store.setMeta(TASTE_META, record);
        return true;
      });
    },
    dispose() {
      disposed = true;
      generation++; // a run in progress neither saves nor applies what it fitted
      history.reset();
    },
  };
}
