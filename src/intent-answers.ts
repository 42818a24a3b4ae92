/**
 * Which of this page's events the intent service still owes an answer (an `intent` event and the
 * rules checked), across stays in the back/forward cache. An event is owed from the moment it is
 * fed until the page answers it. When the page comes back from the cache, the events it owes then
 * were tracked before it was cached (a step still running, an update still queued, a restore still
 * reading): the re-read of the session answers them once, with the session's state as read; the
 * events fed after it are answered at their place; the others were answered before.
 */

/** Adds `id` to `set`; only the newest 1,000 are kept (as many as consent 'pending' holds). */
export function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > 1000) set.delete(set.values().next().value!);
}

/** The answers one intent service owes. */
export interface AnswerBook {
  /** Back/forward cache returns so far: a step or a restore begun under an earlier one answers nothing. */
  readonly visit: number;
  /** An event fed live: owed until {@link answered}. */
  fed(id: string): void;
  /** The page answered it (or it needs none: a dwell, or one another page's state already holds). */
  answered(id: string): void;
  /** Whether the page has not answered it yet. */
  owes(id: string): boolean;
  /** Whether it was owed when the page last came back from the cache (tracked before it was cached). */
  late(id: string): boolean;
  /** The page came back from the back/forward cache: what it owes now is late. */
  cached(): void;
  /** A re-read of the session answered the late events (those it did not find come live, as any). */
  settled(): void;
  /** A forget: nothing is owed. */
  clear(): void;
}

/** Creates the book of one intent service. */
export function createAnswerBook(): AnswerBook {
  const owed = new Set<string>();
  let late = new Set<string>();
  let visit = 0;
  return {
    get visit() {
      return visit;
    },
    fed: (id) => remember(owed, id),
    answered: (id) => void owed.delete(id),
    owes: (id) => owed.has(id),
    late: (id) => late.has(id),
    cached() {
      visit++;
      late = new Set(owed);
    },
    settled() {
      for (const id of late) owed.delete(id);
      late.clear();
    },
    clear() {
      owed.clear();
      late.clear();
    },
  };
}
