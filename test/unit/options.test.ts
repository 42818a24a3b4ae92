// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createHunch } from '../../src/hunch';
import { DEFAULTS, resolveOptions } from '../../src/options';
import { optionsFromDataset } from '../../src/script-proxy';
import { createMemoryStore } from '../../src/store/memory-store';
import { modelUrl } from '../../src/model-wiring';

describe('resolveOptions', () => {
  it('applies documented defaults', () => {
    const o = resolveOptions();
    expect(o).toEqual({ ...DEFAULTS, retention: { days: 90, maxEvents: 50_000 }, model: { url: undefined, enabled: true, backend: 'auto', worker: true, timeoutMs: 30_000 }, triggers: [] });
    expect(o.sessionTimeoutMinutes).toBe(30);
    expect(o.consent).toBe('granted');
    expect(o.personalize).toEqual({ auto: true });
    expect(resolveOptions({ personalize: { auto: false } }).personalize).toEqual({ auto: false });
  });

  it('the script tag maps data-personalize-auto', () => {
    expect(optionsFromDataset({ personalizeAuto: 'false' }).personalize).toEqual({ auto: false });
    expect(optionsFromDataset({}).personalize).toBeUndefined();
  });

  it.each([
    [{ dbName: '' }, /"dbName"/],
    [{ dbName: 'a b' }, /"dbName"/],
    [{ consent: 'yes' }, /"consent"/],
    [{ autoCapture: 'true' }, /"autoCapture"/],
    [{ sessionTimeoutMinutes: 0 }, /"sessionTimeoutMinutes" must be between 1 and 1440/],
    [{ sessionTimeoutMinutes: NaN }, /"sessionTimeoutMinutes"/],
    [{ retention: { days: 0 } }, /"retention.days"/],
    [{ retention: { maxEvents: 10.5 } }, /"retention.maxEvents"/],
    [{ retention: { keep: 1 } }, /"retention.keep" is not a known option/],
    [{ model: { backend: 'gpu' } }, /"model.backend"/],
    [{ model: { worker: 1 } }, /"model.worker"/],
    [{ model: { timeoutMs: 500 } }, /"model.timeoutMs" must be between 1000 and 600000/],
    [{ model: { timeoutMs: 1500.5 } }, /"model.timeoutMs" must be a finite integer/],
    [{ triggers: 'abandonment' }, /"triggers"/],
    [{ triggers: ['nope'] }, /option "triggers\[0\]" is an unknown preset "nope" \(known: abandonment, ready-to-buy\)/],
    [{ triggers: ['abandonment', 'toString'] }, /"triggers\[1\]" is an unknown preset "toString"/],
    [{ triggers: ['abandonment', 3] }, /"triggers\[1\]" must be a preset name \(got 3\)/],
    // eslint-disable-next-line no-sparse-arrays
    [{ triggers: [, 'abandonment'] }, /"triggers\[0\]" must be a preset name \(got undefined\)/],
    [{ recommend: { url: '' } }, /"recommend.url" must be a URL \(got ""\)/],
    [{ recommend: { url: 5 } }, /"recommend.url" must be a URL \(got 5\)/],
    [{ recommend: { url: 'http://[::1' } }, /"recommend.url" must be a URL \(got "http:\/\/\[::1"\)/],
    [{ model: { url: 'http://[' } }, /"model.url" must be a URL/],
    [{ model: { url: '' } }, /"model.url" must be a URL/],
    [{ personalize: { auto: 'no' } }, /"personalize.auto" must be a boolean/],
    [{ personalize: { every: 3 } }, /"personalize.every" is not a known option/],
    [{ sessionTimeout: 5 }, /"sessionTimeout" is not a known option/],
    ['x', /"options"/],
  ])('rejects %o with a TypeError naming the option', (input, msg) => {
    expect(() => resolveOptions(input, 'https://shop.test/p/1')).toThrow(TypeError);
    expect(() => resolveOptions(input, 'https://shop.test/p/1')).toThrow(msg);
  });

  it('URL options resolve against the base (the page, else the build folder); a relative one without a base is refused', () => {
    const o = resolveOptions({ model: { url: '../models/' }, recommend: { url: '/m/manifest.json' } }, 'https://shop.test/p/1');
    expect(o.model.url).toBe('../models/'); // kept as given: the lazy half resolves it against the page when it loads
    expect(o.recommend.url).toBe('/m/manifest.json');
    expect(resolveOptions({ recommend: { url: 'https://cdn.test/m.json' } }).recommend.url).toBe('https://cdn.test/m.json');
    expect(() => resolveOptions({ recommend: { url: '/m/manifest.json' } })).toThrow(/"recommend.url" must be a URL/);
  });
});

describe('the lazy half resolving URL options', () => {
  it('a model.url that no longer resolves when the half loads (the page moved to a URL that is no base) is a TypeError naming model.url', () => {
    const opts = resolveOptions({ model: { url: '/models/intent/' } }, 'https://shop.test/');
    expect(modelUrl(opts, 'https://shop.test/p/1', undefined)).toBe('https://shop.test/models/intent/');
    expect(() => modelUrl(opts, 'about:blank', undefined)).toThrow(/^hunch: option "model.url" must be a URL \(got "\/models\/intent\/"\)/);
  });
});

describe('createHunch URL options without a window (SSR)', () => {
  it('resolves relative URL options against assetBase, and names a malformed one', async () => {
    const openStore = async () => createMemoryStore();
    const h = await createHunch({ recommend: { url: 'models/manifest.json' }, model: { url: '../models/intent/' } }, { assetBase: 'file:///srv/app/dist/', openStore });
    await h.dispose();
    await expect(createHunch({ recommend: { url: 'http://[' } }, { assetBase: 'file:///srv/app/dist/', openStore })).rejects.toThrow(/^hunch: option "recommend.url" must be a URL/);
  });
});

describe('createHunch option triggers', () => {
  it('rejects an unknown trigger preset with a TypeError naming the option triggers[i], before opening anything', async () => {
    const openStore = () => {
      throw new Error('must not be reached');
    };
    const p = createHunch({ triggers: ['abandonment', 'nope' as never] }, { openStore });
    await expect(p).rejects.toThrow(TypeError);
    await expect(createHunch({ triggers: ['nope' as never] }, { openStore })).rejects.toThrow(/^hunch: option "triggers\[0\]" is an unknown preset "nope"/);
  });

  it('accepts the known presets', () => {
    expect(resolveOptions({ triggers: ['abandonment', 'ready-to-buy'] }).triggers).toEqual(['abandonment', 'ready-to-buy']);
  });
});
