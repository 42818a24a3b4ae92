/**
 * Ordering of asynchronous work: a queue that runs one task at a time, and a load that runs once.
 */

/**
 * Creates a queue; `enqueue(task)` runs `task` after everything queued before it settled (whether
 * it resolved or rejected), and the task's own result or error goes to its caller only.
 */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = last.catch(() => {}).then(task);
    last = next;
    return next;
  };
}

/**
 * A load that runs once, and may have to wait for a precondition: `start` returns undefined while
 * it cannot begin (e.g. no storage until consent is granted), so the next call asks again. Once
 * begun, every call gets the same promise; after a failure the next call begins again.
 */
export function loadOnce<A extends unknown[]>(start: (...args: A) => Promise<void> | undefined): (...args: A) => Promise<void> {
  let begun: Promise<void> | undefined;
  return (...args) => {
    if (!begun) {
      const p = start(...args);
      if (!p) return Promise.resolve();
      begun = p;
      p.catch(() => {
        if (begun === p) begun = undefined;
      });
    }
    return begun;
  };
}
