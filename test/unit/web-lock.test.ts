// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withWebLock } from '../../src/web-lock';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

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

  it('takes the lock where AbortSignal.timeout is missing (Safari 15.4–15.x, Chrome 69–102), and still gives up after waitMs', async () => {
    vi.spyOn(AbortSignal, 'timeout').mockImplementation(() => {
      throw new TypeError('AbortSignal.timeout is not a function');
    });
    // a lock manager that grants one holder at a time
    let tail: Promise<unknown> = Promise.resolve();
    const request = vi.fn((_n: string, _o: { signal: AbortSignal }, cb: () => Promise<unknown>) => {
      const p = tail.then(cb);
      tail = p.catch(() => {});
      return p;
    });
    vi.stubGlobal('navigator', { locks: { request } });
    let inside = 0;
    let most = 0;
    const fn = async () => {
      most = Math.max(most, ++inside);
      await new Promise((r) => setTimeout(r, 10));
      inside--;
      return 'ok';
    };
    expect(await Promise.all([withWebLock('l', fn, 30), withWebLock('l', fn, 30)])).toEqual(['ok', 'ok']);
    expect(request).toHaveBeenCalledTimes(2);
    expect(most).toBe(1);
    // granted: the wait's timer is cleared, the signals never abort
    await new Promise((r) => setTimeout(r, 60));
    expect(request.mock.calls.map((c) => c[1].signal.aborted)).toEqual([false, false]);
    // not granted: aborted after waitMs, then fn runs without the lock
    vi.stubGlobal('navigator', {
      locks: { request: (_n: string, o: { signal: AbortSignal }) => new Promise((_r, reject) => o.signal.addEventListener('abort', () => reject(o.signal.reason))) },
    });
    expect(await withWebLock('l', async () => 'ran', 20)).toBe('ran');
  });
});
