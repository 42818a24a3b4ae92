/**
 * Builds an in-memory next-item artifact from parsed sessions: the item id table (numeric ids
 * in numeric order, otherwise lexicographic, which keeps the binary compressible) and the
 * sessions as item-index CSR arrays, oldest first.
 */
import type { NextItemArtifact } from '../../src/recommend/artifact';
import { resolveParams, type RankParams } from '../../src/recommend/params';

/** Builds the artifact for `sessions` (store ids, oldest session first). */
export function buildArtifact(sessions: readonly string[][], params: Partial<RankParams> = {}): NextItemArtifact {
  const ids = new Set<string>();
  for (const s of sessions) for (const id of s) ids.add(id);
  const itemIds = [...ids];
  if (itemIds.every((id) => /^\d{1,15}$/.test(id))) itemIds.sort((a, b) => Number(a) - Number(b));
  else itemIds.sort();
  const indexOf = new Map<string, number>();
  itemIds.forEach((id, i) => indexOf.set(id, i));
  let nClicks = 0;
  for (const s of sessions) nClicks += s.length;
  const sessionStart = new Uint32Array(sessions.length + 1);
  const sessionItems = new Uint32Array(nClicks);
  let p = 0;
  sessions.forEach((s, n) => {
    for (const id of s) sessionItems[p++] = indexOf.get(id)!;
    sessionStart[n + 1] = p;
  });
  return { itemIds, sessionStart, sessionItems, params: resolveParams(params), meta: {} };
}

/** The artifact's sessions as item-index arrays (for {@link encodeArtifact}). */
export function artifactSessions(a: NextItemArtifact): Uint32Array[] {
  const out: Uint32Array[] = [];
  for (let s = 0; s + 1 < a.sessionStart.length; s++) out.push(a.sessionItems.subarray(a.sessionStart[s], a.sessionStart[s + 1]));
  return out;
}
