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
import { describeValue } from './validate-event.js';

/** How often a rule may fire. Default `{ perSession: 1 }`. */
export interface TriggerCap {
  /** Most firings per session. Default 1. */
  perSession?: number;
  /** Least time between two firings within a session, ms. Default 0. (Each session starts its count and cooldown afresh.) */
  cooldownMs?: number;
}

/**
 * A rule: fires on each intent update for which `when(intent, previous)` returns `true`, within
 * its cap (by default once per session). To fire only when a condition *becomes* true, compare
 * with `previous`, as the presets do.
 */
export interface TriggerRule {
  /** Unique id, reported as `rule` in the `trigger` event. */
  id: string;
  /**
   * Condition on the new intent and the one before it (undefined on the session's first). Must
   * return a boolean, synchronously: anything else (a truthy value, a promise) does not fire and is
   * reported as a `trigger:<id>` error.
   */
  when(intent: Intent, previous: Intent | undefined): boolean;
  /** Frequency cap. Default `{ perSession: 1, cooldownMs: 0 }`: once per session. */
  cap?: TriggerCap;
}

/**
 * The name of a built-in rule, accepted by the `triggers` option and `hunch.triggers.add()`:
 * `'abandonment'` (the stage becomes `'abandoning'`) or `'ready-to-buy'` (the stage becomes `'ready'`).
 */
export type TriggerPreset = 'abandonment' | 'ready-to-buy';

/** Built-in rules, by id (frozen: a preset cannot be changed through this export). */
export const PRESETS: Readonly<Record<TriggerPreset, Readonly<TriggerRule>>> = Object.freeze({
  /** The stage becomes 'abandoning' (which requires a cart). */
  abandonment: Object.freeze({ id: 'abandonment', when: (i: Intent, p: Intent | undefined) => i.stage === 'abandoning' && p?.stage !== 'abandoning' }),
  /** The stage becomes 'ready' (checkout begun or high purchase probability). */
  'ready-to-buy': Object.freeze({ id: 'ready-to-buy', when: (i: Intent, p: Intent | undefined) => i.stage === 'ready' && p?.stage !== 'ready' }),
});

/** Whether `name` is a built-in preset's id (own keys only: `'toString'` or `'__proto__'` are not presets). */
export function isPreset(name: unknown): name is TriggerPreset {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(PRESETS, name);
}

/** `unknown preset "x" (known: abandonment, ready-to-buy)`, the name cut to 40 characters. */
export function unknownPresetMessage(name: string): string {
  return `unknown preset "${name.slice(0, 40)}" (known: ${Object.keys(PRESETS).join(', ')})`;
}

/** What fired, per session and rule: count and last time (persisted so a reload keeps the cap). */
export type FiredLog = Record<string, Record<string, { count: number; last: number }>>;

/** Sessions kept in the fired log (oldest dropped). */
export const FIRED_LOG_SESSIONS = 20;

const CAP_KEYS = ['perSession', 'cooldownMs'] as const;

function fail(field: string, why: string): never {
  throw new TypeError(`hunch.triggers.add: "${field}" ${why}`);
}

/**
 * Validates a rule or resolves a preset name, and returns what the rule set stores: the frozen
 * preset, or a frozen copy `{ id, when, cap? }` of the rule read once now, so changing the
 * caller's object (or its `cap`) afterwards changes nothing. `when` is still called with the
 * caller's object as `this`.
 * @throws TypeError naming the field: an unknown preset; `rule` not an object; `rule.id` not a
 *   non-empty string; `rule.when` not a function; `rule.cap` not an object (or undefined) with only
 *   `perSession` (integer ≥ 1) and `cooldownMs` (finite number ≥ 0, ms).
 */
export function resolveRule(rule: TriggerRule | string): TriggerRule {
  if (typeof rule === 'string') {
    if (!isPreset(rule)) throw new TypeError(`hunch.triggers.add: ${unknownPresetMessage(rule)}`);
    return PRESETS[rule];
  }
  if (!rule || typeof rule !== 'object') fail('rule', 'must be a preset name or an object { id, when, cap? }');
  const { id, when, cap } = rule as { id: unknown; when: unknown; cap: unknown };
  if (typeof id !== 'string' || !id) fail('rule.id', 'must be a non-empty string');
  if (typeof when !== 'function') fail('rule.when', 'must be a function');
  const out: TriggerRule = { id, when: (intent, previous) => when.call(rule, intent, previous) };
  if (cap !== undefined) {
    if (cap === null || typeof cap !== 'object' || Array.isArray(cap)) fail('rule.cap', `must be an object { perSession?, cooldownMs? } (got ${describeValue(cap)})`);
    const c = cap as Record<string, unknown>;
    for (const k of Object.keys(c)) {
      if (!(CAP_KEYS as readonly string[]).includes(k)) fail(`rule.cap.${k.slice(0, 40)}`, `is not a known field (allowed: ${CAP_KEYS.join(', ')})`);
    }
    const { perSession, cooldownMs } = c;
    if (perSession !== undefined && (typeof perSession !== 'number' || !Number.isInteger(perSession) || perSession < 1)) {
      fail('rule.cap.perSession', `must be an integer ≥ 1 (got ${describeValue(perSession)})`);
    }
    if (cooldownMs !== undefined && (typeof cooldownMs !== 'number' || !Number.isFinite(cooldownMs) || cooldownMs < 0)) {
      fail('rule.cap.cooldownMs', `must be a finite number ≥ 0 (got ${describeValue(cooldownMs)})`);
    }
    const copy: TriggerCap = {};
    if (perSession !== undefined) copy.perSession = perSession as number;
    if (cooldownMs !== undefined) copy.cooldownMs = cooldownMs as number;
    out.cap = Object.freeze(copy);
  }
  return Object.freeze(out);
}

/** The active rules, by id (adding a rule with an existing id replaces it). */
export interface RuleSet {
  /**
   * Adds a rule (a copy, see {@link resolveRule}) or a preset by name.
   * @throws TypeError naming the field for an invalid rule or unknown preset.
   */
  add(rule: TriggerRule | string): void;
  remove(id: string): void;
  list(): string[];
  readonly rules: readonly TriggerRule[];
}

/**
 * Creates a rule set, starting with the given rules or presets.
 * @throws TypeError (from {@link resolveRule}) for an invalid initial rule or unknown preset.
 */
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
 * The rules whose condition holds for one intent update (pure), in order. A rule's `when` is
 * called once; a rule that throws, or returns anything but a boolean (a truthy value, a promise),
 * is skipped and reported through `onError`. Iterates over a copy, so a `when` that removes a rule
 * (its own, for a one-shot rule) does not make the next one be skipped.
 */
export function matchRules(
  rules: readonly TriggerRule[],
  intent: Intent,
  previous: Intent | undefined,
  onError: (rule: string, err: unknown) => void = () => {},
): TriggerRule[] {
  const hits: TriggerRule[] = [];
  for (const rule of [...rules]) {
    try {
      const hit: unknown = rule.when(intent, previous);
      if (typeof hit !== 'boolean') throw new TypeError(`when() must return a boolean, got ${describeValue(hit)}`);
      if (hit) hits.push(rule);
    } catch (err) {
      onError(rule.id, err);
    }
  }
  return hits;
}

/**
 * Which of the matched rules may fire for `sessionId` at `now` under their caps (pure), and the log
 * with their firings added.
 */
export function capRules(hits: readonly TriggerRule[], sessionId: string, log: FiredLog, now: number): { fired: string[]; log: FiredLog } {
  const fired: string[] = [];
  // no prototype: a rule id such as 'constructor' or '__proto__' is a key like any other
  const session: FiredLog[string] = Object.assign(Object.create(null), log[sessionId]);
  for (const rule of hits) {
    const seen = session[rule.id] ?? { count: 0, last: -Infinity };
    if (seen.count >= (rule.cap?.perSession ?? 1)) continue;
    if (now - seen.last < (rule.cap?.cooldownMs ?? 0)) continue;
    session[rule.id] = { count: seen.count + 1, last: now };
    fired.push(rule.id);
  }
  if (!fired.length) return { fired, log };
  return { fired, log: newest({ ...log, [sessionId]: session }) };
}

/**
 * Evaluates rules for one intent update (pure): {@link matchRules}, then {@link capRules}.
 * Returns the ids that fire and the updated log.
 */
export function evaluateTriggers(
  rules: readonly TriggerRule[],
  intent: Intent,
  previous: Intent | undefined,
  log: FiredLog,
  now: number,
  onError: (rule: string, err: unknown) => void = () => {},
): { fired: string[]; log: FiredLog } {
  return capRules(matchRules(rules, intent, previous, onError), intent.sessionId, log, now);
}

/** The log's newest {@link FIRED_LOG_SESSIONS} sessions (keys in insertion order). */
function newest(log: FiredLog): FiredLog {
  const ids = Object.keys(log);
  for (const id of ids.slice(0, Math.max(0, ids.length - FIRED_LOG_SESSIONS))) delete log[id];
  return log;
}

/** A non-null, non-array object (what a stored log's sessions and entries must be). */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Two fired logs as one (pure): per session and rule the higher count and the later time, so a
 * tab that writes its log does not erase what another tab of the same session fired.
 * `ours`' sessions count as the newest. `stored` is read from storage, so untrusted: a session that
 * is not an object, and a rule entry without a finite `count` and `last`, are left out.
 */
export function mergeFiredLogs(stored: FiredLog, ours: FiredLog): FiredLog {
  const out: FiredLog = Object.create(null); // a session id '__proto__' is a key like any other
  for (const log of [stored, ours]) {
    for (const [sid, rules] of Object.entries(log)) {
      if (!isRecord(rules)) continue;
      const merged: FiredLog[string] = Object.assign(Object.create(null), out[sid]);
      delete out[sid]; // re-added last: insertion order is age
      for (const [rule, f] of Object.entries(rules)) {
        if (!isRecord(f) || !Number.isFinite(f.count) || !Number.isFinite(f.last)) continue;
        const m = merged[rule];
        merged[rule] = m ? { count: Math.max(m.count, f.count), last: Math.max(m.last, f.last) } : f;
      }
      out[sid] = merged;
    }
  }
  return newest(out);
}
