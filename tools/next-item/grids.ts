/**
 * Search grids for the training CLI's validation tuning, and the V-SKNN baseline grid. The
 * grids are part of the method: the README quotes them.
 */
import type { RankParams } from '../../src/recommend/params';
import type { Grid } from './tune';
import type { VsknnParams } from './vsknn';

/**
 * Where tuning starts (overrides of DEFAULT_PARAMS): the result of earlier exploratory
 * coordinate ascent on the Diginetica validation split. The committed artifacts were tuned
 * from here with one round.
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
