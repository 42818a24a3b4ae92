/**
 * Sequential-rules score: for each of the `rulesDepth` most recent distinct items of the
 * current session, the items clicked within `rulesWindow` clicks after it in the training
 * sessions, each transition weighted 1 / gap × session recency, normalized by the item's
 * occurrence count and scaled by `rulesDecay` per step back in the prefix.
 */
import type { NextItemModel } from './model.js';
import type { WeightedPrefix } from './prefix.js';
import { touch, type Touched } from './touched.js';

/** Adds rule votes into `model.scratch.rules` and returns the largest (0 when none). */
export function scoreRules(model: NextItemModel, prefix: WeightedPrefix, touched: Touched): number {
  const p = model.params;
  if (p.rulesWeight === 0) return 0;
  const { rules } = model.scratch;
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
          const v = (rules[j] += ws / (y - x));
          if (v > max) max = v;
        }
      }
    }
  }
  return max;
}
