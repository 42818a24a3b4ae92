/**
 * Whether a saved intent state read back from storage can be carried on (pure). Storage is
 * untrusted (another version, an extension, a half-written record): a state that is not
 * {@link SessionState}-shaped would make every update of the session throw, or give `NaN`
 * probabilities that are saved again, so such a state is replayed from the stored events instead;
 * a stored event the encoder refuses is skipped by the replay.
 */
import type { HunchEvent } from './events.js';
import { validateEncodable } from './features/index.js';
import type { SessionState } from './model/session-state.js';

type Check = (v: unknown) => boolean;

const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const orNull = (c: Check): Check => (v) => v === null || c(v);
const optional = (c: Check): Check => (v) => v === undefined || c(v);
const arrayOf = (c: Check): Check => (v) => Array.isArray(v) && v.every(c);
const shaped = (fields: Record<string, Check>): Check => (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(fields).every(([k, c]) => c((v as Record<string, unknown>)[k]));

/** The fields of a feature state (`features/state.ts`) and their types. */
const featureState = shaped({
  ...Object.fromEntries(['n', 'lastDwellMs', 'itemEvents', 'distinctItems', 'distinctCategories', 'views', 'adds', 'removes', 'cartUnits', 'lastAddStep'].map((k) => [k, num])),
  firstTs: orNull(num),
  lastTs: orNull(num),
  lastItem: str,
  lastCategory: str,
  items: arrayOf((e) => Array.isArray(e) && e.length === 2 && str(e[0]) && num(e[1])),
  categories: arrayOf(str),
  cartItems: arrayOf(str),
  checkout: bool,
  prices: arrayOf(num),
});

/** The fields of a session state; fields that states saved by earlier versions lack are optional. */
const sessionState = shaped({
  sessionId: str,
  modelVersion: str,
  feature: featureState,
  logit: orNull(num),
  lastX: optional(arrayOf(num)),
  peak: num,
  steps: num,
  seen: optional(num),
  lastAddStep: num,
  lastCheckoutStep: optional(num),
  lastType: optional(str),
  purchased: optional(bool),
  lastEventId: optional(str),
  lastTs: num,
  maxTs: optional(num),
  history: arrayOf(shaped({ eventId: str, type: str, weight: num, itemId: optional(str) })),
});

/**
 * Whether `s` is a well-formed {@link SessionState}: every field of the right type, numbers
 * finite, and `hidden` finite numbers, empty (before the first step, or the heuristic's) or of the
 * model's hidden size.
 * @param hiddenSize the model's hidden state length (undefined: any length)
 */
export function isSessionState(s: unknown, hiddenSize?: number): s is SessionState {
  const hidden = (s as SessionState | null)?.hidden;
  return sessionState(s) && arrayOf(num)(hidden) && (hidden!.length === 0 || hiddenSize === undefined || hidden!.length === hiddenSize);
}

/** Whether the feature encoder takes the stored event `e` (one stored by an older version, or edited, may have a field of the wrong type). */
export function isEncodable(e: HunchEvent): boolean {
  try {
    validateEncodable(e); // the encoder's own check, without encoding it a first time
    return true;
  } catch {
    return false;
  }
}
