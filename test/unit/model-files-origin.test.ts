// @vitest-environment node
// The one request model.json decides (where its weights are fetched from) never leaves its origin,
// as the next-item loader's manifest.binary may not: a model.json naming a tracker's URL is refused
// before any request is made to it.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fetchModelFiles } from '../../src/model/model-files';

const dir = new URL('../../models/intent/', import.meta.url);
const modelJson = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8'));
const bin = readFileSync(new URL('weights.bin', dir));

/** The committed model.json with its one weights path replaced by `path`. */
function naming(path: string) {
  return { ...modelJson, weightsManifest: [{ ...modelJson.weightsManifest[0], paths: [path] }] };
}

/** A fetch answering model.json with `json` and any other URL with the committed weights, recording every URL asked for. */
function serve(json: unknown) {
  const urls: string[] = [];
  const fetch = async (u: string) => {
    urls.push(u);
    return { ok: true, status: 200, json: async () => json, arrayBuffer: async () => new Uint8Array(bin).buffer };
  };
  return { urls, fetch };
}

describe('the weights URL model.json names', () => {
  it.each([
    ['an absolute URL on another host', 'https://tracker.example/w.bin'],
    ['a protocol-relative URL', '//tracker.example/w.bin'],
    ['another port of the same host', 'https://shop.example:8443/models/intent/weights.bin'],
    ['another scheme of the same host', 'http://shop.example/models/intent/weights.bin'],
    ['a data: URL', 'data:application/octet-stream;base64,AAAA'],
  ])('%s is refused before it is requested', async (_name, path) => {
    const s = serve(naming(path));
    await expect(fetchModelFiles(s.fetch, 'https://shop.example/models/intent/?v=3')).rejects.toThrow(
      `intent model: model.json must name its weights on its own origin (got ${path})`,
    );
    expect(s.urls).toEqual(['https://shop.example/models/intent/model.json?v=3']); // model.json only
  });

  it.each([
    ['a file name', 'weights.bin', 'https://shop.example/models/intent/weights.bin?v=3'],
    ['a sub-folder path', 'w/weights.bin', 'https://shop.example/models/intent/w/weights.bin?v=3'],
    ['a path up the tree', '../shared/weights.bin', 'https://shop.example/models/shared/weights.bin?v=3'],
    ['an absolute path', '/cdn/weights.bin', 'https://shop.example/cdn/weights.bin?v=3'],
    ['an absolute URL', 'https://shop.example/other/weights.bin', 'https://shop.example/other/weights.bin?v=3'],
  ])('%s on the same origin is fetched', async (_name, path, expected) => {
    const s = serve(naming(path));
    await fetchModelFiles(s.fetch, 'https://shop.example/models/intent/?v=3');
    expect(s.urls).toEqual(['https://shop.example/models/intent/model.json?v=3', expected]);
  });

  it('a file: folder (the Node tools) loads its weights beside it, and is refused a foreign one', async () => {
    const folder = pathToFileURL('/srv/models/intent/').href;
    const ok = serve(modelJson);
    await fetchModelFiles(ok.fetch, folder);
    expect(ok.urls).toEqual([`${folder}model.json`, `${folder}weights.bin`]);
    const bad = serve(naming('https://tracker.example/w.bin'));
    await expect(fetchModelFiles(bad.fetch, folder)).rejects.toThrow(/on its own origin/);
    expect(bad.urls).toEqual([`${folder}model.json`]);
  });
});
