/** Main-thread runtime module (`dist/hunch-runtime.js`), imported lazily when no worker can run WebGL. */
export { createRuntime } from './runtime.js';
export type { Runtime, RuntimeInfo, RuntimeInit } from './runtime.js';
