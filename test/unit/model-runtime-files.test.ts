// @vitest-environment node
// The model's files as the runtime gets them: where they are fetched from (model.url with a query
// or hash) and what a malformed model.json fails with.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fetchModelFiles, modelFileUrl } from '../../src/model/model-files';
import { checkIntentModelJson } from '../../src/model/intent-format';

const dir = new URL('../../models/intent/', import.meta.url);
const modelJson = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8'));
const bin = readFileSync(new URL('weights.bin', dir));

/** A fetch serving the committed model at any folder (query and hash ignored), recording the URLs asked for. */
function serve(json: unknown = modelJson) {
  const urls: string[] = [];
  const fetch = async (u: string) => {
    urls.push(u);
    const name = new URL(u).pathname.split('/').pop();
    const body = name === 'model.json' ? JSON.stringify(json) : name === 'weights.bin' ? bin : undefined;
    return { ok: !!body, status: body ? 200 : 404, json: async () => JSON.parse(String(body)), arrayBuffer: async () => new Uint8Array(bin).buffer };
  };
  return { urls, fetch };
}

describe('model file URLs', () => {
  it("a folder URL's query reaches model.json and the weights (a cache-busting ?v=3); its hash is dropped", async () => {
    const s = serve();
    await fetchModelFiles(s.fetch, 'https://cdn.example/models/intent/?v=3#x'); // was …/intent/?v=3#x/model.json
    expect(s.urls).toEqual(['https://cdn.example/models/intent/model.json?v=3', 'https://cdn.example/models/intent/weights.bin?v=3']);
  });

  it('a folder without a trailing slash, with or without a query', () => {
    expect(modelFileUrl('https://cdn.example/m', 'model.json')).toBe('https://cdn.example/m/model.json');
    expect(modelFileUrl('https://cdn.example/m?v=3', 'weights.bin')).toBe('https://cdn.example/m/weights.bin?v=3');
    expect(modelFileUrl('https://cdn.example/m/', 'w/weights.bin?h=1')).toBe('https://cdn.example/m/w/weights.bin?h=1'); // a path's own query wins
  });

  it('a URL that is not absolute fails naming it', () => {
    expect(() => modelFileUrl('/models/intent/', 'model.json')).toThrow('intent model: /models/intent/ is not an absolute URL');
  });
});

describe('a malformed model.json', () => {
  const group = modelJson.weightsManifest[0];
  const cases: Array<[string, unknown, RegExp]> = [
    ['without modelVersion (state and heads are stored under it)', { ...modelJson, modelVersion: undefined }, /modelVersion must be a non-empty string/],
    ['with an empty modelVersion', { ...modelJson, modelVersion: '' }, /modelVersion must be a non-empty string/],
    ['with a hidden size that is no whole number', { ...modelJson, hidden: 'x' }, /hidden size x is not a whole number/],
    ['with a manifest object instead of a list', { ...modelJson, weightsManifest: group }, /weightsManifest must be a non-empty list of weight groups/],
    ['with an empty manifest', { ...modelJson, weightsManifest: [] }, /weightsManifest must be a non-empty list/],
    ['with a group without weights', { ...modelJson, weightsManifest: [{ paths: group.paths }] }, /weightsManifest \[0\]\.weights must be a list/],
    ['with a group without paths', { ...modelJson, weightsManifest: [{ weights: group.weights }] }, /weightsManifest \[0\]\.paths must be a list of file names/],
    ['with a weight without a name', { ...modelJson, weightsManifest: [{ ...group, weights: [{ shape: [1], dtype: 'float32' }] }] }, /weightsManifest \[0\]\.weights\[0\] has no name/],
    ['with a shape of strings', { ...modelJson, weightsManifest: [{ ...group, weights: group.weights.map((w: { shape: number[] }) => ({ ...w, shape: w.shape.map(String) })) }] }, /\[0\]\.weights\[0\] \(intent\/gates\/kernel\): shape must be a list of whole numbers/],
    ['with a weight without dtype', { ...modelJson, weightsManifest: [{ ...group, weights: [{ name: 'a', shape: [1] }] }] }, /\(a\): dtype must be a string/],
  ];
  it.each(cases)('%s fails with a clear intent model: message', async (_name, json, message) => {
    expect(() => checkIntentModelJson(json)).toThrow(message);
    const s = serve(json);
    await expect(fetchModelFiles(s.fetch, 'https://cdn.example/m/')).rejects.toThrow(/^intent model: /); // as the client loads it (decodeJsNet runs after this check)
  });

  it('the committed model passes', () => {
    expect(checkIntentModelJson(modelJson).modelVersion).toMatch(/^1\.1-[0-9a-f]{8}$/);
  });
});
