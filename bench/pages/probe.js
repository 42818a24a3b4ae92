// Main-thread probes for the bench pages: long tasks (> 50 ms, PerformanceObserver) and the
// longest main-thread task, measured by a MessageChannel probe (the largest gap between its
// back-to-back messages is at least the longest task in between).

/** Starts both probes; `await stop()` ends them and returns `{ longTasks, maxGap }` (ms). */
export function startProbe() {
  const longTasks = [];
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
  obs.observe({ type: 'longtask', buffered: false });
  let probing = true;
  let maxGap = 0;
  const ch = new MessageChannel();
  let last = performance.now();
  ch.port1.onmessage = () => {
    const t = performance.now();
    maxGap = Math.max(maxGap, t - last);
    last = t;
    if (probing) ch.port2.postMessage(0);
  };
  ch.port2.postMessage(0);
  return async () => {
    probing = false;
    await new Promise((r) => setTimeout(r, 100)); // let the observer deliver
    obs.disconnect();
    return { longTasks, maxGap };
  };
}
