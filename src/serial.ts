/**
 * One-at-a-time work: each queued task starts after the previous one settled (whether it
 * resolved or rejected), and its own result or error goes to its caller only.
 */

/** Creates a queue; `enqueue(task)` runs `task` after everything queued before it. */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = last.catch(() => {}).then(task);
    last = next;
    return next;
  };
}
