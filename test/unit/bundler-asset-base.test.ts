// @vitest-environment node
// Where a bundler leaves no usable import.meta.url (esbuild's iife/cjs output: `{}`; webpack and
// Parcel: the build machine's file: URL), createHunch must still start: capture and storage need
// no asset base, and a failure is a rejected promise, never a synchronous throw.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { assetBaseOf } from '../../src/asset-base';
import { createMemoryStore } from '../../src/store/memory-store';

describe('assetBaseOf', () => {
  it('is the folder of an http(s) module URL', () => {
    expect(assetBaseOf('https://cdn.test/hunch@0.1.0/dist/hunch.js')).toBe('https://cdn.test/hunch@0.1.0/dist/');
    expect(assetBaseOf('http://127.0.0.1:5173/assets/index-abc.js?v=1#x')).toBe('http://127.0.0.1:5173/assets/');
    expect(assetBaseOf('HTTPS://cdn.test/a/b.js')).toBe('https://cdn.test/a/');
  });

  it("is the folder of an app's own scheme with a host (Capacitor on iOS, a browser extension)", () => {
    expect(assetBaseOf('capacitor://localhost/assets/index-abc.js')).toBe('capacitor://localhost/assets/');
    expect(assetBaseOf('chrome-extension://abcdef/dist/hunch.js')).toBe('chrome-extension://abcdef/dist/');
  });

  it("is undefined for what a bundler leaves instead: nothing, a build machine's file: URL, schemes without a host, garbage", () => {
    for (const u of [undefined, null, {}, 42, '', 'file:///home/ci/app/node_modules/hunch/dist/hunch-esm-index.js', 'FILE://host/x.js', 'data:text/javascript,1', 'blob:https://shop.test/1', 'about:blank', '/dist/hunch.js', 'https://[', 'http:'])
      expect(assetBaseOf(u)).toBeUndefined();
  });
});

describe("createHunch bundled by esbuild's default cjs output (import.meta is {})", () => {
  it('returns a promise (no synchronous "Invalid URL"), resolves, and captures and stores with the model off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hunch-esbuild-'));
    try {
      const out = join(dir, 'hunch.cjs');
      await build({
        entryPoints: [fileURLToPath(new URL('../../src/index.ts', import.meta.url))],
        bundle: true,
        format: 'cjs',
        platform: 'neutral',
        mainFields: ['module', 'main'],
        outfile: out,
        logLevel: 'silent',
        define: { __HUNCH_VERSION__: '"0.0.0-test"' },
      });
      const { createHunch } = createRequire(import.meta.url)(out) as typeof import('../../src/index');
      const store = createMemoryStore();
      let p: Promise<unknown> | undefined;
      expect(() => (p = createHunch({ dbName: 'shop', model: { enabled: false } }, { openStore: async () => store }))).not.toThrow();
      expect(p).toBeInstanceOf(Promise);
      const h = (await p) as Awaited<ReturnType<typeof createHunch>>;
      h.track('add_to_cart', { itemId: 'SKU-42', price: 19.9 });
      await h.flush();
      expect((await store.getEvents({})).map((e) => e.type)).toEqual(['add_to_cart']);
      await h.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
