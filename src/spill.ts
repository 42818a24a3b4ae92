/**
 * Events not yet confirmed written when a page goes away can be lost: tracked before IndexedDB
 * has opened (an unload aborts the pending open), or in a batch whose transaction the browser
 * aborts when it tears the page down before the commit finishes (Chromium does, now and then,
 * when a page navigates or closes right after a large batch), or with no `pagehide` at all (a
 * prerendered next page activated). At the end of each task that tracked, and on `pagehide`, such
 * events are spilled synchronously to localStorage (one key per tab, prefixed `hunch:<dbName>:`,
 * so `forget()` removes them); the key is removed again once the writes are confirmed (unless a
 * later spill replaced it, or a write failed into memory meanwhile), and
 * otherwise the next page load of the origin writes them to IndexedDB (event ids are keys:
 * re-writing an event that did commit is idempotent). Events that only the page's memory holds
 * (see {@link strandedEvents}) are spilled with them, and that spill stays for the next load.
 */
import type { HunchEvent } from './events.js';
import { keysWithPrefix, localKeyPrefix } from './session-pointer.js';
import { validateEvent } from './validate-event.js';

const spillPrefix = (dbName: string) => `${localKeyPrefix(dbName)}spill:`;

/**
 * Saves events under this tab's key; returns what it wrote. Never throws. When localStorage is
 * too full for all of them (its quota is about 5 MB per origin, shared with the shop's own keys),
 * the newest half that fits is kept, halving again as needed, rather than none; a blocked
 * localStorage loses them, as nothing more can be done while the page unloads.
 */
export function spillEvents(ls: Storage | undefined, dbName: string, tabId: string, events: readonly HunchEvent[]): string | undefined {
  for (let list = events; ls && list.length; list = list.slice(list.length >> 1 || 1)) {
    try {
      // each event on its own: a page's Array.prototype.toJSON (Prototype.js) would turn the whole list into one string
      const json = `[${list.map((e) => JSON.stringify(e))}]`;
      ls.setItem(spillPrefix(dbName) + tabId, json);
      return json;
    } catch {
      /* too big (or blocked): try the newer half */
    }
  }
}

/**
 * This tab's spill of what the writer has not confirmed yet, after the `stranded` events (those only
 * the page's memory holds: IndexedDB failed a write), so the next page load writes them.
 * `spill(keep)` runs at the end of every task that handed events to the writer (a write-ahead copy:
 * a page torn down with no `pagehide`, as when a prerendered next page is activated, still leaves
 * them for the next load) and at `pagehide`. `keep` is false without consent and while `forget()`
 * erases (nothing is written). `drained()` (the writer has nothing unwritten) removes the key,
 * unless it changed meanwhile (a later spill, another page took it) or stranded events exist (those
 * stay for the next load). `clear()` removes it whatever it holds (this tab's data was forgotten).
 */
export function unwrittenSpill(ls: Storage | undefined, dbName: string, tabId: string, unwritten: () => readonly HunchEvent[], stranded: () => readonly HunchEvent[]) {
  const key = spillPrefix(dbName) + tabId;
  let json: string | undefined;
  /** Removes the key when `when(stored value)` holds; localStorage blocked meanwhile: the next load takes it. */
  const remove = (when: (stored: string | null) => unknown) => {
    try {
      if (when(ls!.getItem(key))) ls!.removeItem(key);
    } catch {
      /* blocked or missing */
    }
    json = undefined;
  };
  return {
    spill(keep: boolean) {
      json = spillEvents(ls, dbName, tabId, keep ? [...stranded(), ...unwritten()] : []);
    },
    drained: () => remove((stored) => json && !stranded().length && stored === json),
    clear: () => remove(() => true),
  };
}

/**
 * Events that only the page's memory holds: written to memory after IndexedDB failed a write (the
 * slot is in memory and held a persistent store before), or taken from an earlier page's spill
 * when IndexedDB does not open on this one (`always`). Every spill of this tab holds them, the newest `max`,
 * for the next page load to write.
 */
export function strandedEvents(slot: { readonly kind: string; earlier(): unknown }, max: number) {
  let list: HunchEvent[] = [];
  return {
    /** Notes a batch just written to memory (an event noted before, e.g. taken from a spill and then written, once). */
    add(batch: readonly HunchEvent[], always = false) {
      if (always || (slot.kind === 'memory' && slot.earlier())) list = [...new Map([...list, ...batch].map((e) => [e.id, e])).values()].slice(-max);
    },
    list: () => list,
    clear() {
      list = [];
    },
  };
}

/**
 * A spilled event as `track()` (or capture, for a `dwell`: its url and a finite `dwellMs` ≥ 0)
 * would have recorded it; undefined when it could not have been (a field of the wrong type, or
 * one `track()` does not know): the spill is untrusted (another version's, or edited).
 */
const storedEvent = (e: unknown): HunchEvent | undefined => {
  try {
    const { id, sessionId, ts, type, dwellMs, ...props } = e as HunchEvent;
    const dwell = type === 'dwell';
    if (typeof id == 'string' && typeof sessionId == 'string' && Number.isFinite(ts) && (!dwell || (dwellMs! >= 0 && Number.isFinite(dwellMs)))) {
      return { id, sessionId, ts, type, ...validateEvent(dwell ? 'page_view' : type, props).props, ...(dwell && { dwellMs }) };
    }
  } catch {
    /* not an event track() records: dropped */
  }
};

/**
 * Reads and removes every spilled event of `dbName` (from any tab but `ownTabId`'s: that tab's writer
 * and stranded events own its key, and taking it would write its events twice).
 */
export function takeSpilled(ls: Storage | undefined, dbName: string, ownTabId?: string): HunchEvent[] {
  const out: HunchEvent[] = [];
  try {
    for (const k of keysWithPrefix(ls!, spillPrefix(dbName))) {
      if (k === spillPrefix(dbName) + ownTabId) continue;
      try {
        const list = JSON.parse(ls!.getItem(k)!) as unknown[];
        if (Array.isArray(list)) for (const e of list.map(storedEvent)) if (e) out.push(e);
      } catch {
        /* a corrupt spill is dropped */
      }
      ls!.removeItem(k);
    }
  } catch {
    /* localStorage missing or unusable */
  }
  return out;
}
