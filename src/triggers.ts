/**
 * Triggers: small rules over intent updates that fire `on('trigger')` for personalized service
 * (an offer when a carted shopper drifts away, help when they are ready to buy), with frequency
 * capping. Pure logic; the instance feeds intents in and persists what fired.
 *
 * ```js
 * hunch.triggers.add('abandonment');                    // preset
 * hunch.triggers.add({ id: 'big-cart', when: (i) => i.purchase > 0.7, cap: { perSession: 1 } });
 * hunch.on('trigger', ({ rule, intent }) => showOffer(rule, intent));
 * ```
 */
import type { Intent } from './intent.js';

/** How often a rule may fire. Default `{ perSession: 1 }`. */
export interface TriggerCap {
  /** Most firings per session. Default 1. */
  perSession?: number;
  /** Least time between two firings, ms. Default 0. */
  cooldownMs?: number;
}

/** A rule: fires when `when(intent, previous)` turns true, within its cap. */
export interface TriggerRule {
  /** Unique id, reported as `rule` in the `trigger` event. */
  id: string;
  /** Condition on the new intent and the one before it (undefined on the session's first). */
  when(intent: Intent, previous: Intent | undefined): boolean;
  /** Frequency cap. Default `{ perSession: 1, cooldownMs: 0 }`: once per session. */
  cap?: TriggerCap;
}

/** Built-in rules, by id. */
export const PRESETS: Readonly<Record<string, TriggerRule>> = Object.freeze({
  /** The stage becomes 'abandoning' (which requires a cart). */
  abandonment: { id: 'abandonment', when: (i, p) => i.stage === 'abandoning' && p?.stage !== 'abandoning' },
  /** The stage becomes 'ready' (checkout begun or high purchase probability). */
  'ready-to-buy': { id: 'ready-to-buy', when: (i, p) => i.stage === 'ready' && p?.stage !== 'ready' },
});

/** What fired, per session and rule: count and last time (persisted so a reload keeps the cap). */
export type FiredLog = Record<string, Record<string, { count: number; last: number }>>;

/** Sessions kept in the fired log (oldest dropped). */
export const FIRED_LOG_SESSIONS = 20;

/** Validates a rule or resolves a preset name. @throws TypeError naming the field. */
export function resolveRule(rule: TriggerRule | string): TriggerRule {
  if (typeof rule === 'string') {
    const preset = PRESETS[rule];
    if (!preset) throw new TypeError(`hunch.triggers.add: unknown preset "${rule.slice(0, 40)}" (known: ${Object.keys(PRESETS).join(', ')})`);
    return preset;
  }
  if (!rule || typeof rule !== 'object') throw new TypeError('hunch.triggers.add: rule must be a preset name or an object');
  if (typeof rule.id !== 'string' || !rule.id) throw new TypeError('hunch.triggers.add: "id" must be a non-empty string');
  if (typeof rule.when !== 'function') throw new TypeError('hunch.triggers.add: "when" must be a function');
  const cap = rule.cap ?? {};
  if (cap.perSession !== undefined && (!Number.isInteger(cap.perSession) || cap.perSession < 1)) throw new TypeError('hunch.triggers.add: "cap.perSession" must be an integer ≥ 1');
  if (cap.cooldownMs !== undefined && (!Number.isFinite(cap.cooldownMs) || cap.cooldownMs < 0)) throw new TypeError('hunch.triggers.add: "cap.cooldownMs" must be a number ≥ 0');
  return rule;
}

/** The active rules, by id (adding a rule with an existing id replaces it). */
export interface RuleSet {
  /** @throws TypeError for an invalid rule or unknown preset. */
  add(rule: TriggerRule | string): void;
  remove(id: string): void;
  list(): string[];
  readonly rules: readonly TriggerRule[];
}

/** Creates a rule set, starting with the given rules or presets. */
export function createRuleSet(initial: ReadonlyArray<TriggerRule | string> = []): RuleSet {
  const rules: TriggerRule[] = [];
  const set: RuleSet = {
    add(rule) {
      const r = resolveRule(rule);
      const i = rules.findIndex((x) => x.id === r.id);
      if (i >= 0) rules[i] = r;
      else rules.push(r);
    },
    remove(id) {
      const i = rules.findIndex((x) => x.id === id);
      if (i >= 0) rules.splice(i, 1);
    },
    list: () => rules.map((r) => r.id),
    rules,
  };
  for (const r of initial) set.add(r);
  return set;
}

/**
 * Evaluates rules for one intent update (pure). Returns the ids that fire and the updated log.
 * A rule that throws is skipped (reported through `onError`).
 */
export function evaluateTriggers(
  rules: readonly TriggerRule[],
  intent: Intent,
  previous: Intent | undefined,
  log: FiredLog,
  now: number,
  onError: (rule: string, err: unknown) => void = () => {},
): { fired: string[]; log: FiredLog } {
  const fired: string[] = [];
  const session = { ...(log[intent.sessionId] ?? {}) };
  for (const rule of rules) {
    let hit = false;
    try {
      hit = rule.when(intent, previous) === true;
    } catch (err) {
      onError(rule.id, err);
    }
    if (!hit) continue;
    const seen = session[rule.id] ?? { count: 0, last: -Infinity };
    if (seen.count >= (rule.cap?.perSession ?? 1)) continue;
    if (now - seen.last < (rule.cap?.cooldownMs ?? 0)) continue;
    session[rule.id] = { count: seen.count + 1, last: now };
    fired.push(rule.id);
  }
  if (!fired.length) return { fired, log };
  const next: FiredLog = { ...log, [intent.sessionId]: session };
  const ids = Object.keys(next);
  for (const id of ids.slice(0, Math.max(0, ids.length - FIRED_LOG_SESSIONS))) delete next[id];
  return { fired, log: next };
}
