/** Splits for evaluation and early stopping: grouped by user (a user's sessions stay together) or by time. */
import type { Example } from './dataset.js';
import { seededRandom, shuffled } from './rng.js';

/** One user of one store: the unit the grouped splits keep together. */
export const userKey = (e: Example): string => `${e.store}:${e.userId}`;

/**
 * Assigns each user to one of `k` folds at random (seeded); returns the fold of every example.
 */
export function userFolds(examples: readonly Example[], k: number, seed: number): number[] {
  const users = shuffled([...new Set(examples.map(userKey))].sort(), seededRandom(seed));
  const fold = new Map(users.map((u, i) => [u, i % k]));
  return examples.map((e) => fold.get(userKey(e))!);
}

/** Splits off about `share` of the users as a validation set (seeded). */
export function userSplit(examples: readonly Example[], share: number, seed: number): { train: Example[]; val: Example[] } {
  const k = Math.max(2, Math.round(1 / share));
  const folds = userFolds(examples, k, seed);
  return { train: examples.filter((_, i) => folds[i] !== 0), val: examples.filter((_, i) => folds[i] === 0) };
}

/**
 * Time split per store: each store's sessions sorted by start; the last `share` are the test
 * set. Test sessions of users seen in training stay (as in deployment, users come back).
 */
export function timeSplit(examples: readonly Example[], share: number): { train: Example[]; test: Example[] } {
  const train: Example[] = [];
  const test: Example[] = [];
  for (const store of [...new Set(examples.map((e) => e.store))].sort()) {
    const list = examples.filter((e) => e.store === store).sort((a, b) => a.startMs - b.startMs);
    const cut = Math.floor(list.length * (1 - share));
    train.push(...list.slice(0, cut));
    test.push(...list.slice(cut));
  }
  return { train, test };
}
