/**
 * Recommendations inside the instance: loads the store's next-item model (static files the store
 * trained with `npm run train:next-item`) lazily, replays the shopper's recent history from
 * IndexedDB into a streaming ranker, pushes every new event, and ranks on demand with the same
 * code the Node evaluation uses (`src/recommend/`).
 */
import type { HunchEvent } from './events';
import { createRecommendStream, loadNextItemModel, type NextItemModel, type RankOptions, type Recommendation, type RecommendStream } from './recommend/index';
import type { Store } from './store/types';

/** Events of history replayed into the ranker at load (current session and recent past ones). */
export const RECOMMEND_HISTORY_EVENTS = 400;

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
}

/** The service's face. */
export interface RecommendService {
  onEvent(e: HunchEvent): void;
  recommend(options?: RankOptions): Promise<Recommendation[]>;
  /** Forgets the carried history (forget / consent denied). */
  reset(): void;
}

/** Creates the service; the model loads on the first `recommend()` or `load()`. */
export function createRecommendService(d: RecommendServiceDeps): RecommendService & { load(): Promise<void> } {
  let model: NextItemModel | undefined;
  let stream: RecommendStream | undefined;
  let loading: Promise<void> | undefined;
  let sessionId: string | undefined;
  let backlog: HunchEvent[] = [];

  const push = (e: HunchEvent) => {
    if (!stream) return;
    if (sessionId !== undefined && e.sessionId !== sessionId) stream.newSession();
    sessionId = e.sessionId;
    stream.push({ itemId: e.itemId, type: e.type });
  };

  const replay = async () => {
    stream = createRecommendStream(model!);
    sessionId = undefined;
    const storeP = d.store();
    const seen = new Set<string>();
    if (storeP) {
      await d.flush();
      const events = await (await storeP).getEvents({ limit: RECOMMEND_HISTORY_EVENTS });
      for (const e of events) {
        seen.add(e.id);
        push(e);
      }
    }
    for (const e of backlog.splice(0)) if (!seen.has(e.id)) push(e);
  };

  const load = (): Promise<void> => {
    if (!loading) {
      loading = (async () => {
        model = await (d.loadModel ?? ((u: string) => loadNextItemModel(u)))(d.url);
        await replay();
      })();
      loading.catch(() => (loading = undefined)); // a later call may retry (e.g. network back)
    }
    return loading;
  };

  return {
    load,
    onEvent(e) {
      if (stream) push(e);
      else {
        backlog.push(e);
        if (backlog.length > RECOMMEND_HISTORY_EVENTS) backlog.shift();
      }
    },
    async recommend(options) {
      await load();
      return stream!.rank(options);
    },
    reset() {
      backlog = [];
      if (model) stream = createRecommendStream(model);
      sessionId = undefined;
    },
  };
}
