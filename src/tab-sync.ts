/**
 * What one tab tells the others of the same origin and `dbName`: a consent change and a
 * `forget()`. Consent and forget are the shopper's, not one tab's, so a tab that stays open must
 * follow them. Only the state crosses (`{ consent }`, `{ forget: at }`), never event data.
 * The channel is a `BroadcastChannel` in browsers (`deps.channel` in tests); without one, each
 * tab follows its own calls ({@link storageChannel} is the transport for browsers without it, once
 * wired). Messages from other tabs are checked before they reach the handlers.
 */
import { safeLocalStorage } from './browser-env.js';
import type { TabChannel } from './deps.js';
import type { Consent } from './options.js';
import { parseJson } from './session-pointer.js';

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

/**
 * Opens the window's `BroadcastChannel` of a name (undefined in a browser without one).
 * {@link storageChannel} would carry the messages there (Safari before 15.4), at about 93 bytes
 * gzipped in the script tag, which its size budget does not hold yet: it is not used here.
 */
export const browserChannel =
  (win: Window | undefined) =>
  (name: string): TabChannel | undefined => {
    const BC = (win as (Window & { BroadcastChannel?: typeof BroadcastChannel }) | undefined)?.BroadcastChannel;
    return typeof BC === 'function' ? (new BC(name) as unknown as TabChannel) : undefined;
  };

/**
 * A channel over the window's `storage` events of the localStorage key `<name>:tabs`
 * (`hunch:<dbName>:tabs`), for browsers without `BroadcastChannel`. A message is written as JSON
 * and removed at once: the other tabs' `storage` event carries the written value, nothing stays
 * stored, and the same message twice still changes the value (so it is heard again). Undefined
 * without a window or a usable localStorage.
 */
export function storageChannel(win: Window | undefined, name: string): TabChannel | undefined {
  const ls = safeLocalStorage(win);
  const key = `${name}:tabs`;
  // the removal's event carries null: parsed to null, which the handlers' check drops
  const heard = (ev: Event) => (ev as StorageEvent).key === key && ch!.onmessage?.({ data: parseJson((ev as StorageEvent).newValue) });
  const ch: TabChannel | undefined = ls && {
    onmessage: null,
    postMessage(m) {
      ls.setItem(key, JSON.stringify(m));
      ls.removeItem(key);
    },
    close: () => win!.removeEventListener('storage', heard),
  };
  if (ch) win!.addEventListener('storage', heard);
  return ch;
}

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
