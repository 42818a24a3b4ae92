/** A one-line progress bar on stderr (redrawn at most every 200 ms; plain lines when not a TTY). */
export class Progress {
  private last = 0;
  private readonly t0 = Date.now();
  /** @param label text before the bar; @param total work units. */
  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}
  /** Reports `done` units finished. */
  tick(done: number): void {
    const now = Date.now();
    const tty = process.stderr.isTTY;
    if (done < this.total && now - this.last < (tty ? 200 : 10_000)) return;
    this.last = now;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const width = 24;
    const fill = Math.round(frac * width);
    const secs = (now - this.t0) / 1000;
    const eta = frac > 0 ? secs / frac - secs : 0;
    const line = `${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(100 * frac).toFixed(0)}% ${secs.toFixed(0)}s eta ${eta.toFixed(0)}s`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${done >= this.total ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  }
}
