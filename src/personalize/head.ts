/**
 * A per-user output head: the part of the intent network that on-device personalization adapts.
 * `logit = [h', x] · w + b` (h' the pretrained cell's new state, x the step's features), plain
 * numbers so it crosses to the worker and is stored in IndexedDB as JSON.
 */
import type { JsNet } from '../model/js-net.js';

/** Head weights as plain numbers. */
export interface PersonalHead {
  /** Kernel, length H + D: [0, H) reads the hidden state, [H, H + D) the step's features. */
  w: number[];
  /** Bias, log-odds. */
  b: number;
}

/** The pretrained head of a decoded network, as plain numbers. */
export function globalHead(net: Pick<JsNet, 'hw' | 'hb'>): PersonalHead {
  return { w: Array.from(net.hw), b: net.hb };
}

/**
 * Checks a head read from storage or a message.
 * @param size expected kernel length (H + D)
 * @throws TypeError naming the field when it is not a head of that size with finite numbers
 */
export function checkHead(head: unknown, size: number): PersonalHead {
  const h = head as Partial<PersonalHead> | null;
  if (!h || typeof h !== 'object') throw new TypeError('head: must be an object { w, b }');
  if (!Array.isArray(h.w) || h.w.length !== size || !h.w.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new TypeError(`head.w: must be ${size} finite numbers`);
  }
  if (typeof h.b !== 'number' || !Number.isFinite(h.b)) throw new TypeError('head.b: must be a finite number');
  return { w: h.w, b: h.b };
}

/** Logit of one example `z = [h', x]` under a head. */
export function headLogitOf(head: PersonalHead, z: ArrayLike<number>): number {
  let s = head.b;
  for (let i = 0; i < z.length; i++) s += z[i] * head.w[i];
  return s;
}
