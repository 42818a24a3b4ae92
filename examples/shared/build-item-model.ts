/**
 * Builds the demo store's item model (`examples/shared/item-model/`) for `hunch.recommend()`:
 * a next-item artifact over the 12 demo products, from simulated shopper sessions (the same
 * seeded scenarios the dashboard plays), since a hand-made demo shop has no real history.
 * Committed output; rerun after changing the catalog or the scenarios:
 *   npx tsx examples/shared/build-item-model.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeArtifact } from '../../src/recommend/artifact';
import { DEFAULT_PARAMS } from '../../src/recommend/params';
import { writeArtifact } from '../../tools/next-item/io';

/** Simulated sessions per scenario (seeds 1..N). */
const PER_SCENARIO = 150;

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
const catalog = JSON.parse(readFileSync(here('./catalog.json'), 'utf8')) as { products: { id: string }[] };
// The scenarios are the dashboard's plain-JS module; a computed specifier keeps tsc out of it.
const scenariosUrl = new URL('../dashboard/scenarios.js', import.meta.url).href;
const { SCENARIOS, buildScenario } = (await import(scenariosUrl)) as {
  SCENARIOS: { id: string }[];
  buildScenario(id: string, c: unknown, seed: number): { type: string | null; props: { itemId?: string } }[];
};

const itemIds = catalog.products.map((p) => p.id).sort();
const index = new Map(itemIds.map((id, i) => [id, i]));
const sessions: number[][] = [];
for (let seed = 1; seed <= PER_SCENARIO; seed++) {
  for (const { id } of SCENARIOS) {
    const clicks = buildScenario(id, catalog, seed)
      .filter((s) => s.type === 'product_view' || s.type === 'add_to_cart')
      .map((s) => index.get(s.props.itemId ?? '') ?? -1)
      .filter((i) => i >= 0);
    if (clicks.length > 1) sessions.push(clicks);
  }
}
const { manifest, binary } = encodeArtifact({
  itemIds,
  sessions,
  params: DEFAULT_PARAMS,
  meta: { source: 'simulated demo sessions (examples/dashboard/scenarios.js)', sessions: sessions.length },
});
const bytes = writeArtifact(here('./item-model'), manifest, binary);
console.log(`item model: ${itemIds.length} items, ${sessions.length} sessions, ${bytes} bytes gzipped`);
