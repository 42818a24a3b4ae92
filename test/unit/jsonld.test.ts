// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { productsFromJsonLd } from '../../src/capture/jsonld';
import { dataRoot } from '../data-root';

describe('productsFromJsonLd', () => {
  it('reads sku, offer price and category', () => {
    const text = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'Product',
      sku: 'SH-42',
      name: 'Trail shoe',
      category: 'Shoes > Running',
      offers: { '@type': 'Offer', price: '89.90', priceCurrency: 'EUR' },
    });
    expect(productsFromJsonLd(text)).toEqual([{ itemId: 'SH-42', price: 89.9, categoryId: 'Shoes > Running' }]);
  });
  it('handles @graph, type arrays, AggregateOffer and productID', () => {
    const text = JSON.stringify({
      '@graph': [
        { '@type': 'BreadcrumbList' },
        { '@type': ['schema:Product', 'Thing'], productID: 'P1', offers: [{ '@type': 'AggregateOffer', lowPrice: 12 }] },
      ],
    });
    expect(productsFromJsonLd(text)).toEqual([{ itemId: 'P1', price: 12 }]);
  });
  it('ignores listings, invalid JSON and other types', () => {
    expect(productsFromJsonLd(JSON.stringify({ '@type': 'ItemList', itemListElement: [{ '@type': 'Product', sku: 'x' }] }))).toEqual([]);
    expect(productsFromJsonLd('{not json')).toEqual([]);
    expect(productsFromJsonLd('null')).toEqual([]);
    expect(productsFromJsonLd(JSON.stringify({ '@type': 'Organization', name: 'x' }))).toEqual([]);
  });

  const file = join(dataRoot(), 'holdout/jsonld/schemaorg-product-examples.json');
  it.skipIf(!existsSync(file))(`agrees with the schema.org examples' expectProductView (needs ${file}; set HUNCH_DATA)`, () => {
    const { examples } = JSON.parse(readFileSync(file, 'utf8')) as { examples: { id: number; expectProductView: boolean; jsonld: unknown }[] };
    expect(examples.length).toBeGreaterThan(10);
    for (const ex of examples) {
      expect({ id: ex.id, found: productsFromJsonLd(JSON.stringify(ex.jsonld)).length > 0 }).toEqual({ id: ex.id, found: ex.expectProductView });
    }
  });
});
