/**
 * Reading and writing next-item artifacts on disk (`models/next-item/<dataset>/manifest.json`
 * + `model.bin`), decoding through the same `decodeArtifact` the browser uses.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeArtifact, type ArtifactManifest, type NextItemArtifact } from '../../src/recommend/artifact';
import { REPO_ROOT } from './data';

/** Default models folder: `<repo>/models/next-item`. */
export const MODELS_DIR = join(REPO_ROOT, 'models', 'next-item');

/** Writes manifest.json and the binary into `dir`; returns their gzipped byte total. */
export function writeArtifact(dir: string, manifest: ArtifactManifest, binary: Uint8Array): number {
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(manifest, null, 1)}\n`;
  writeFileSync(join(dir, 'manifest.json'), json);
  writeFileSync(join(dir, manifest.binary), binary);
  return gzipBytes(Buffer.from(json)) + gzipBytes(binary);
}

/** Gzipped size (level 9) of some bytes: what a browser downloads from a gzip-serving host. */
export function gzipBytes(bytes: Uint8Array): number {
  return gzipSync(bytes, { level: 9 }).length;
}

/** Reads and decodes the artifact in `dir`; also returns the manifest and the gzipped size. */
export function readArtifact(dir: string): { artifact: NextItemArtifact; manifest: ArtifactManifest; bytesGzip: number } {
  const json = readFileSync(join(dir, 'manifest.json'));
  const manifest = JSON.parse(json.toString('utf8')) as ArtifactManifest;
  const binary = readFileSync(join(dir, manifest.binary));
  const artifact = decodeArtifact(manifest, new Uint8Array(binary.buffer, binary.byteOffset, binary.length));
  return { artifact, manifest, bytesGzip: gzipBytes(json) + gzipBytes(binary) };
}
