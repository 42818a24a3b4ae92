import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const define = { __HUNCH_VERSION__: JSON.stringify(pkg.version) };

// Two tiers: fast unit tests (happy-dom, fake-indexeddb) and real-Chromium tests that drive
// the built files (run `npm run build` first; `npm test` does).
export default defineConfig({
  test: {
    projects: [
      {
        define,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'happy-dom',
          testTimeout: 30_000,
        },
      },
      {
        define,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // one Chromium at a time on 2 cores
          fileParallelism: false,
        },
      },
    ],
  },
});
