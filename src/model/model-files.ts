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
 * The URL of `file` (a name from the model folder, or a path relative to it; also a runtime file
 * in `model.runtimeUrl`'s folder) inside the folder `url`. The folder's query is carried to each file that has none of its own, so a cache-busting
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
 * `err` as an Error whose message names `url` (appended, unless it names it already): a new Error
 * with `err` as its `cause`, since some errors' messages cannot be written (a `DOMException`'s is a
 * getter: assigning it throws in a module).
 */
export function namingUrl(err: unknown, url: string): Error {
  const message = String((err as Error)?.message ?? err);
  if (err instanceof Error && message.includes(url)) return err;
  return new Error(`${message} (${url})`, { cause: err });
}

/** The error for a dev server's or an SPA host's HTML page answered in place of one of the model's files. */
const htmlAnswer = (file: string) => new Error(`intent model: the server answered with an HTML page (text/html), not ${file} — is model.url right?`);

/** The response's content type, lower case; '' when the fetch gives no headers (the Node tools' file reader). */
function contentType(res: unknown): string {
  try {
    return String((res as { headers?: { get?(name: string): unknown } }).headers?.get?.('content-type') ?? '').toLowerCase();
  } catch {
    return '';
  }
}

/** Fetches `url`. @throws Error naming `url` when the request fails or answers an HTTP error. */
async function fetchOk(fetchFn: FetchLike, url: string): Promise<Awaited<ReturnType<FetchLike>>> {
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetchFn(url);
  } catch (err) {
    throw new Error(`intent model: ${url} could not be fetched (${(err as Error)?.message ?? err})`);
  }
  if (!res.ok) throw new Error(`intent model: ${url} answered HTTP ${res.status}`);
  return res;
}

/**
 * Reads and checks `model.json` from `res`, and the path of its one weights file.
 * @throws Error (not naming the URL: the caller does)
 */
async function readModelJson(res: Awaited<ReturnType<FetchLike>>): Promise<{ modelJson: IntentModelJson; path: string }> {
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    // a dev server (Vite) answers a missing file with the app's index.html, status 200
    throw contentType(res).startsWith('text/html') ? htmlAnswer('model.json') : new Error('intent model: model.json is not valid JSON');
  }
  const modelJson = checkIntentModelJson(raw);
  const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
  if (paths.length !== 1) throw new Error('intent model: model.json must name exactly one weights file');
  return { modelJson, path: paths[0] };
}

/**
 * Fetches `<url>/model.json` and its one weights file (see {@link modelFileUrl} for a query in `url`).
 * The weights are only ever requested from `model.json`'s own origin: a manifest naming another
 * host (`https://tracker.example/w.bin`, `//tracker.example/w.bin`) or scheme (`data:`) is refused
 * before any request, as the next-item loader refuses a foreign `manifest.binary`.
 * @param url absolute folder URL, with or without a trailing slash
 * @throws Error naming the file's URL and the cause: a failed request, the HTTP status, invalid
 *   JSON (an HTML page said as such: a dev server's answer for a missing file), a malformed
 *   `model.json`, a weights manifest that does not name exactly one file or names one on another
 *   origin, or the version mismatch
 */
export async function fetchModelFiles(fetchFn: FetchLike, url: string): Promise<ModelFiles> {
  const modelUrl = modelFileUrl(url, INTENT_FILES.model);
  const res = await fetchOk(fetchFn, modelUrl);
  let modelJson: IntentModelJson;
  let binUrl: string;
  try {
    let path: string;
    ({ modelJson, path } = await readModelJson(res));
    binUrl = modelFileUrl(url, path);
    // the one request model.json decides: never to another origin
    if (!sameOrigin(binUrl, modelUrl)) throw new Error(`intent model: model.json must name its weights on its own origin (got ${path})`);
  } catch (err) {
    throw namingUrl(err, modelUrl);
  }
  const wres = await fetchOk(fetchFn, binUrl);
  try {
    // an SPA host's catch-all page for a missing weights file would decode as weights of its own
    if (contentType(wres).startsWith('text/html')) throw htmlAnswer(binUrl.slice(binUrl.lastIndexOf('/') + 1).split(/[?#]/)[0]);
    return { modelJson, bin: await wres.arrayBuffer() };
  } catch (err) {
    throw namingUrl(err, binUrl);
  }
}
