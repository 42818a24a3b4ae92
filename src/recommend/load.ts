/**
 * Loading a served next-item artifact: fetch `manifest.json`, then the binary it names
 * (relative to the manifest URL), decode and index. `fetch` is injected so tests and workers
 * can pass their own; the default is the global one, read at call time (never at import).
 * Decoding and indexing run in slices that yield to the page (`runSliced`), so loading a
 * Diginetica-size model (~400 ms of work) never blocks the main thread for long.
 */
import type { FetchLike } from '../fetch-like.js';
import { runSliced } from '../slice.js';
import { decodeArtifactSteps, type ArtifactManifest } from './artifact.js';
import { createModelSteps, type NextItemModel } from './model.js';

export type { FetchLike } from '../fetch-like.js';

/**
 * Runs one step of a request. `fetch` rejects with a TypeError when the network fails, and so may
 * reading a body: such a failure becomes an Error, so that a TypeError always means what
 * fetching again cannot fix (a malformed artifact). A manifest that is not JSON is a TypeError.
 */
async function request<T>(what: string, url: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof SyntaxError) throw new TypeError(`next-item ${what}: not valid JSON at ${url} (${err.message})`);
    throw new Error(`next-item ${what}: request for ${url} failed (${(err as Error)?.message ?? String(err)})`);
  }
}

/**
 * Loads the model whose manifest is at `manifestUrl` (e.g. `/models/next-item/diginetica/manifest.json`).
 * @throws Error when a request fails (network or HTTP status); TypeError when the artifact is
 *   malformed or no fetch exists.
 */
export async function loadNextItemModel(manifestUrl: string, fetchFn?: FetchLike): Promise<NextItemModel> {
  const f = fetchFn ?? (globalThis.fetch as unknown as FetchLike | undefined);
  if (typeof f !== 'function') throw new TypeError('fetchFn: no fetch available');
  const res = await request('manifest', manifestUrl, () => f(manifestUrl));
  if (!res.ok) throw new Error(`next-item manifest: HTTP ${res.status} for ${manifestUrl}`);
  const manifest = (await request('manifest', manifestUrl, () => res.json())) as ArtifactManifest;
  if (!manifest || typeof manifest.binary !== 'string') throw new TypeError('manifest.binary must be a file name');
  const manifestAbs = new URL(manifestUrl, 'http://localhost/');
  const binAbs = new URL(manifest.binary, manifestAbs);
  // the one request a manifest decides: never to another origin
  if (binAbs.origin !== manifestAbs.origin) throw new TypeError(`manifest.binary must be on the manifest's origin (got ${manifest.binary})`);
  const binUrl = binAbs.href;
  const rel = /^[a-z]+:\/\//i.test(manifestUrl) ? binUrl : binUrl.replace(/^http:\/\/localhost/, '');
  const bin = await request('binary', rel, () => f(rel));
  if (!bin.ok) throw new Error(`next-item binary: HTTP ${bin.status} for ${rel}`);
  const bytes = await request('binary', rel, () => bin.arrayBuffer());
  // One sliced run for both phases, so the slice budget spans the step from one to the other.
  return runSliced(
    (function* () {
      return yield* createModelSteps(yield* decodeArtifactSteps(manifest, bytes));
    })(),
  );
}
