/**
 * The next-item artifact a store serves as two static files: `manifest.json` (format, counts,
 * tuned ranking parameters, section table) and `model.bin` (the training sessions, compactly
 * encoded, plus the item id table). Ranking reads the sessions directly (session kNN and
 * sequential rules are computed at rank time), so nothing lossy is stored: no quantization is
 * needed and the encode → decode round trip is exact.
 *
 * Binary layout (all little-endian), each section located by `manifest.sections`:
 * - `lengths`: one unsigned LEB128 varint per session, its click count;
 * - `items`: the clicks of all sessions, in order, as uint16 (`itemBytes` 2) or uint32 (4) item
 *   indices into the id table;
 * - `ids`: UTF-8 text, the store's item ids joined by `\n`, index order;
 * - optional `factorCodes` / `factorScales`: item factors for per-user taste (`factors.ts`), int8
 *   codes (`nItems × dims`) and one float32 scale per item (the only lossy part);
 * - optional `trees`: the tree re-ranker (`trees.ts`), located by `manifest.reranker.section`.
 * Sessions are stored oldest first (the log order); recency is the session index.
 */
import { checkFactors, dequantizeSteps, quantizeFactors, type ItemFactors } from './factors.js';
import { FEATURE_NAMES, LINEAR_FEATURE_NAMES } from './features.js';
import { resolveParams, type RankParams } from './params.js';
import { inChunks, runToEnd } from '../slice.js';
import { checkTrees, decodeTrees, encodeTrees, type TreeReranker } from './trees.js';

/** Learned linear re-ranker of the top `depth` blended candidates (see `features.ts`). */
export interface LinearReranker {
  /** Absent in artifacts written before tree re-rankers existed. */
  kind?: 'linear';
  /** Candidates re-ranked per call (integer ≥ 1). */
  depth: number;
  /** One weight per vote/history feature, in `LINEAR_FEATURE_NAMES` order. */
  weights: number[];
}

/** A learned re-ranker: linear over the vote/history features, or boosted trees over all. */
export type Reranker = LinearReranker | TreeReranker;

/** The manifest's description of a tree re-ranker (the trees are in the binary). */
export interface TreeRerankerManifest {
  kind: 'trees';
  depth: number;
  treeDepth: number;
  nTrees: number;
  /** Feature names the trees were trained on (`FEATURE_NAMES`). */
  features: string[];
  /** Byte range of the `trees` section. */
  section: SectionRange;
}

/** `manifest.format` of a next-item artifact. */
export const ARTIFACT_FORMAT = 'hunch-next-item';
/** `manifest.version` this code writes and reads. */
export const ARTIFACT_VERSION = 1;

/** Byte range of one section of `model.bin`: `[offset, byteLength]`. */
export type SectionRange = [number, number];

/** The JSON manifest (`manifest.json`). */
export interface ArtifactManifest {
  format: typeof ARTIFACT_FORMAT;
  version: number;
  /** Item count (length of the id table). */
  nItems: number;
  /** Session count. */
  nSessions: number;
  /** Click count over all sessions. */
  nClicks: number;
  /** Bytes per item index in the `items` section: 2 or 4. */
  itemBytes: 2 | 4;
  /** Byte ranges of the sections of the binary file. */
  sections: { lengths: SectionRange; items: SectionRange; ids: SectionRange };
  /** Tuned ranking parameters. */
  params: RankParams;
  /** File name of the binary, relative to the manifest. */
  binary: string;
  /** Optional learned re-ranker, with the feature names it was trained on. */
  reranker?: (LinearReranker & { features: string[] }) | TreeRerankerManifest;
  /** Optional item factors: taste settings and the byte ranges of codes and scales. */
  factors?: Omit<ItemFactors, 'vectors'> & { codes: SectionRange; scales: SectionRange };
  /** Free-form provenance (dataset, training time, validation metrics). */
  meta?: Record<string, unknown>;
}

/** Decoded artifact: the sessions in CSR form and the id table. */
export interface NextItemArtifact {
  /** Store item ids; item index `i` is `itemIds[i]`. */
  itemIds: string[];
  /** Session `s` spans `sessionItems[sessionStart[s] .. sessionStart[s + 1])`; length nSessions + 1. */
  sessionStart: Uint32Array;
  /** Item indices of all clicks, session after session, oldest session first. */
  sessionItems: Uint32Array;
  /** Ranking parameters. */
  params: RankParams;
  /** Provenance copied from the manifest. */
  meta: Record<string, unknown>;
  /** Learned re-ranker, when the artifact has one. */
  reranker?: Reranker;
  /** Item factors (dequantized), when the artifact has them. */
  factors?: ItemFactors;
}

/** Input of {@link encodeArtifact}. */
export interface ArtifactInput {
  itemIds: readonly string[];
  /** Sessions as item-index arrays, oldest first. Indices must be < itemIds.length. */
  sessions: readonly ArrayLike<number>[];
  params: RankParams;
  meta?: Record<string, unknown>;
  reranker?: Reranker;
  /** Item factors (quantized to int8 when encoded). */
  factors?: ItemFactors;
  /** Binary file name written into the manifest (default `model.bin`). */
  binary?: string;
}

function writeVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

/**
 * Encodes sessions, ids and parameters into a manifest and a binary.
 * @throws TypeError naming the field when an id contains `\n` or appears twice, an index is out
 *   of range, or a factor is not finite.
 */
export function encodeArtifact(input: ArtifactInput): { manifest: ArtifactManifest; binary: Uint8Array } {
  const { itemIds, sessions } = input;
  const params = resolveParams(input.params);
  for (const id of itemIds) {
    if (typeof id !== 'string' || id.includes('\n')) throw new TypeError(`itemIds: invalid id ${JSON.stringify(id)}`);
  }
  const twice = repeatedId(itemIds);
  if (twice !== undefined) throw new TypeError(`itemIds: ${quoteId(twice)} appears twice (item ids must be distinct)`);
  const nItems = itemIds.length;
  const itemBytes: 2 | 4 = nItems <= 0x10000 ? 2 : 4;
  const lengthBytes: number[] = [];
  let nClicks = 0;
  for (const s of sessions) {
    writeVarint(lengthBytes, s.length);
    nClicks += s.length;
  }
  const items = new Uint8Array(nClicks * itemBytes);
  const view = new DataView(items.buffer);
  let off = 0;
  for (const s of sessions) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (!Number.isInteger(v) || v < 0 || v >= nItems) throw new TypeError(`sessions: item index ${v} out of range`);
      if (itemBytes === 2) view.setUint16(off, v, true);
      else view.setUint32(off, v, true);
      off += itemBytes;
    }
  }
  const ids = new TextEncoder().encode(itemIds.join('\n'));
  const f = input.factors ? checkFactors(input.factors, nItems) : undefined;
  const q = f ? quantizeFactors(f.vectors, f.dims) : undefined;
  const codes = q ? new Uint8Array(q.codes.buffer) : new Uint8Array(0);
  const scales = new Uint8Array(q ? q.scales.length * 4 : 0);
  if (q) q.scales.forEach((v, i) => new DataView(scales.buffer).setFloat32(4 * i, v, true));
  const rr = input.reranker ? checkReranker(input.reranker) : undefined;
  const trees = rr?.kind === 'trees' ? encodeTrees(rr) : new Uint8Array(0);
  const parts = [Uint8Array.from(lengthBytes), items, ids, codes, scales, trees];
  const at: number[] = [];
  let total = 0;
  for (const part of parts) {
    at.push(total);
    total += part.length;
  }
  const binary = new Uint8Array(total);
  parts.forEach((part, i) => binary.set(part, at[i]));
  const manifest: ArtifactManifest = {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    nItems,
    nSessions: sessions.length,
    nClicks,
    itemBytes,
    sections: {
      lengths: [0, lengthBytes.length],
      items: [lengthBytes.length, items.length],
      ids: [lengthBytes.length + items.length, ids.length],
    },
    params,
    binary: input.binary ?? 'model.bin',
    ...(rr ? { reranker: rerankerManifest(rr, [at[5], trees.length]) } : {}),
    ...(f ? { factors: { dims: f.dims, reg: f.reg, alpha: f.alpha, beta: f.beta, codes: [at[3], codes.length], scales: [at[4], scales.length] } } : {}),
    ...(input.meta ? { meta: input.meta } : {}),
  };
  return { manifest, binary };
}

/** The first id that occurs a second time in `ids`, or undefined when all are distinct. */
function repeatedId(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

/**
 * Splits the id table (ids joined by newlines) in steps, checking that it holds `n` ids, none
 * twice. In steps because one `split` and one pass of a Set over a 43,000-item catalogue took
 * 12–46 ms in Node on a 2-core server, several times that on a phone: a long task of its own.
 * @throws TypeError when the table holds another number of ids, or an id twice
 */
function* readIdTable(text: string, n: number): Generator<void, string[]> {
  const ids: string[] = [];
  if (n === 0) return ids;
  const seen = new Set<string>();
  let from = 0;
  yield* inChunks(n, (i0, i1) => {
    for (let i = i0; i < i1; i++) {
      const nl = text.indexOf('\n', from);
      // the last id runs to the end; a newline before the end of an earlier one is missing
      if ((i === n - 1) !== (nl < 0)) throw new TypeError('binary: id table does not match nItems');
      const id = nl < 0 ? text.slice(from) : text.slice(from, nl);
      // a repeated id would be returned twice by rank() and escape `exclude` and purchase exclusion
      if (seen.has(id)) throw new TypeError(`manifest.sections.ids: item id ${quoteId(id)} appears twice in the id table`);
      seen.add(id);
      ids.push(id);
      from = nl + 1;
    }
  });
  return ids;
}

/** An item id for an error message (quoted, at most 80 characters). */
const quoteId = (id: string) => JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id);

function rerankerManifest(rr: Reranker, section: SectionRange): NonNullable<ArtifactManifest['reranker']> {
  if (rr.kind === 'trees') {
    return { kind: 'trees', depth: rr.depth, treeDepth: rr.treeDepth, nTrees: rr.nTrees, features: [...FEATURE_NAMES], section };
  }
  return { ...rr, features: [...LINEAR_FEATURE_NAMES] };
}

function checkFeatureNames(features: unknown, expected: readonly string[]): void {
  if (features !== undefined && JSON.stringify(features) !== JSON.stringify(expected)) {
    throw new TypeError('reranker.features do not match this version of the feature code');
  }
}

/**
 * Validates a re-ranker against this build's features (a tree re-ranker is re-checked through
 * its binary form).
 * @throws TypeError naming the field when depth, weights or trees are malformed, or features differ.
 */
export function checkReranker(r: unknown): Reranker {
  const x = r as (LinearReranker | TreeReranker) & { features?: unknown };
  if (!x || typeof x !== 'object') throw new TypeError('reranker must be an object');
  if (x.kind === 'trees') {
    checkFeatureNames(x.features, FEATURE_NAMES);
    return checkTrees(x);
  }
  if (x.kind !== undefined && x.kind !== 'linear') throw new TypeError('reranker.kind must be "linear" or "trees"');
  if (!Number.isInteger(x.depth) || x.depth < 1) throw new TypeError('reranker.depth must be an integer ≥ 1');
  if (
    !Array.isArray(x.weights) ||
    x.weights.length !== LINEAR_FEATURE_NAMES.length ||
    !x.weights.every((w) => typeof w === 'number' && Number.isFinite(w))
  ) {
    throw new TypeError(`reranker.weights must be ${LINEAR_FEATURE_NAMES.length} finite numbers`);
  }
  checkFeatureNames(x.features, LINEAR_FEATURE_NAMES);
  return { ...(x.kind ? { kind: x.kind } : {}), depth: x.depth, weights: [...x.weights] };
}

function* decodeRerankerSteps(mr: NonNullable<ArtifactManifest['reranker']>, bytes: Uint8Array): Generator<void, Reranker> {
  yield;
  if (!mr || typeof mr !== 'object') throw new TypeError('manifest.reranker must be an object');
  if (mr.kind !== 'trees') return checkReranker(mr);
  checkFeatureNames(mr.features, FEATURE_NAMES);
  const [o, l] = checkRange('reranker.section', mr.section, bytes.length);
  return decodeTrees(bytes.subarray(o, o + l), mr);
}

function checkRange(name: string, r: unknown, size: number): SectionRange {
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !Number.isInteger(r[0]) ||
    !Number.isInteger(r[1]) ||
    r[0] < 0 ||
    r[1] < 0 ||
    r[0] + r[1] > size
  ) {
    throw new TypeError(`manifest.${name.includes('.') ? name : `sections.${name}`} must be [offset, length] inside the binary`);
  }
  return r as SectionRange;
}

/**
 * Decodes a manifest (parsed JSON or a JSON string) and its binary (as fetched).
 * @throws TypeError naming the field when the manifest or binary is malformed.
 */
export function decodeArtifact(manifestJson: unknown, binary: ArrayBuffer | Uint8Array): NextItemArtifact {
  return runToEnd(decodeArtifactSteps(manifestJson, binary));
}

/**
 * {@link decodeArtifact} as a generator that yields every `STEP_UNITS` sessions or clicks,
 * so the browser can decode in slices (`runSliced`) without a long main-thread task.
 */
export function* decodeArtifactSteps(manifestJson: unknown, binary: ArrayBuffer | Uint8Array): Generator<void, NextItemArtifact> {
  const m = (typeof manifestJson === 'string' ? JSON.parse(manifestJson) : manifestJson) as ArtifactManifest;
  if (!m || typeof m !== 'object') throw new TypeError('manifest must be an object');
  if (m.format !== ARTIFACT_FORMAT) throw new TypeError(`manifest.format must be "${ARTIFACT_FORMAT}"`);
  if (m.version !== ARTIFACT_VERSION) throw new TypeError(`manifest.version ${String(m.version)} is not supported`);
  if (m.itemBytes !== 2 && m.itemBytes !== 4) throw new TypeError('manifest.itemBytes must be 2 or 4');
  for (const f of ['nItems', 'nSessions', 'nClicks'] as const) {
    if (!Number.isInteger(m[f]) || m[f] < 0) throw new TypeError(`manifest.${f} must be an integer ≥ 0`);
  }
  const bytes = binary instanceof Uint8Array ? binary : new Uint8Array(binary);
  if (!m.sections || typeof m.sections !== 'object') throw new TypeError('manifest.sections is missing');
  const [lo, ll] = checkRange('lengths', m.sections.lengths, bytes.length);
  const [io, il] = checkRange('items', m.sections.items, bytes.length);
  const [so, sl] = checkRange('ids', m.sections.ids, bytes.length);
  if (il !== m.nClicks * m.itemBytes) throw new TypeError('manifest.sections.items length does not match nClicks');
  // every session takes one varint byte at least: bounds the allocation below by the binary's size
  if (m.nSessions > ll) throw new TypeError(`manifest.nSessions (${m.nSessions}) exceeds the lengths section (${ll} bytes, one per session at least)`);

  const sessionStart = new Uint32Array(m.nSessions + 1);
  let p = lo;
  const end = lo + ll;
  let total = 0;
  yield* inChunks(m.nSessions, (s0, s1) => {
    for (let s = s0; s < s1; s++) {
      let v = 0;
      let shift = 0;
      for (;;) {
        if (p >= end) throw new TypeError('binary: lengths section is truncated');
        const b = bytes[p++];
        v += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) break;
        shift += 7;
      }
      total += v;
      sessionStart[s + 1] = total;
    }
  });
  if (total !== m.nClicks) throw new TypeError('binary: session lengths do not add up to nClicks');

  const sessionItems = new Uint32Array(m.nClicks);
  const view = new DataView(bytes.buffer, bytes.byteOffset + io, il);
  const nItems = m.nItems;
  yield* inChunks(m.nClicks, (i0, i1) => {
    for (let i = i0; i < i1; i++) {
      const v = m.itemBytes === 2 ? view.getUint16(2 * i, true) : view.getUint32(4 * i, true);
      if (v >= nItems) throw new TypeError('binary: item index out of range');
      sessionItems[i] = v;
    }
  });

  const text = new TextDecoder().decode(bytes.subarray(so, so + sl));
  yield;
  const itemIds = yield* readIdTable(text, m.nItems);
  yield;
  return {
    itemIds,
    sessionStart,
    sessionItems,
    params: resolveParams(m.params),
    meta: m.meta ?? {},
    ...(m.reranker ? { reranker: yield* decodeRerankerSteps(m.reranker, bytes) } : {}),
    ...(m.factors ? { factors: yield* decodeFactorsSteps(m.factors, bytes, m.nItems) } : {}),
  };
}

/** Reads the factor sections in steps (`dequantizeSteps`): 43,000 items at 32 dims took 10–20 ms at once. */
function* decodeFactorsSteps(mf: NonNullable<ArtifactManifest['factors']>, bytes: Uint8Array, nItems: number): Generator<void, ItemFactors> {
  if (!mf || typeof mf !== 'object') throw new TypeError('manifest.factors must be an object');
  const dims = mf.dims;
  if (!Number.isInteger(dims) || dims < 1 || dims > 256) throw new TypeError('manifest.factors.dims must be an integer in 1..256');
  const [co, cl] = checkRange('factors.codes', mf.codes, bytes.length);
  const [so, sl] = checkRange('factors.scales', mf.scales, bytes.length);
  if (cl !== nItems * dims || sl !== nItems * 4) throw new TypeError('manifest.factors sections do not match nItems × dims');
  // a view: int8 needs no alignment, and nothing keeps the codes once dequantized
  const codes = new Int8Array(bytes.buffer, bytes.byteOffset + co, cl);
  const view = new DataView(bytes.buffer, bytes.byteOffset + so, sl);
  const scales = new Float32Array(nItems);
  yield;
  yield* inChunks(nItems, (i0, i1) => {
    for (let i = i0; i < i1; i++) {
      scales[i] = view.getFloat32(4 * i, true);
      // one NaN scale would make every taste-blended score NaN
      if (!Number.isFinite(scales[i])) throw new TypeError(`manifest.factors.scales: item ${i}'s scale is ${scales[i]}, not a finite number`);
    }
  });
  yield;
  return yield* dequantizeSteps({ dims, reg: mf.reg, alpha: mf.alpha, beta: mf.beta }, codes, scales, nItems);
}
