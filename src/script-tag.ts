/**
 * Script-tag entry (`dist/hunch.iife.js`). Reads options from its own `<script data-*>`
 * attributes (see `script-proxy.ts`), creates an instance with auto-capture on, and defines
 * exactly one global, `window.hunch`: usable at once, with early calls queued in order.
 * An invalid attribute means no instance: `hunch.ready` rejects with a TypeError naming it.
 */
import { createHunch } from './hunch.js';
import type { HunchOptions } from './options.js';
import { createProxy, optionsFromDataset, type HunchGlobal } from './script-proxy.js';

(() => {
  if (typeof window === 'undefined' || (window as unknown as { hunch?: unknown }).hunch) return;
  const script = document.currentScript as HTMLScriptElement | null;
  // the runtime and model files are located relative to this script
  const assetBase = new URL('./', script?.src || location.href).href;
  const loadIntentModule = () => import(/* @vite-ignore */ new URL('hunch-intent.js', assetBase).href);
  let options: HunchOptions = {};
  let invalid: { error: unknown } | undefined;
  try {
    options = optionsFromDataset(script?.dataset ?? {});
  } catch (error) {
    invalid = { error };
  }
  const opts = options;
  const pending = invalid ? Promise.reject(invalid.error) : (async () => createHunch(opts, { assetBase, loadIntentModule }))();
  (window as unknown as { hunch: HunchGlobal }).hunch = createProxy(pending, invalid ? {} : options);
})();
