// Builds: dist/hunch.js (ESM + .d.ts via tsc), dist/hunch.iife.js (script tag, one global).
// The model runtime is added as its own files by the runtime entries below, never inlined into
// the first script a storefront loads.
import { readFileSync } from 'node:fs';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { idbWithoutIterators } from './tools/idb-without-iterators.mjs';
import { longWithoutWasm } from './tools/long-without-wasm.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** Injects the version from package.json, the only place it lives. */
const version = () => ({
  name: 'hunch-version',
  transform(code) {
    return code.includes('__HUNCH_VERSION__') ? { code: code.replaceAll('__HUNCH_VERSION__', JSON.stringify(pkg.version)), map: null } : null;
  },
});

/** The first script a storefront loads gets extra compression passes and hoisted function declarations (ES2020 output, as its source). */
const SCRIPT_TAG_TERSER = { ecma: 2020, toplevel: true, compress: { passes: 3, ecma: 2020, unsafe_arrows: true, unsafe_methods: true, hoist_funs: true } };

const plugins = (min, terserOptions = {}) => [
  idbWithoutIterators(),
  longWithoutWasm(),
  typescript({ tsconfig: './tsconfig.build.json', declaration: false, emitDeclarationOnly: false, noEmit: false, outDir: 'dist', rootDir: 'src' }),
  version(),
  nodeResolve({ browser: true }),
  commonjs(),
  ...(min ? [terser({ format: { comments: false }, ...terserOptions })] : []),
];

export default [
  {
    input: 'src/index.ts',
    output: { dir: 'dist', format: 'es', entryFileNames: 'hunch.js', chunkFileNames: 'hunch-esm-[name].js', sourcemap: false },
    plugins: plugins(false),
  },
  {
    input: 'src/script-tag.ts',
    output: { file: 'dist/hunch.iife.js', format: 'iife', sourcemap: false },
    plugins: plugins(true, SCRIPT_TAG_TERSER),
  },
  // the intent half for the script tag, loaded when the page is idle
  {
    input: 'src/intent-module.ts',
    output: { file: 'dist/hunch-intent.js', format: 'es', sourcemap: false },
    plugins: plugins(true),
  },
  // the model runtime (TensorFlow.js core + WebGL + CPU), loaded lazily: in a worker…
  {
    input: 'src/model/worker-entry.ts',
    output: { file: 'dist/hunch-worker.js', format: 'iife', sourcemap: false },
    plugins: plugins(true),
    onwarn,
  },
  // …or on the main thread when no worker can run WebGL
  {
    input: 'src/model/runtime-entry.ts',
    output: { file: 'dist/hunch-runtime.js', format: 'es', sourcemap: false },
    plugins: plugins(true),
    onwarn,
  },
];

/** tfjs ships `this` at the top of some modules and circular imports; both are harmless. */
function onwarn(w, warn) {
  if (w.code === 'THIS_IS_UNDEFINED' || w.code === 'CIRCULAR_DEPENDENCY') return;
  warn(w);
}
