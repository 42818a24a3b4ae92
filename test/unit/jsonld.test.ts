// @vitest-environment node
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { productsFromJsonLd } from '../../src/capture/jsonld';
import { parsePrice } from '../../src/capture/price';
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

  it.each([
    ['19,99', 19.99],
    ['1.299,00', 1299],
    ['1 299,00 €', 1299],
    ['1,299.00', 1299],
    [19.99, 19.99],
  ])('reads the offer price %j as %d', (price, expected) => {
    expect(productsFromJsonLd(JSON.stringify({ '@type': 'Product', sku: 'P', offers: { price } }))).toEqual([{ itemId: 'P', price: expected }]);
  });

  it('reads a price string in schema.org form with "." as its decimal mark, also with three decimals ("1.500" KWD is 1.5, not 1500)', () => {
    for (const [price, expected] of [['1.500', 1.5], ['12.250', 12.25], ['0.500', 0.5], ['1299', 1299]] as const) {
      expect(productsFromJsonLd(JSON.stringify({ '@type': 'Product', sku: 'K', offers: { price, priceCurrency: 'KWD' } }))).toEqual([{ itemId: 'K', price: expected }]);
    }
  });

  it('takes the first priced priceSpecification of a list; an unreadable price is no price', () => {
    const spec = [{ '@type': 'UnitPriceSpecification', priceType: 'ListPrice' }, { '@type': 'UnitPriceSpecification', price: '24,50' }];
    expect(productsFromJsonLd(JSON.stringify({ '@type': 'Product', sku: 'P', offers: { priceSpecification: spec } }))).toEqual([{ itemId: 'P', price: 24.5 }]);
    expect(productsFromJsonLd(JSON.stringify({ '@type': 'Product', sku: 'P', offers: { price: 'on request' } }))).toEqual([{ itemId: 'P' }]);
  });

  it('a ProductGroup is one product: productGroupID with the lowest variant price', () => {
    const group = {
      '@type': 'ProductGroup',
      name: 'Wool coat',
      productGroupID: 'COAT-44',
      variesBy: 'https://schema.org/size',
      hasVariant: [
        { '@type': 'Product', sku: 'COAT-44-M', offers: { price: '129.00' } },
        { '@type': 'Product', sku: 'COAT-44-S', offers: { price: 119 } },
      ],
    };
    expect(productsFromJsonLd(JSON.stringify(group))).toEqual([{ itemId: 'COAT-44', price: 119 }]);
  });

  it('follows @id references in @graph: an offer given by reference has its price', () => {
    const ld = { '@context': 'https://schema.org', '@graph': [{ '@type': 'WebPage', '@id': '#page' }, { '@type': 'Product', '@id': '#p', sku: 'MUG-1', offers: [{ '@id': '#o' }] }, { '@type': 'Offer', '@id': '#o', priceSpecification: { price: '22.00' } }] };
    expect(productsFromJsonLd(JSON.stringify(ld))).toEqual([{ itemId: 'MUG-1', price: 22 }]);
    // an offer without @type or @id is read as it is, never swapped for another node
    expect(productsFromJsonLd(JSON.stringify({ '@graph': [{ name: 'no id' }, { '@type': 'Product', sku: 'X', offers: { price: 5 } }] }))).toEqual([{ itemId: 'X', price: 5 }]);
  });

  it('a ProductGroup whose variants are separate @graph nodes (by reference, or naming it in isVariantOf) is still one product view', () => {
    const variant = (sku: string, price: number, extra = {}) => ({ '@type': 'Product', '@id': `#${sku}`, sku, offers: { '@type': 'Offer', price }, ...extra });
    const byRef = { '@graph': [{ '@type': 'ProductGroup', '@id': '#g', productGroupID: 'G1', hasVariant: [{ '@id': '#G1-S' }, { '@id': '#G1-M' }] }, variant('G1-S', 20), variant('G1-M', 25)] };
    expect(productsFromJsonLd(JSON.stringify(byRef))).toEqual([{ itemId: 'G1', price: 20 }]);
    const backRef = { '@graph': [{ '@type': 'ProductGroup', '@id': '#g', productGroupID: 'G2', offers: { price: 30 } }, variant('G2-S', 30, { isVariantOf: { '@id': '#g' } })] };
    expect(productsFromJsonLd(JSON.stringify(backRef))).toEqual([{ itemId: 'G2', price: 30 }]);
    // a variant page whose group is not in the block is still that product's view
    expect(productsFromJsonLd(JSON.stringify(variant('G3-S', 9, { isVariantOf: { '@id': 'https://shop.example/g3#group' } })))).toEqual([{ itemId: 'G3-S', price: 9 }]);
  });

  it('a ProductGroup whose variants name it only in isVariantOf has their lowest price', () => {
    const ld = {
      '@graph': [
        { '@type': 'ProductGroup', '@id': '#g', productGroupID: 'G' },
        { '@type': 'Product', '@id': '#v1', sku: 'V1', isVariantOf: { '@id': '#g' }, offers: { price: 30 } },
        { '@type': 'Product', '@id': '#v2', sku: 'V2', isVariantOf: { '@id': '#g' }, offers: { price: 20 } },
      ],
    };
    expect(productsFromJsonLd(JSON.stringify(ld))).toEqual([{ itemId: 'G', price: 20 }]);
  });

  it('a listing is no product view however its graph is written: an ItemList whose items are @id references', () => {
    const ld = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'CollectionPage', '@id': '#page', mainEntity: { '@id': '#list' } },
        { '@type': 'ItemList', '@id': '#list', itemListElement: [{ '@type': 'ListItem', position: 1, item: { '@id': '#p1' } }, { '@id': '#p2' }] },
        { '@type': 'Product', '@id': '#p1', sku: 'P1' },
        { '@type': 'Product', '@id': '#p2', sku: 'P2' },
      ],
    };
    expect(productsFromJsonLd(JSON.stringify(ld))).toEqual([]);
  });

  it("an ItemList nested as a page's mainEntity lists its items by @id: no product views (it reported every listed product)", () => {
    const list = { '@type': 'ItemList', itemListElement: [{ '@type': 'ListItem', position: 1, item: { '@id': '#p1' } }, { '@type': 'ListItem', position: 2, item: { '@id': '#p2' } }] };
    const graph = (page: object) => JSON.stringify({ '@context': 'https://schema.org', '@graph': [page, { '@type': 'Product', '@id': '#p1', sku: 'p1', offers: { price: '10' } }, { '@type': 'Product', '@id': '#p2', sku: 'p2', offers: { price: '20' } }] });
    expect(productsFromJsonLd(graph({ '@type': 'CollectionPage', mainEntity: list }))).toEqual([]);
    expect(productsFromJsonLd(graph(list))).toEqual([]);
  });

  it('a Product nested inline as the mainEntity of a page is no product view (the schema.org examples expect none); as its own @graph node it is one', () => {
    const product = { '@type': 'Product', sku: 'M1', offers: { price: 5 } };
    for (const type of ['ItemPage', 'WebPage']) {
      expect(productsFromJsonLd(JSON.stringify({ '@context': 'https://schema.org', '@type': type, mainEntity: product }))).toEqual([]);
      const byRef = { '@graph': [{ '@type': type, mainEntity: { '@id': '#m' } }, { ...product, '@id': '#m' }] };
      expect(productsFromJsonLd(JSON.stringify(byRef))).toEqual([{ itemId: 'M1', price: 5 }]);
    }
  });

  it('unwraps HTML-comment and CDATA wrappers; reports what still does not parse', () => {
    const ld = JSON.stringify({ '@type': 'Product', sku: 'W' });
    for (const text of [`<!-- ${ld} -->`, `//<![CDATA[\n${ld}\n//]]>`, `/*<![CDATA[*/${ld}/*]]>*/`, `<!--\n//<![CDATA[\n${ld}\n//]]>\n-->`]) {
      expect({ text, out: productsFromJsonLd(text) }).toEqual({ text, out: [{ itemId: 'W' }] });
    }
    const bad: unknown[] = [];
    expect(productsFromJsonLd('{"@type":"Product","sku":"W",}', (e) => bad.push(e))).toEqual([]);
    expect(bad).toHaveLength(1);
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

describe('parsePrice', () => {
  it.each([
    ['1,299.00', 1299],
    ['1.299,00', 1299],
    ['19,99', 19.99],
    ['€19,99', 19.99],
    ['1 299,00 €', 1299],
    ['1\u00a0299,00\u00a0€', 1299],
    ["CHF 1'299.50", 1299.5],
    ['$1,299', 1299],
    ['1,299', 1299],
    ['19.90 EUR', 19.9],
    ['Price: $19.90', 19.9],
    ['0.299', 0.299],
    ['.99', 0.99],
    ['₹1,00,000', 100000],
    ['1.299.000', 1299000],
    ['2 items', 2],
    ['10', 10],
    ['1299.000', 1299],
    ['1299.500', 1299.5],
    ['12345,000', 12345],
    ['CHF 1\u2019299.50', 1299.5],
    ['1\u2009299,00 €', 1299],
    ['999,000', 999000],
  ])('%j → %d', (text, expected) => {
    expect(parsePrice(text)).toBe(expected);
  });

  it.each(['', 'free', '-5', '1.2.3', '19.90 20.00', '1,2,3', '1.299,000,00', '12345,678,901'])('%j → undefined (no price rather than a wrong one)', (text) => {
    expect(parsePrice(text)).toBeUndefined();
  });

  it.each([
    ['Rs.499', 499],
    ['kr.499', 499],
    ['Dhs.250', 250],
    ['Rs.1,299', 1299],
    ['Rs.1,299.00', 1299],
    ['No.5', 5],
    ['€.99', 0.99],
  ])('a currency abbreviation\'s dot is no decimal mark: %j → %d', (text, expected) => {
    expect(parsePrice(text)).toBe(expected);
  });

  it.each(['-$5.00', '-€19,99', '−5,00 €', '–5', '$-5'])('a negative price %j (minus before the number or its currency sign) → undefined', (text) => {
    expect(parsePrice(text)).toBeUndefined();
  });
});
