// A rollup plugin for the model runtime builds (rollup.config.mjs).
/**
 * TensorFlow.js bundles `long` (64-bit integers), which compiles a 200-byte WebAssembly module
 * when it loads, to multiply and divide faster. Compiling WebAssembly from bytes needs
 * `'wasm-unsafe-eval'` under a Content Security Policy: a page with a strict policy got a
 * violation report each time the runtime started on the main thread or in the `blob:` worker a
 * CDN setup uses (both run under the page's policy). hunch never needs fast 64-bit math (the model
 * is float32), so the builds take `long`'s own plain-JS path (`wasm = null`), as in a browser
 * without WebAssembly. The build fails, rather than shipping the compile again, if a new `long`
 * version changes that code's shape.
 */
export const longWithoutWasm = () => ({
  name: 'long-without-wasm',
  transform(code, id) {
    if (!/[\\/]node_modules[\\/]long[\\/]/.test(id) || !code.includes('WebAssembly')) return null;
    const cut = code.replace(/try\s*\{\s*wasm\s*=\s*new WebAssembly\.Instance\([\s\S]*?\}\s*catch\s*\(e\)\s*\{[^}]*\}/, '/* hunch: no wasm compile (see tools/long-without-wasm.mjs) */');
    if (cut === code || cut.includes('WebAssembly')) this.error(`${id} changed shape: update tools/long-without-wasm.mjs`);
    return { code: cut, map: null };
  },
});
