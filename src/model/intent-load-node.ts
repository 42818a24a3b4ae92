/**
 * Node-only file access for the intent model: read a model folder from disk through the same
 * code path as the browser loader, and write one. Not imported by browser code.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { INTENT_FILES, loadIntentNet, serializeIntentNet, type FetchLike, type IntentModelJson } from './intent-io.js';
import type { IntentWeights } from './intent-net.js';

/** A {@link FetchLike} over `file://` URLs. Missing files answer `ok: false, status: 404`. */
export const fileFetch: FetchLike = async (url) => {
  try {
    const buf = await readFile(new URL(url));
    return {
      ok: true,
      status: 200,
      json: async () => JSON.parse(buf.toString('utf8')) as unknown,
      arrayBuffer: async () => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer,
    };
  } catch {
    return { ok: false, status: 404, json: async () => null, arrayBuffer: async () => new ArrayBuffer(0) };
  }
};

/** Loads a model folder from disk (same checks as {@link loadIntentNet}). */
export function loadIntentNetFromDir(dir: string): Promise<{ weights: IntentWeights; model: IntentModelJson }> {
  return loadIntentNet(fileFetch, pathToFileURL(join(dir, '/')).href);
}

/**
 * Writes `model.json`, `weights.bin` and (when given) `meta.json` into `dir`.
 * @returns the model.json content written and the sizes in bytes
 */
export async function saveIntentNetToDir(
  dir: string,
  weights: IntentWeights,
  meta?: object,
): Promise<{ modelJson: IntentModelJson; bytes: { model: number; weights: number; meta: number } }> {
  await mkdir(dir, { recursive: true });
  const { modelJson, weightsBin } = await serializeIntentNet(weights);
  const modelText = `${JSON.stringify(modelJson)}\n`;
  await writeFile(join(dir, INTENT_FILES.model), modelText);
  await writeFile(join(dir, INTENT_FILES.weights), weightsBin);
  let metaBytes = 0;
  if (meta) {
    const metaText = `${JSON.stringify({ modelVersion: modelJson.modelVersion, ...meta }, null, 2)}\n`;
    await writeFile(join(dir, INTENT_FILES.meta), metaText);
    metaBytes = Buffer.byteLength(metaText);
  }
  return { modelJson, bytes: { model: Buffer.byteLength(modelText), weights: weightsBin.byteLength, meta: metaBytes } };
}
