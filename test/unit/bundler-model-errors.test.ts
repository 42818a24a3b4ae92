// @vitest-environment node
// Model-load errors name the URL they are about, and a dev server's HTML page (Vite answers a
// missing model.json with index.html, 200 text/html) is said as such, not as "not valid JSON".
import { describe, expect, it } from 'vitest';
import { fetchModel } from './model-fixture';
import { fetchModelFiles, type FetchLike } from '../../src/model/model-files';
import { loadModelPredictor } from '../../src/model/client';

const FOLDER = 'http://localhost:5173/models/intent/';
const MODEL_JSON = `${FOLDER}model.json`;
type Res = Awaited<ReturnType<FetchLike>>;

/** A response with a body that is no JSON, and a content-type header as a browser fetch gives one. */
const page = (type: string | null): Res =>
  ({
    ok: true,
    status: 200,
    headers: new Headers(type ? { 'content-type': type } : {}),
    json: async () => JSON.parse('<!doctype html><html></html>'),
    arrayBuffer: async () => new ArrayBuffer(0),
  }) as Res;

/** The shipped model's files, with `model.json` changed by `edit`. */
const editedModel = (edit: (m: Record<string, unknown>) => void): FetchLike => async (u) => {
  const res = await fetchModel(u);
  if (!u.split('?')[0].endsWith('model.json')) return res;
  const m = (await res.json()) as Record<string, unknown>;
  edit(m);
  return { ...res, json: async () => m };
};

describe('model-load errors', () => {
  it("a text/html answer for model.json says the server sent an HTML page, names the URL, and asks whether model.url is right", async () => {
    const err = await fetchModelFiles(async () => page('text/html; charset=utf-8'), FOLDER).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/HTML page \(text\/html\), not model\.json — is model\.url right\?/);
    expect((err as Error).message).toContain(MODEL_JSON);
    expect((err as Error).message).not.toMatch(/not valid JSON/);
  });

  it('any other unparsable answer is still "not valid JSON", with its URL', async () => {
    for (const type of ['application/json', null]) {
      await expect(fetchModelFiles(async () => page(type), FOLDER)).rejects.toThrow(`intent model: model.json is not valid JSON (${MODEL_JSON})`);
    }
  });

  it('a request that fails (network, CORS) names the URL', async () => {
    const failing: FetchLike = async () => {
      throw new TypeError('Failed to fetch');
    };
    await expect(fetchModelFiles(failing, FOLDER)).rejects.toThrow(`intent model: ${MODEL_JSON} could not be fetched (Failed to fetch)`);
  });

  it('a malformed model.json or weights manifest names model.json', async () => {
    await expect(fetchModelFiles(editedModel((m) => (m.format = 'other')), FOLDER)).rejects.toThrow(new RegExp(`format is not .* \\(${MODEL_JSON.replace(/[.]/g, '\\.')}\\)$`));
    const twoFiles = editedModel((m) => {
      const wm = m.weightsManifest as { paths: string[] }[];
      wm[0].paths = ['a.bin', 'b.bin'];
    });
    await expect(fetchModelFiles(twoFiles, FOLDER)).rejects.toThrow(`model.json must name exactly one weights file (${MODEL_JSON})`);
  });

  it('weights that do not decode, and a fetch past the time limit, name the model folder', async () => {
    const short: FetchLike = async (u) => {
      const res = await fetchModel(u);
      return u.endsWith('weights.bin') ? { ...res, arrayBuffer: async () => new ArrayBuffer(8) } : res;
    };
    await expect(loadModelPredictor({ url: FOLDER, backend: 'cpu', assetBase: undefined, fetch: short })).rejects.toThrow(new RegExp(`truncated .*\\(${FOLDER.replace(/[.]/g, '\\.')}\\)$`));
    const hang: FetchLike = () => new Promise(() => {});
    await expect(loadModelPredictor({ url: FOLDER, backend: 'cpu', assetBase: undefined, fetch: hang, fetchTimeoutMs: 20 })).rejects.toThrow(`fetching the intent model from ${FOLDER} timed out after 20 ms`);
  });

  it("an HTML page answered in place of weights.bin (an SPA host's catch-all) is refused, not decoded as weights", async () => {
    const bin = new Uint8Array(20_000).fill(0x3c); // '<<<…': finite float32s, longer than the weights
    const spa: FetchLike = async (u) => {
      const res = await fetchModel(u);
      if (!u.split('?')[0].endsWith('weights.bin')) return res;
      return { ...res, headers: new Headers({ 'content-type': 'text/html' }), arrayBuffer: async () => bin.buffer } as Res;
    };
    // the old code loaded it (a logit of ~1e34: every shopper "ready to buy")
    await expect(loadModelPredictor({ url: FOLDER, backend: 'cpu', assetBase: undefined, fetch: spa })).rejects.toThrow(/HTML page \(text\/html\), not weights\.bin/);
    // and without a content type, a file longer than model.json describes is refused too
    const long: FetchLike = async (u) => {
      const res = await fetchModel(u);
      return u.split('?')[0].endsWith('weights.bin') ? ({ ...res, arrayBuffer: async () => bin.buffer } as Res) : res;
    };
    await expect(loadModelPredictor({ url: FOLDER, backend: 'cpu', assetBase: undefined, fetch: long })).rejects.toThrow(/weights file is 20000 bytes, not the \d+ model\.json describes/);
  });

  it('a DOMException (read-only message) while reading the weights still gives an error naming the URL, the cause kept', async () => {
    const abort: FetchLike = async (u) => {
      const res = await fetchModel(u);
      return u.split('?')[0].endsWith('weights.bin') ? ({ ...res, arrayBuffer: async () => Promise.reject(new DOMException('The operation was aborted.', 'AbortError')) } as Res) : res;
    };
    const err = (await fetchModelFiles(abort, FOLDER).catch((e: Error) => e)) as Error;
    expect(err.message).toBe(`The operation was aborted. (${FOLDER}weights.bin)`); // the old code: "Cannot set property message …"
    expect((err.cause as DOMException).name).toBe('AbortError');
  });
});
