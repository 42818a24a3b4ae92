/**
 * Script-tag entry (`dist/hunch.iife.js`). Reads options from its own `<script data-*>`
 * attributes (see `script-proxy.ts`), creates an instance with auto-capture on, and defines
 * exactly one global, `window.hunch`: the instance itself, usable at once (`hunch.ready` resolves
 * once storage is open). An invalid attribute means no instance: `window.hunch` is a stand-in
 * (`script-proxy.ts`) and `hunch.ready` rejects with a TypeError naming it.
 */
import type { Hunch } from './api.js';
import { createHunch } from './hunch.js';
import type { HunchOptions } from './options.js';
import { optionsFromDataset, scriptGlobal } from './script-proxy.js';
import { VERSION } from './version.js';

(() => {
  // hunch already loaded (an element with id="hunch" is not hunch: named access puts it on window)
  if (typeof window === 'undefined' || (window as unknown as { hunch?: { ready?: unknown } }).hunch?.ready) return;
  const script = document.currentScript as HTMLScriptElement | null;
  // the runtime and model files are located relative to this script
  const assetBase = new URL('./', script?.src || location.href).href;
  const loadIntentModule = () => import(/* @vite-ignore */ new URL('hunch-intent.js', assetBase).href);
  let instance: Hunch | undefined;
  let pending: Promise<Hunch>;
  try {
    const options: HunchOptions = optionsFromDataset(script?.dataset ?? {});
    // createHunch hands over the instance before its first await, so the global is the instance at once
    pending = createHunch(options, { assetBase, loadIntentModule, version: VERSION, created: (h) => (instance = h) });
  } catch (error) {
    pending = Promise.reject(error);
  }
  (window as unknown as { hunch: unknown }).hunch = scriptGlobal(pending, instance);
})();
