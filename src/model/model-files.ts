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
 * Fetches `<url>/model.json` and its one weights file.
 * @param url folder URL, with or without a trailing slash
 * @throws Error naming the file and HTTP status, invalid JSON, a weights manifest that does not
 *   name exactly one file, or the version mismatch
 */
export async function fetchModelFiles(fetchFn: FetchLike, url: string): Promise<ModelFiles> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const res = await fetchFn(base + INTENT_FILES.model);
  if (!res.ok) throw new Error(`intent model: ${base + INTENT_FILES.model} answered HTTP ${res.status}`);
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    throw new Error(`intent model: ${base + INTENT_FILES.model} is not valid JSON`);
  }
  const modelJson = checkIntentModelJson(raw);
  const paths = (modelJson.weightsManifest ?? []).flatMap((g) => g.paths ?? []);
  const path = paths[0];
  if (paths.length !== 1 || typeof path !== 'string') throw new Error('intent model: model.json must name exactly one weights file');
  const wres = await fetchFn(base + path);
  if (!wres.ok) throw new Error(`intent model: ${base + path} answered HTTP ${wres.status}`);
  return { modelJson, bin: await wres.arrayBuffer() };
}
