/**
 * One personalization run with its guard, pure: the user's ended sessions (oldest first) are
 * split in time; a head is fitted on the older ones, pulled toward the pretrained head; it is
 * adopted only when it beats both the head in use now and the pretrained head on the most recent
 * sessions (held out), and a personal head in use that the pretrained one beats there is dropped
 * (`choose.ts`).
 * The browser (`personalizer.ts`) and the Node harness (`tools/personalize/eval.ts`) both call it.
 */
import { chooseWeights } from './choose.js';
import type { SessionExamples } from './examples.js';
import { fitHead, type FitOptions, type FitProgress } from './fit.js';
import type { PersonalHead } from './head.js';
import { meanLogLoss } from './loss.js';

/** Guard options (plus the fit's). */
export interface GuardOptions extends FitOptions {
  /** Share of the most recent sessions held out. Default 0.2 (at least `minHoldout`). */
  holdoutShare?: number;
  /** Held-out sessions at least. Default 1. */
  minHoldout?: number;
  /** Sessions with model steps needed to try at all. Default 3. */
  minSessions?: number;
  /** Adopt only when held-out log-loss drops by more than this, nats. Default 0.005. */
  margin?: number;
}

/** Defaults of the guard's own options. */
export const GUARD_DEFAULTS = { holdoutShare: 0.2, minHoldout: 1, minSessions: 3, margin: 0.005 } as const;

/** The result a run reports (`on('personalize')`, `personalize()`). */
export interface PersonalizeResult {
  /** Whether the new head replaced the one in use. */
  adopted: boolean;
  /** Whether the personal head in use was dropped for the pretrained one (it did better on the held-out sessions). */
  reverted: boolean;
  /** Held-out mean session log-loss (nats) of the head in use before the run; NaN when skipped. */
  before: number;
  /** Held-out mean session log-loss (nats) of the candidate head; NaN when skipped. */
  after: number;
  /**
   * Held-out mean session log-loss (nats) of the pretrained head (equal to `before` when it is the
   * one in use); NaN when skipped.
   */
  base: number;
  /** Training examples (model steps) the candidate was fitted on. */
  examples: number;
  /** Sessions fitted on and held out. */
  sessions: {
    /** Older ended sessions (with model steps) the candidate was fitted on. */
    train: number;
    /** Most recent ended sessions the heads were compared on (not fitted on). */
    holdout: number;
  };
  /** Why nothing was tried, when so (e.g. too few sessions). */
  skipped?: string;
}

/** The result of a run that tried nothing, and why. */
export function skippedHead(why: string, examples = 0, sessions = { train: 0, holdout: 0 }): PersonalizeResult {
  return { adopted: false, reverted: false, before: NaN, after: NaN, base: NaN, examples, sessions, skipped: why };
}

/**
 * Runs the guard. Yields the fit's progress; returns the result and the head to use from now on
 * (the candidate when adopted, `prior` when reverted, else `current`).
 * @param sessions the user's ended sessions, oldest first
 * @param prior the pretrained head (the fit starts from and is pulled toward it)
 * @param current the head in use now (the pretrained one or an earlier personal head)
 */
export function* guardedPersonalize(
  sessions: readonly SessionExamples[],
  prior: PersonalHead,
  current: PersonalHead,
  options: GuardOptions = {},
): Generator<FitProgress, { result: PersonalizeResult; head: PersonalHead }> {
  const o = { ...GUARD_DEFAULTS, ...options };
  if (!(o.holdoutShare >= 0 && o.holdoutShare < 1)) throw new TypeError('options.holdoutShare: must be in [0, 1)');
  const usable = sessions.filter((s) => s.z.length > 0);
  const nHold = Math.max(o.minHoldout, Math.round(usable.length * o.holdoutShare));
  const train = usable.slice(0, usable.length - nHold);
  const hold = usable.slice(usable.length - nHold);
  const examples = train.reduce((a, s) => a + s.z.length, 0);
  const counts = { train: train.length, holdout: hold.length };
  if (usable.length < o.minSessions || train.length < 1) {
    return { result: skippedHead(`needs ${o.minSessions} sessions with model steps, has ${usable.length}`, examples, counts), head: current };
  }
  const candidate = yield* fitHead(train, prior, o);
  const before = meanLogLoss(current, hold);
  const after = meanLogLoss(candidate, hold);
  const base = current === prior ? null : meanLogLoss(prior, hold);
  const choice = chooseWeights(before, after, base, o.margin);
  const head = choice === 'adopt' ? candidate : choice === 'revert' ? prior : current;
  return { result: { adopted: choice === 'adopt', reverted: choice === 'revert', before, after, base: base ?? before, examples, sessions: counts }, head };
}
