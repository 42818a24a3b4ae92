/** The bench's output: the markdown table it prints and the JSON `--json FILE` writes (keyed by row name). */
import type { BenchRow } from './types';

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));

/** The markdown table: one line a row; `note` (the row's extra figures) has its own column, so the name column stays the JSON key. */
export function formatTable(rows: readonly BenchRow[]): string {
  const lines = ['| benchmark | hunch | baseline | ratio | unit | baseline is | note |', '|---|---:|---:|---:|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.name} | ${fmt(r.value)} | ${fmt(r.baseline)} | ${fmt(r.ratio)}× | ${r.unit} | ${r.baselineName} | ${r.note ?? ''} |`);
  return lines.join('\n');
}

/**
 * `{ "<row name>": { value, baseline, ratio, unit, baselineIs, baselineFixed?, extra? } }`. Row
 * names are the keys, so two runs give the same keys whatever they measured.
 * @throws Error when two rows share a name (one would silently replace the other)
 */
export function rowsToJson(rows: readonly BenchRow[]): Record<string, { value: number; baseline: number; ratio: number; unit: string; baselineIs: string; baselineFixed?: true; extra?: Record<string, number> }> {
  const out: ReturnType<typeof rowsToJson> = {};
  for (const r of rows) {
    if (Object.hasOwn(out, r.name)) throw new Error(`bench: two rows named "${r.name}"`);
    out[r.name] = { value: r.value, baseline: r.baseline, ratio: r.ratio, unit: r.unit, baselineIs: r.baselineName, ...(r.baselineFixed ? { baselineFixed: true as const } : {}), ...(r.extra ? { extra: r.extra } : {}) };
  }
  return out;
}
