/**
 * Search grids for the training CLI's validation tuning, and the V-SKNN baseline grid. The
 * grids are part of the method: the README quotes them.
 */
import type { RankParams } from '../../src/recommend/params';
import type { Dataset } from './data';
import type { Grid } from './tune';
import type { VsknnParams } from './vsknn';

/**
 * Earlier exploratory coordinate ascent on the Diginetica validation split (overrides of
 * DEFAULT_PARAMS): where the ascent behind {@link TUNED} started, and where the personalization
 * harness's `--tune` starts.
 */
export const TUNING_START: Partial<RankParams> = {
  neighbours: 200,
  lambdaPos: 4,
  lambdaRecency: 100_000,
  lambdaDist: 8,
  backward: 1,
  lengthPow: 0.25,
  rulesWeight: 0.1,
  rulesWindow: 5,
  rulesDecay: 0.25,
  repeatWeight: 0.8,
  lastWeight: 0.2,
  idfPow: 1,
};

/**
 * Where tuning starts for each dataset (overrides of DEFAULT_PARAMS and DEFAULT_VSKNN): the
 * settings one round of coordinate ascent on that dataset's validation split found (HUNCH_GRID /
 * VSKNN_GRID, starting from earlier exploratory ascent on Diginetica; 2,826 / 2,708 / 1,535 s of
 * tuning on 2 cores). `train:next-item` uses them as they are by default (`--rounds 0`), which
 * keeps training within the 60-minute budget; `--rounds N` runs N more rounds from here.
 */
export const TUNED: Record<Dataset, { hunch: Partial<RankParams>; baseline: Partial<VsknnParams> }> = {
  diginetica: {
    hunch: { neighbours: 100, sample: 1000, lambdaPos: 2, lambdaRecency: 100_000, lambdaDist: 8, backward: 1, selfVote: 1, idfPow: 2, lengthPow: 0, rulesWeight: 0.1, rulesWindow: 2, rulesDepth: 3, rulesDecay: 0.25, repeatWeight: 0.4, lastWeight: 0.05, repeatCount: 0, popularityWeight: 0.01 },
    baseline: { k: 200, sample: 500, idfWeight: 3, remind: true },
  },
  retailrocket: {
    hunch: { neighbours: 100, sample: 1000, lambdaPos: 4, lambdaRecency: 300_000, lambdaDist: 8, backward: 1, selfVote: 1, idfPow: 1, lengthPow: 0.25, rulesWeight: 0.1, rulesWindow: 2, rulesDepth: 2, rulesDecay: 0.5, repeatWeight: 0.8, lastWeight: 0, repeatCount: 0.5, popularityWeight: 0.01 },
    baseline: { k: 500, sample: 5000, idfWeight: 1, remind: true },
  },
  tmall: {
    hunch: { neighbours: 500, sample: 1000, lambdaPos: 8, lambdaRecency: 20_000, lambdaDist: 8, backward: 1, selfVote: 1, idfPow: 1, lengthPow: 0.5, rulesWeight: 0, rulesWindow: 5, rulesDepth: 2, rulesDecay: 0.25, repeatWeight: 0.8, lastWeight: 0.2, repeatCount: 1, popularityWeight: 0.01 },
    baseline: { k: 500, sample: 500, idfWeight: 1, remind: true },
  },
};

/** hunch ranking grid (values tried per parameter, others fixed). */
export const HUNCH_GRID: Grid<RankParams> = {
  neighbours: [50, 100, 200, 500],
  lambdaPos: [1, 2, 4, 8],
  lambdaRecency: [20_000, 50_000, 100_000, 300_000],
  lambdaDist: [0.5, 1, 2, 4],
  backward: [0, 0.25, 0.5, 1],
  selfVote: [0, 0.25, 0.5, 1],
  idfPow: [0, 0.5, 1, 2],
  lengthPow: [0, 0.25, 0.5, 0.75, 1],
  rulesWeight: [0, 0.1, 0.3, 0.6, 1],
  rulesWindow: [1, 2, 3, 5],
  rulesDepth: [1, 2, 3],
  rulesDecay: [0.25, 0.5, 0.75],
  repeatWeight: [0, 0.1, 0.2, 0.4, 0.8],
  lastWeight: [0, 0.05, 0.1, 0.2],
  repeatCount: [0, 0.25, 0.5, 1],
  popularityWeight: [0, 0.001, 0.01, 0.05],
};

/** V-SKNN baseline grid. */
export const VSKNN_GRID: Grid<VsknnParams> = {
  k: [50, 100, 200, 500],
  sample: [500, 1000, 2500, 5000],
  idfWeight: [0, 1, 3, 10],
  remind: [true, false],
};
