// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withWebLock } from '../../src/web-lock';

afterEach(() => vi.unstubAllGlobals());

describe('withWebLock', () => {
  it('runs fn holding the named lock and returns its result', async () => {
    const names: string[] = [];
    vi.stubGlobal('navigator', { locks: { request: (name: string, _o: unknown, cb: () => Promise<unknown>) => (names.push(name), cb()) } });
    expect(await withWebLock('hunch:x', async () => 42)).toBe(42);
    expect(names).toEqual(['hunch:x']);
  });

  it('a failing fn rejects once and is never run again without the lock', async () => {
    let runs = 0;
    vi.stubGlobal('navigator', { locks: { request: (_n: string, _o: unknown, cb: () => Promise<unknown>) => cb() } });
    await expect(withWebLock('l', async () => (runs++, Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
    expect(runs).toBe(1);
  });

  it('runs without the lock where it cannot be asked for, or is not granted in time', async () => {
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(new DOMException('opaque origin', 'SecurityError')) } });
    expect(await withWebLock('l', async () => 'ran')).toBe('ran');
    // a page that holds the lock and never lets go: the request is aborted after waitMs, then fn runs
    vi.stubGlobal('navigator', {
      locks: {
        request: (_n: string, o: { signal: AbortSignal }) => new Promise((_r, reject) => o.signal.addEventListener('abort', () => reject(o.signal.reason))),
      },
    });
    const t0 = Date.now();
    expect(await withWebLock('l', async () => 'ran', 30)).toBe('ran');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    vi.stubGlobal('navigator', undefined);
    expect(await withWebLock('l', async () => 'no api')).toBe('no api');
  });
});
