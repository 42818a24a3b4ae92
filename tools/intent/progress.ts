/** A one-line progress bar on stderr (plain lines when stderr is not a terminal). */

/** Renders `label [#####-----] done/total extra` on stderr. */
export function progress(label: string, done: number, total: number, extra = ''): void {
  const width = 24;
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const line = `${label} [${bar}] ${done}/${total} ${extra}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K${done >= total ? '\n' : ''}`);
  else process.stderr.write(`${line}\n`);
}
