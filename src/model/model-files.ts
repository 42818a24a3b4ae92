/**
 * Fetches the intent model's files (`model.json` and the weights it names) and checks them, with
 * no TensorFlow.js: used by the main thread, which passes the bytes on to the worker.
 */
import type { FetchLike } from '../fetch-like.js';
import { checkIntentModelJson, INTENT_FILES, type IntentModelJson } from './intent-format.js';

export type { FetchLike } from '../fetch-like.js';

/** The model's files as fetched. */
export interface ModelFiles {
  modelJson: IntentModelJson;
  bin: ArrayBuffer;
}

/**
 * The URL of `file` (a name from the model folder, or a path relative to it) inside the folder
 * `url`. The folder's query is carried to each file that has none of its own, so a cache-busting
 * `…/intent/?v=3` reaches `model.json` and `weights.bin` alike; its hash is dropped (never sent).
 * @param url absolute folder URL, with or without a trailing slash on its path
 * @throws Error when `url` is not an absolute URL
 */
export function modelFileUrl(url: string, file: string): string {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new Error(`intent model: ${url} is not an absolute URL`);
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const u = new URL(file, base);
  if (!u.search) u.search = base.search;
  u.hash = '';
  return u.href;
}

/**
 * Whether two absolute URLs share scheme, host and port. Unlike `URL.origin` this also tells
 * `file:` from `data:` (both have the opaque origin "null"), for the Node tools' `file:` folders.
 */
function sameOrigin(a: string, b: string): boolean {
  const [x, y] = [new URL(a), new URL(b)];
  return x.protocol === y.protocol && x.host === y.host;
}

/**
 * Fetches `<url>/model.json` and its one weights file (see {@link modelFileUrl} for a query in `url`).
 * The weights are only ever requested from `model.json`'s own origin: a manifest naming another
 * host (`https://tracker.example/w.bin`, `//tracker.example/w.bin`) or scheme (`data:`) is refused
 * before any request, as the next-item loader refuses a foreign `manifest.binary`.
 * @param url absolute folder URL, with or without a trailing slash
 * @throws Error naming the file and HTTP status, invalid JSON, a malformed `model.json`, a
 *   weights manifest that does not name exactly one file or names one on another origin, or the
 *   version mismatch
 */
export async function fetchModelFiles(fetchFn: FetchLike, url: string): Promise<ModelFiles> {
  const modelUrl = modelFileUrl(url, INTENT_FILES.model);
  const res = await fetchFn(modelUrl);
  if (!res.ok) throw new Error(`intent model: ${modelUrl} answered HTTP ${res.status}`);
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    throw new Error(`intent model: ${modelUrl} is not valid JSON`);
  }
  const modelJson = checkIntentModelJson(raw);
  const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
  if (paths.length !== 1) throw new Error('intent model: model.json must name exactly one weights file');
  const binUrl = modelFileUrl(url, paths[0]);
  // the one request model.json decides: never to another origin
  if (!sameOrigin(binUrl, modelUrl)) {
    throw new Error(`intent model: model.json must name its weights on its own origin (got ${paths[0]})`);
  }
  const wres = await fetchFn(binUrl);
  if (!wres.ok) throw new Error(`intent model: ${binUrl} answered HTTP ${wres.status}`);
  return { modelJson, bin: await wres.arrayBuffer() };
}
