/**
 * Where the hunch build's own files (runtime, default model) are served from: the folder of the
 * module's URL, when that URL is one the page can fetch from.
 */

/**
 * The folder of `moduleUrl` (`https://cdn.test/hunch/dist/hunch.js` → `https://cdn.test/hunch/dist/`),
 * or undefined when it is not a URL with an authority (`scheme://…`) other than `file:`: a bundler's
 * stand-in for `import.meta.url` (esbuild's iife/cjs output gives `undefined`; webpack and Parcel a
 * build-time `file:` URL of the build machine) says nothing about where the page is served from.
 * Apps served from their own scheme (Capacitor's `capacitor://localhost`, a browser extension's
 * `chrome-extension://…`) keep theirs. Never throws.
 * @param moduleUrl `import.meta.url` or a script's `src`, as the bundle left it (any value)
 */
export function assetBaseOf(moduleUrl: unknown): string | undefined {
  if (typeof moduleUrl !== 'string' || !/^(?!file:)[a-z][\w+.-]*:\/\/[^/]/i.test(moduleUrl)) return undefined;
  try {
    return new URL('./', moduleUrl).href;
  } catch {
    return undefined;
  }
}
