/**
 * Fetches the intent model's files (`model.json` and the weights it names) and checks them, with
 * no TensorFlow.js: used by the main thread, which passes the bytes on to the worker.
 */
import { checkIntentModelJson, INTENT_FILES, type IntentModelJson } from './intent-format.js';

/** The part of `fetch` the loaders use. */
export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; arrayBuffer(): Promise<ArrayBuffer> }>;

/** The model's files as fetched. */
export interface ModelFiles {
  modelJson: IntentModelJson;
  bin: ArrayBuffer;
}

/**
 * Fetches `<url>/model.json` and its weights file.
 * @throws Error naming the file and HTTP status, invalid JSON, or the version mismatch
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
  const path = modelJson.weightsManifest?.[0]?.paths?.[0];
  if (typeof path !== 'string') throw new Error('intent model: model.json names no weights file');
  const wres = await fetchFn(base + path);
  if (!wres.ok) throw new Error(`intent model: ${base + path} answered HTTP ${wres.status}`);
  return { modelJson, bin: await wres.arrayBuffer() };
}
