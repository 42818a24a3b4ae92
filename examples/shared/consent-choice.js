/**
 * The demo store's own record of the shopper's consent choice. hunch does not remember a choice
 * across page loads (a page starts with the state it is given); the store keeps it, as a real
 * store's consent banner would, and hands it to `hunch.consent()` on every page load.
 *
 * The key is the store's, not hunch's: `forget()` removes `hunch:<dbName>:*` keys, and a choice
 * must outlive "forget everything". Nothing saved means 'granted', so the demo records out of the
 * box (a real store would start 'pending' and ask).
 */

const STATES = ['granted', 'pending', 'denied'];

/** localStorage key of the choice for one hunch database, e.g. `cedar-consent:hunch-demo`. */
export const consentKey = (dbName) => `cedar-consent:${dbName}`;

/**
 * The saved choice, or 'granted' when none is saved (or storage is unavailable).
 * @param {string} dbName
 * @param {Storage} [storage] default `localStorage`
 * @returns {'granted' | 'pending' | 'denied'}
 */
export function savedConsent(dbName, storage = globalThis.localStorage) {
  let v = null;
  try {
    v = storage?.getItem(consentKey(dbName)) ?? null;
  } catch {
    /* storage blocked: nothing saved */
  }
  return STATES.includes(v) ? v : 'granted';
}

/**
 * Saves a choice.
 * @param {string} dbName
 * @param {'granted' | 'pending' | 'denied'} state
 * @param {Storage} [storage] default `localStorage`
 * @throws {TypeError} naming `state` when it is not one of the three
 */
export function saveConsent(dbName, state, storage = globalThis.localStorage) {
  if (!STATES.includes(state)) throw new TypeError(`state: expected granted, pending or denied (got ${String(state)})`);
  try {
    storage?.setItem(consentKey(dbName), state);
  } catch {
    /* private mode or full: the choice lasts this page only */
  }
}

/**
 * Applies the saved choice to an instance that started 'pending', and from then on saves every
 * consent change it reports (the dashboard's selector, another tab of the same store).
 * @param {{ consent(s: string): Promise<void>, on(name: string, cb: (s: unknown) => void): void }} hunch
 * @param {string} dbName
 * @returns {Promise<void>} settles when the saved choice is in force; rejects as `consent()` does
 */
export function keepConsentChoice(hunch, dbName) {
  const applied = hunch.consent(savedConsent(dbName));
  try {
    hunch.on('consent', (s) => {
      const state = typeof s === 'string' ? s : s?.state;
      if (STATES.includes(state)) saveConsent(dbName, state);
    });
  } catch {
    /* a stand-in without events (hunch did not start): nothing to save */
  }
  return applied;
}
