/**
 * What one tab tells the others of the same origin and `dbName`: a consent change and a
 * `forget()`. Consent and forget are the shopper's, not one tab's, so a tab that stays open must
 * follow them. Only the state crosses (`{ consent }`, `{ forget: at }`), never event data.
 * The channel is a `BroadcastChannel` in browsers (`deps.channel` in tests); without one (Safari
 * before 15.4) each tab follows its own calls: a tab open during another tab's `consent('denied')`
 * hears only the database deletion (it drops what it holds) and keeps storing until it reloads.
 * A localStorage `storage`-event transport for those browsers was written and tested on
 * 2026-12-01 and left out: about 91 bytes gzipped of the script tag, over its size budget, for
 * browsers almost nobody runs in 2026. Messages from other tabs are checked before they reach
 * the handlers.
 */
import type { TabChannel } from './deps.js';
import type { Consent } from './options.js';

/** What a tab does when another tab speaks. */
export interface TabSyncHandlers {
  /** Another tab forgot everything; `at` is when its forget began (ms since the epoch). */
  forget(at: number): void;
  /** Another tab's shopper changed consent. */
  consent(state: Consent): void;
}

/** This tab's side of the channel. */
export interface TabSync {
  /** Tells the other tabs that this tab forgot everything (its forget began at `at`, ms). */
  forgot(at: number): void;
  /** Tells the other tabs the shopper's new consent. */
  consented(state: Consent): void;
  /**
   * Stops listening. Telling still works afterwards (through a channel opened for the one
   * message), so a disposed instance's `forget()` and `consent('denied')` still reach the others.
   */
  close(): void;
}

const CONSENTS: readonly Consent[] = ['granted', 'pending', 'denied'];

/** Opens the window's `BroadcastChannel` of a name (undefined in a browser without one). */
export const browserChannel =
  (win: Window | undefined) =>
  (name: string): TabChannel | undefined => {
    const BC = (win as (Window & { BroadcastChannel?: typeof BroadcastChannel }) | undefined)?.BroadcastChannel;
    return typeof BC === 'function' ? (new BC(name) as unknown as TabChannel) : undefined;
  };

/**
 * Opens the channel `hunch:<dbName>`.
 * @param open opens a channel by name (undefined when the browser has none)
 */
export function createTabSync(open: (name: string) => TabChannel | undefined, dbName: string, on: TabSyncHandlers): TabSync {
  const name = `hunch:${dbName}`;
  const tryOpen = (): TabChannel | undefined => {
    try {
      return open(name);
    } catch {
      return undefined; // no channel: each tab follows its own calls
    }
  };
  let channel = tryOpen();
  if (channel) {
    channel.onmessage = (ev) => {
      const m = ev.data as { consent?: unknown; forget?: number } | null;
      if (Number.isFinite(m?.forget)) on.forget(m!.forget!); // Number.isFinite: a finite number, never coerced
      else if (CONSENTS.includes(m?.consent as Consent)) on.consent(m!.consent as Consent);
    };
  }
  const post = (message: { consent: Consent } | { forget: number }) => {
    const via = channel ?? tryOpen();
    try {
      via?.postMessage(message);
    } catch {
      // the channel is gone (the page is being torn down): the other tabs follow their own calls
    }
    if (via !== channel) via?.close();
  };
  return {
    forgot: (at) => post({ forget: at }),
    consented: (state) => post({ consent: state }),
    close() {
      channel?.close();
      channel = undefined;
    },
  };
}
