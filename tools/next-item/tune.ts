/**
 * Coordinate-ascent hyperparameter search: for each parameter in turn, try its grid values
 * with the others fixed, keep the best, and repeat for a few rounds until nothing improves.
 * The objective is P@20 + MRR@20 on a validation split carved from train (never the test file).
 */

/** A grid of values to try per parameter. */
export type Grid<P> = { [K in keyof P]?: readonly P[K][] };

/** One evaluated setting, for the log. */
export interface Trial<P> {
  params: P;
  p20: number;
  mrr20: number;
}

/**
 * Runs coordinate ascent from `start`.
 * @param score evaluates a setting on validation.
 * @param onTrial called after every evaluation (logging).
 * @returns the best setting and every trial.
 */
export function coordinateAscent<P extends object>(
  start: P,
  grid: Grid<P>,
  score: (p: P) => { p20: number; mrr20: number },
  rounds = 2,
  onTrial?: (t: Trial<P>, best: Trial<P>) => void,
): { best: Trial<P>; trials: Trial<P>[] } {
  const trials: Trial<P>[] = [];
  const seen = new Map<string, Trial<P>>();
  const run = (p: P): Trial<P> => {
    const key = JSON.stringify(p);
    const cached = seen.get(key);
    if (cached) return cached;
    const t = { params: p, ...score(p) };
    seen.set(key, t);
    trials.push(t);
    return t;
  };
  const obj = (t: Trial<P>): number => t.p20 + t.mrr20;
  let best = run(start);
  onTrial?.(best, best);
  for (let r = 0; r < rounds; r++) {
    let improved = false;
    for (const key of Object.keys(grid) as (keyof P)[]) {
      for (const v of grid[key] ?? []) {
        const t = run({ ...best.params, [key]: v });
        if (obj(t) > obj(best) + 1e-9) {
          best = t;
          improved = true;
        }
        onTrial?.(t, best);
      }
    }
    if (!improved) break;
  }
  return { best, trials };
}
