/** One benchmark row: `ratio` = baseline / value for times, value / baseline for throughputs. */
export interface BenchRow {
  name: string;
  value: number;
  baseline: number;
  ratio: number;
  unit: string;
  /** What the baseline is, in a few words. */
  baselineName: string;
}

/** What each benchmark module gets. */
export interface BenchContext {
  /** Base URL of the served repository. */
  url: string;
  /** Opens a fresh page (own browser context) at a path of the served repo. */
  open(path: string): Promise<import('playwright-core').Page>;
}
