/**
 * The lift harness for per-user taste in recommendations (Node), on the Amazon review histories
 * in `<data>/users/amazon/` (one user a line, items in time order). Users are split at random
 * (seeded) into two halves: the **store** half is the store's log (its next-item model, re-ranker
 * and item factors are trained on it, and everything is chosen on a validation split carved from
 * it), and the **device** half are shoppers the store's model has never seen. Each device user's
 * history but the last item is on their device; the guard (`src/personalize/taste.ts`, the
 * browser's code) decides whether to adopt a taste fitted on it; the last item is the test
 * target, ranked by `rank()` with and without the user's taste.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeArtifact, encodeArtifact } from '../../src/recommend/artifact';
import { createModel, type NextItemModel } from '../../src/recommend/model';
import { resolveParams, type RankParams } from '../../src/recommend/params';
import { rank } from '../../src/recommend/rank';
import { runToEnd } from '../../src/slice';
import { guardTaste, reciprocalRank, type TasteOptions } from '../../src/personalize/taste';
import { artifactSessions, buildArtifact } from '../next-item/build';
import { expandPrefixes, type PrefixCase } from '../next-item/data';
import { evaluate } from '../next-item/evaluate';
import { ALS_DEFAULTS, selectBeta, trainItemFactors, type AlsOptions } from '../next-item/factors';
import { HUNCH_GRID, TUNING_START } from '../next-item/grids';
import { collectRerankData, fitReranker } from '../next-item/rerank';
import { Progress } from '../next-item/progress';
import { coordinateAscent } from '../next-item/tune';
import { seededRandom, shuffled } from '../intent/rng';
import type { UserOutcome } from './replay';

/** The Amazon categories replayed (file names without `.txt`). */
export const USER_HISTORY_SETS = ['Beauty', 'Toys_and_Games', 'Sports_and_Outdoors'] as const;

/**
 * Ranking parameters for user histories (no timestamps, so neighbour recency is off): the
 * result of `npm run eval:personalization -- --tune` (one round of coordinate ascent over
 * `HUNCH_GRID` from `TUNING_START`) on Beauty's store-side validation split.
 */
export const USER_HISTORY_PARAMS: Partial<RankParams> = {
  neighbours: 200,
  sample: 1000,
  lambdaPos: 4,
  lambdaRecency: 1e9,
  lambdaDist: 8,
  backward: 1,
  selfVote: 1,
  idfPow: 1,
  lengthPow: 0.25,
  rulesWeight: 0.1,
  rulesWindow: 5,
  rulesDepth: 3,
  rulesDecay: 0.25,
  repeatWeight: 0.8,
  lastWeight: 0.2,
  repeatCount: 0.5,
  cartWeight: 2,
  pastWeight: 0.3,
  popularityWeight: 0.05,
};

/** Seed of the store / device split of users. */
export const SPLIT_SEED = 11;
/** Share of the store's users held out for its validation (re-ranker, β, tuning). */
export const STORE_VALIDATION = 0.1;

/** Reads one Amazon category's histories: item ids per user, oldest first. */
export function readUserHistories(root: string, name: string): string[][] {
  const text = readFileSync(join(root, 'users', 'amazon', `${name}.txt`), 'utf8');
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/).slice(1))
    .filter((items) => items.length > 0);
}

/** Splits users into the store's half and the device half (seeded). */
export function splitUsers(users: readonly string[][], seed = SPLIT_SEED): { store: string[][]; device: string[][] } {
  const order = shuffled(users.map((_, i) => i), seededRandom(seed));
  const half = Math.floor(users.length / 2);
  return { store: order.slice(0, half).map((i) => users[i]), device: order.slice(half).map((i) => users[i]) };
}

/** Item ids as purchase events (reviews stand for purchases). */
const purchases = (ids: readonly string[]) => ids.map((itemId) => ({ itemId, type: 'purchase' }));

/** Last-item cases of each history. */
function lastCases(users: readonly string[][]): PrefixCase[] {
  return users.filter((s) => s.length > 1).map((s) => ({ prefix: s.slice(0, -1), target: s[s.length - 1] }));
}

/** What the store side produced. */
export interface StoreModel {
  /** The model as a browser would decode it (quantized factors, re-ranker, β). */
  model: NextItemModel;
  /** MRR@20 (percent) per β on the store's validation users. */
  betaMrr: Map<number, number>;
  beta: number;
  /** Artifact size, bytes (manifest + binary, uncompressed). */
  bytes: number;
}

/**
 * Tunes the ranking parameters on the store's validation split (`--tune`).
 * @returns the best parameters found
 */
export function tuneParams(storeUsers: readonly string[][], onTrial?: () => void): RankParams {
  const cut = Math.floor(storeUsers.length * (1 - STORE_VALIDATION));
  const art = buildArtifact(storeUsers.slice(0, cut));
  const cases = lastCases(storeUsers.slice(cut));
  const start = resolveParams({ ...TUNING_START, lambdaRecency: 1e9 });
  const grid = { ...HUNCH_GRID };
  delete grid.lambdaRecency; // histories have no time: recency is off
  const ranker = (m: NextItemModel) => (prefix: readonly string[], k: number) => rank(m, purchases(prefix), { k }).map((r) => r.itemId);
  return coordinateAscent(start, grid, (p) => evaluate(ranker(createModel(art, p)), cases), 1, onTrial).best.params;
}

/**
 * Trains the store's model on its users: re-ranker and β are fitted on a validation split
 * carved from them (models of the other 90%), then the model and factors are trained on all of
 * them and passed through the artifact codec.
 */
export function buildStoreModel(storeUsers: readonly string[][], params: RankParams, als: AlsOptions = {}): StoreModel {
  const o = { ...ALS_DEFAULTS, ...als };
  const cut = Math.floor(storeUsers.length * (1 - STORE_VALIDATION));
  const fitUsers = storeUsers.slice(0, cut);
  const valUsers = storeUsers.slice(cut);
  const fitArt = buildArtifact(fitUsers, params);
  const reranker = fitReranker(collectRerankData(createModel(fitArt, params, null), expandPrefixes(valUsers)));
  const fitModel = createModel(fitArt, params, reranker);
  const fitVectors = trainItemFactors(artifactSessions(fitArt), fitArt.itemIds.length, o);
  const { beta, mrr20 } = selectBeta(fitModel, { dims: o.dims, reg: o.reg, alpha: o.alpha, vectors: fitVectors }, lastCases(valUsers), 'purchase');

  const full = buildArtifact(storeUsers, params);
  const vectors = trainItemFactors(artifactSessions(full), full.itemIds.length, o);
  const { manifest, binary } = encodeArtifact({
    itemIds: full.itemIds,
    sessions: artifactSessions(full),
    params,
    reranker,
    factors: { dims: o.dims, reg: o.reg, alpha: o.alpha, beta, vectors },
  });
  const json = JSON.stringify(manifest);
  return { model: createModel(decodeArtifact(json, binary)), betaMrr: mrr20, beta, bytes: json.length + binary.length };
}

/**
 * Replays device users: the guard runs on the history but the last item; the last item is
 * scored by MRR@20 (reciprocal rank within the top 20, else 0) without and with the taste.
 * Reviews stand for purchases, so history items are `purchase` events (and, as in
 * `recommend()`, never recommended again).
 */
export function replayTaste(model: NextItemModel, deviceUsers: readonly string[][], options: TasteOptions = {}, label?: string): UserOutcome[] {
  const out: UserOutcome[] = [];
  const bar = label ? new Progress(label, deviceUsers.length) : undefined;
  deviceUsers.forEach((items, u) => {
    if (bar && (u & 255) === 0) bar.tick(u);
    if (items.length < 2) return;
    const history = purchases(items.slice(0, -1));
    const target = items[items.length - 1];
    const { result, taste } = runToEnd(guardTaste(model, history, null, options));
    const global = reciprocalRank(model, history, target, 20);
    const personalized = taste ? reciprocalRank(model, history, target, 20, taste) : global;
    out.push({ user: String(u), global, personalized, adopted: result.adopted, sessions: { past: history.length, later: 1 } });
  });
  bar?.tick(deviceUsers.length);
  return out;
}
