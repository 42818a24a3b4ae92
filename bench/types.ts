/**
 * One benchmark row: `ratio` = baseline / value for times, value / baseline for throughputs.
 * `name` is the row's key in the `--json` output, so it must be the same in every run: measured
 * figures other than `value` and `baseline` go in `extra` (and `note`), never in the name.
 */
export interface BenchRow {
  /** Constant across runs (no measured figure in it): the JSON key. */
  name: string;
  value: number;
  baseline: number;
  ratio: number;
  unit: string;
  /** What the baseline is, in a few words. */
  baselineName: string;
  /** The baseline is a fixed budget or threshold, not measured in the same run. */
  baselineFixed?: boolean;
  /** Further measured figures of this row (e.g. `{ p95Ms: 12.3 }`): written to the JSON under `extra`. */
  extra?: Record<string, number>;
  /** The same figures in words for the printed table (e.g. `p95 12.3 ms`). */
  note?: string;
}

/** What each benchmark module gets. */
export interface BenchContext {
  /** Base URL of the served repository. */
  url: string;
  /** Opens a fresh page (own browser context) at a path of the served repo; close it with `page.context().close()` when done. */
  open(path: string): Promise<import('playwright-core').Page>;
}

/** The long-task threshold, ms (a fixed threshold, not a measured baseline). */
export const LONG_TASK_MS = 50;

/** A "longest main-thread task" row against the fixed long-task threshold, with the count of long tasks seen. */
export const longTaskRow = (name: string, longest: number, longTasks: number): BenchRow => ({
  name,
  value: longest,
  baseline: LONG_TASK_MS,
  ratio: LONG_TASK_MS / longest,
  unit: 'ms',
  baselineName: 'fixed: long-task threshold (50 ms)',
  baselineFixed: true,
  extra: { longTasks },
  note: `long tasks > 50 ms: ${longTasks}`,
});
