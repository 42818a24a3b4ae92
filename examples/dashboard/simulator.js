/**
 * Plays a scenario through `hunch.track()` in real time divided by `speed`. The events get real
 * timestamps, so a ×20 replay compresses every gap twentyfold; everything else is genuine hunch.
 */

/**
 * @param {{ track: (type: string, props?: object) => void }} hunch
 * @param {{ gapMs: number, type: string | null, props: object, label: string }[]} steps
 * @param {{ speed?: number, onStep?: (i: number, step: object) => void, onDone?: (stopped: boolean) => void }} [opts]
 *   `speed`: time compression factor, 1..1000, default 20.
 * @returns {{ stop: () => void }}
 * @throws {TypeError} when `hunch.track` is missing or `speed` is out of range.
 */
export function playScenario(hunch, steps, opts = {}) {
  if (typeof hunch?.track !== 'function') throw new TypeError('hunch: expected an instance with track()');
  const speed = opts.speed ?? 20;
  if (!(speed >= 1 && speed <= 1000)) throw new TypeError('speed: expected 1..1000');
  let i = 0;
  let timer = null;
  let done = false;
  const finish = (stopped) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    opts.onDone?.(stopped);
  };
  const next = () => {
    if (i >= steps.length) return finish(false);
    const step = steps[i];
    timer = setTimeout(() => {
      if (done) return;
      if (step.type) hunch.track(step.type, step.props);
      opts.onStep?.(i, step);
      i++;
      next();
    }, step.gapMs / speed);
  };
  next();
  return { stop: () => finish(true) };
}
