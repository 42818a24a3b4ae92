/**
 * Sequential-rules score: for each of the `rulesDepth` most recent distinct items of the
 * current session, the items clicked within `rulesWindow` clicks after it in the training
 * sessions, each transition weighted 1 / gap × session recency, normalized by the item's
 * occurrence count and scaled by `rulesDecay` per step back in the prefix.
 */
import type { NextItemModel } from './model.js';
import type { WeightedPrefix } from './prefix.js';
import { touch, type Touched } from './touched.js';

/**
 * Adds rule votes into `model.scratch.rules` (and the prefix item that voted most for each item
 * into `scratch.ruleSource` as index + 1) and returns the largest vote (0 when none).
 */
export function scoreRules(model: NextItemModel, prefix: WeightedPrefix, touched: Touched): number {
  const p = model.params;
  if (p.rulesWeight === 0) return 0;
  const { rules, rulePass } = model.scratch;
  const { postStart, postings, sessionStart, sessionItems, recency } = model;
  const seq = prefix.sequence;
  const done = new Set<number>();
  let factor = 1;
  let max = 0;
  for (let k = seq.length - 1; k >= 0 && done.size < p.rulesDepth; k--) {
    const i = seq[k];
    if (done.has(i)) continue;
    done.add(i);
    const n = postStart[i + 1] - postStart[i];
    const w = factor / Math.max(1, n);
    factor *= p.rulesDecay;
    const voted: number[] = [];
    for (let q = postStart[i]; q < postStart[i + 1]; q++) {
      const s = postings[q];
      const a1 = sessionStart[s + 1];
      const ws = w * recency[s];
      for (let x = sessionStart[s]; x < a1; x++) {
        if (sessionItems[x] !== i) continue;
        const end = Math.min(a1, x + 1 + p.rulesWindow);
        for (let y = x + 1; y < end; y++) {
          const j = sessionItems[y];
          touch(model, touched, j);
          const vote = ws / (y - x);
          if (rulePass[j] === 0) voted.push(j);
          rulePass[j] += vote;
          const v = (rules[j] += vote);
          if (v > max) max = v;
        }
      }
    }
    keepSource(model, i, voted);
  }
  return max;
}

/** Records `source` as the rule source of the items it voted for more than any earlier source did; clears their pass votes. */
function keepSource(model: NextItemModel, source: number, voted: readonly number[]): void {
  const { rulePass, ruleBest, ruleSource } = model.scratch;
  for (const j of voted) {
    if (rulePass[j] > ruleBest[j]) {
      ruleBest[j] = rulePass[j];
      ruleSource[j] = source + 1;
    }
    rulePass[j] = 0;
  }
}
