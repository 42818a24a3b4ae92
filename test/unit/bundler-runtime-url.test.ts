// @vitest-environment node
// model.runtimeUrl: where the TensorFlow.js runtime files are when a bundler moved hunch away from
// them, validated like model.url; and a model whose runtime has no location at all still answers
// on the plain-JS kernel (said once), instead of the whole model failing.
import { describe, expect, it } from 'vitest';
import { fetchModel, FakeWorker, withWorker } from './model-fixture';
import { loadModelPredictor, RUNTIME_FILES, type ModelClientOptions } from '../../src/model/client';
import { predictorLoader, type WiringSink } from '../../src/model-wiring';
import { resolveOptions } from '../../src/options';

describe('option model.runtimeUrl', () => {
  it('is made absolute against the page (else the build folder) and defaults to none', () => {
    expect(resolveOptions({}).model.runtimeUrl).toBeUndefined();
    expect(resolveOptions({ model: { runtimeUrl: '/static/hunch/' } }, 'https://shop.test/p/1?x=2').model.runtimeUrl).toBe('https://shop.test/static/hunch/');
    expect(resolveOptions({ model: { runtimeUrl: 'hunch/' } }, 'https://shop.test/p/1').model.runtimeUrl).toBe('https://shop.test/p/hunch/');
    expect(resolveOptions({ model: { runtimeUrl: 'https://cdn.test/h/' } }).model.runtimeUrl).toBe('https://cdn.test/h/');
  });

  it('throws a TypeError naming model.runtimeUrl for a value that is no URL', () => {
    for (const v of ['', 5, null, 'http://[', '/static/']) {
      expect(() => resolveOptions({ model: { runtimeUrl: v as string } })).toThrow(TypeError);
      expect(() => resolveOptions({ model: { runtimeUrl: v as string } })).toThrow(/^hunch: option "model.runtimeUrl" must be a URL/);
    }
  });
});

/** A sink that records what the loader says. */
function sink() {
  const said: string[] = [];
  const models: string[] = [];
  const s: WiringSink = { emitModel: (m) => models.push(m.status), problem: (kind, code, message) => said.push(`${kind} ${code}: ${message}`) };
  return { said, models, s };
}

/** The real model client over the shipped model's files; records the options it was started with. */
function client(seen: ModelClientOptions[] = []) {
  return { seen, m: { loadModelPredictor: (o: ModelClientOptions) => (seen.push(o), loadModelPredictor({ ...o, fetch: fetchModel })) } };
}

describe('predictorLoader and the runtime location', () => {
  it('with model.url but no asset base and no runtimeUrl: the JS kernel answers, and the missing runtime location is said once (model-runtime)', async () => {
    const { said, models, s } = sink();
    const opts = resolveOptions({ model: { url: 'https://shop.test/models/intent/' } });
    const load = predictorLoader(client().m, opts, () => opts.model.url, undefined, s)!;
    const p = await load();
    expect(p.backend).toBe('js');
    expect(Number.isFinite((await p.step([], new Float32Array(p.jsNet!.D))).logit)).toBe(true);
    await (p as unknown as { runtimeReady: Promise<void> }).runtimeReady.catch(() => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(said).toEqual([expect.stringMatching(/^warning model-runtime: .*no location for hunch-worker\.js and hunch-runtime\.js: pass model\.runtimeUrl/)]);
    expect(models).toContain('ready');
    expect(models).toContain('runtime-failed');
    p.dispose();
  });

  it('with neither a model URL nor an asset base, the load fails with "no model URL: pass model.url"', async () => {
    const opts = resolveOptions({});
    const load = predictorLoader(client().m, opts, () => undefined, undefined, sink().s)!;
    await expect(load()).rejects.toThrow('no model URL: pass model.url');
  });

  it('model.runtimeUrl wins over the asset base; the runtime files are looked for in that folder (trailing slash or not)', async () => {
    const urls: string[] = [];
    withWorker(() => undefined);
    (globalThis as Record<string, unknown>).Worker = class extends FakeWorker {
      constructor(u: string) {
        super();
        urls.push(String(u));
      }
    };
    const { seen, m } = client();
    const opts = resolveOptions({ model: { url: 'https://shop.test/models/intent/', runtimeUrl: '/static/hunch' } }, 'https://shop.test/p/1');
    const p = await predictorLoader(m, opts, () => opts.model.url, 'https://shop.test/node_modules/.vite/deps/', sink().s)!();
    expect(seen[0].assetBase).toBe('https://shop.test/static/hunch');
    await new Promise((r) => setTimeout(r, 10));
    expect(urls).toEqual([`https://shop.test/static/hunch/${RUNTIME_FILES.worker}`]);
    p.dispose();
  });
});
