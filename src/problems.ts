/**
 * How an instance says that something went wrong without throwing into the page: each problem
 * once per code, as an `error` or `warning` event, and on the console when nobody listens.
 * Problems found while the instance is being created are held until {@link ProblemReporter.ready},
 * then said on the next task, so listeners attached right after `await createHunch()` hear them.
 */
import type { HunchEventMap, HunchProblem } from './api.js';
import type { Emitter } from './emitter.js';

/** An instance's problem reporting. */
export interface ProblemReporter {
  /** Says a problem once per `code` (later ones with the same code are dropped). */
  report(kind: 'error' | 'warning', code: string, message: string): void;
  /** The instance exists: says the held problems on the next task, and later ones at once. */
  ready(): void;
}

/** Creates the reporter of one instance. */
export function createProblemReporter(emitter: Emitter<HunchEventMap>): ProblemReporter {
  const reported = new Set<string>();
  let creating = true;
  const early: Array<() => void> = [];
  return {
    report(kind, code, message) {
      if (reported.has(code)) return;
      reported.add(code);
      const say = () => {
        if (emitter.count(kind) === 0 && typeof console !== 'undefined') console.warn(`[hunch] ${message}`);
        emitter.emit(kind, { code, message } satisfies HunchProblem);
      };
      if (creating) early.push(say);
      else say();
    },
    ready() {
      creating = false;
      setTimeout(() => {
        for (const say of early.splice(0)) say();
      }, 0);
    },
  };
}
