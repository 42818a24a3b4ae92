/**
 * Events not yet confirmed written when a page goes away can be lost: tracked before IndexedDB
 * has opened (an unload aborts the pending open), or in a batch whose transaction the browser
 * aborts when it tears the page down before the commit finishes (Chromium does, now and then,
 * when a page navigates or closes right after a large batch). On `pagehide` such events are
 * spilled synchronously to localStorage (one key per tab, prefixed `hunch:<dbName>:`, so
 * `forget()` removes them); the key is removed again once the writes are confirmed (unless a
 * later `pagehide` spilled again, or a write failed into memory meanwhile), and
 * otherwise the next page load of the origin writes them to IndexedDB (event ids are keys:
 * re-writing an event that did commit is idempotent). Events that only the page's memory holds
 * (see {@link strandedEvents}) are spilled with them, and that spill stays for the next load.
 */
import type { HunchEvent } from './events.js';
import { keysWithPrefix, localKeyPrefix } from './session-pointer.js';
import { validateEvent } from './validate-event.js';
import type { Writer } from './writer.js';

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
      const json = JSON.stringify(list);
      ls.setItem(spillPrefix(dbName) + tabId, json);
      return json;
    } catch {
      /* too big (or blocked): try the newer half */
    }
  }
}

/**
 * What `pagehide` does with the writer: spills every event not confirmed written yet (when
 * `keep`; the instance passes false without consent and while `forget()` erases), flushes, and
 * removes the spill again once the flush confirms the writes, unless the key changed meanwhile (a
 * later `pagehide`, back from the back/forward cache, spilled what that one's flush confirms).
 * `stranded`: events that only the page's memory holds (IndexedDB failed a write, before or during
 * this flush); they are spilled too and stay spilled, so the next page load writes them to IndexedDB.
 */
export function spillUntilWritten(ls: Storage | undefined, dbName: string, tabId: string, writer: Pick<Writer, 'unwritten' | 'flush'>, keep: boolean, stranded: () => readonly HunchEvent[]): void {
  const unwritten = keep ? writer.unwritten() : [];
  const json = spillEvents(ls, dbName, tabId, keep ? [...stranded(), ...unwritten] : []);
  const key = spillPrefix(dbName) + tabId;
  // (a batch that failed during the flush went to memory: its spill stays for the next load)
  void writer.flush().then(() => unwritten.length && !stranded().length && ls!.getItem(key) === json && ls!.removeItem(key)).catch(() => {});
}

/**
 * Events that only the page's memory holds: written to memory after IndexedDB failed a write (the
 * slot is in memory and held a persistent store before), or taken from an earlier page's spill
 * when IndexedDB does not open on this one (`always`). `pagehide` spills them, the newest `max`,
 * for the next page load to write.
 */
export function strandedEvents(slot: { readonly kind: string; earlier(): unknown }, max: number) {
  let list: HunchEvent[] = [];
  return {
    /** Notes a batch just written to memory. */
    add(batch: readonly HunchEvent[], always = false) {
      if (always || (slot.kind === 'memory' && slot.earlier())) list = list.concat(batch).slice(-max);
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

/** Reads and removes every spilled event of `dbName` (from any tab). */
export function takeSpilled(ls: Storage | undefined, dbName: string): HunchEvent[] {
  const out: HunchEvent[] = [];
  try {
    for (const k of keysWithPrefix(ls!, spillPrefix(dbName))) {
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
