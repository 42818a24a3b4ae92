/**
 * Sparse bookkeeping of the items a ranking call has scored, over the model's scratch buffers,
 * so scorers add to dense arrays and the caller visits (and clears) only what was touched.
 */
import type { NextItemModel } from './model.js';

/** Items touched so far in one ranking call: `list[0 .. n)`. */
export interface Touched {
  list: Uint32Array;
  n: number;
}

/** Starts a touched set on the model's scratch buffers. */
export function beginTouched(model: NextItemModel): Touched {
  return { list: model.scratch.touchedItems, n: 0 };
}

/** Marks item `i` touched (idempotent). */
export function touch(model: NextItemModel, t: Touched, i: number): void {
  const seen = model.scratch.itemSeen;
  if (seen[i] === 0) {
    seen[i] = 1;
    t.list[t.n++] = i;
  }
}

/** Clears every per-item scratch value of the touched items. */
export function clearTouched(model: NextItemModel, t: Touched): void {
  const s = model.scratch;
  for (let k = 0; k < t.n; k++) {
    const i = t.list[k];
    s.itemSeen[i] = 0;
    s.knn[i] = 0;
    s.rules[i] = 0;
    s.ruleSource[i] = 0;
    s.ruleBest[i] = 0;
    s.anchor[i] = 0;
    s.anchorScore[i] = 0;
  }
  t.n = 0;
}
