// The script-tag entry in a DOM: it defines window.hunch even where an element with id="hunch"
// already put itself on window (HTML's named access), and only once.
import { describe, expect, it, vi } from 'vitest';

describe('script-tag entry', () => {
  it('an element with id="hunch" does not stop it; a second copy of the tag keeps the first instance', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const el = document.createElement('div');
    el.id = 'hunch';
    document.body.append(el);
    (window as unknown as { hunch: unknown }).hunch = el; // what named access gives in a browser
    await import('../../src/script-tag');
    const g = (window as unknown as { hunch: { ready: Promise<unknown>; track: unknown; dispose(): Promise<void> } }).hunch;
    expect(g).not.toBe(el);
    expect(typeof g.track).toBe('function');
    const h = await g.ready;
    expect(h).toBe(g);
    vi.resetModules();
    await import('../../src/script-tag'); // loaded twice: the first global stays
    expect((window as unknown as { hunch: unknown }).hunch).toBe(g);
    await g.dispose();
  });
});
