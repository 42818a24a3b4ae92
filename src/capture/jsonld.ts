/**
 * schema.org Product detection in JSON-LD, pure: JSON text in, products out. A page is a product
 * page when a Product node (Product, IndividualProduct, ProductModel, ProductGroup, SomeProducts)
 * is at the top level or in `@graph`; products nested in lists (`ItemList`), offers or
 * `mainEntity` of another page type are listings or references, not a product view.
 */

/** What a product view records from JSON-LD. */
export interface JsonLdProduct {
  itemId: string;
  price?: number;
  categoryId?: string;
}

/** Most products reported from one JSON-LD block (a product page describes one, a group a few dozen). */
export const MAX_PRODUCTS_PER_BLOCK = 50;

const PRODUCT_TYPES = new Set(['Product', 'IndividualProduct', 'ProductModel', 'ProductGroup', 'SomeProducts']);
const ID_FIELDS = ['sku', 'productID', 'gtin13', 'gtin', 'gtin14', 'gtin12', 'gtin8', 'isbn', 'mpn', '@id', 'name'] as const;

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `schema:Product`, `https://schema.org/Product` and `Product` all name Product. */
function localName(t: unknown): string {
  if (typeof t !== 'string') return '';
  const cut = Math.max(t.lastIndexOf('/'), t.lastIndexOf(':'), t.lastIndexOf('#'));
  return t.slice(cut + 1);
}

function isProduct(n: Node): boolean {
  const t = n['@type'];
  return (Array.isArray(t) ? t : [t]).some((x) => PRODUCT_TYPES.has(localName(x)));
}

function scalarString(v: unknown, depth = 0): string | undefined {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  // bounded like offerPrice: hostile nesting must not overflow the stack
  if (depth > 3) return undefined;
  if (isNode(v)) return scalarString(v.name ?? v['@id'] ?? v.value, depth + 1);
  if (Array.isArray(v)) return scalarString(v[0], depth + 1);
  return undefined;
}

function toPrice(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.replace(/[^0-9.\-]/g, '')) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function offerPrice(offers: unknown, depth = 0): number | undefined {
  if (depth > 3) return undefined;
  if (Array.isArray(offers)) {
    for (const o of offers) {
      const p = offerPrice(o, depth + 1);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (!isNode(offers)) return undefined;
  return (
    toPrice(offers.price) ??
    toPrice(offers.lowPrice) ??
    (isNode(offers.priceSpecification) ? toPrice(offers.priceSpecification.price) : undefined) ??
    offerPrice(offers.offers, depth + 1)
  );
}

function toProduct(n: Node): JsonLdProduct | undefined {
  let itemId: string | undefined;
  for (const f of ID_FIELDS) if ((itemId = scalarString(n[f]))) break;
  if (!itemId) return undefined;
  const out: JsonLdProduct = { itemId };
  const price = offerPrice(n.offers);
  if (price !== undefined) out.price = price;
  const category = scalarString(n.category);
  if (category) out.categoryId = category;
  return out;
}

/**
 * Products described by one JSON-LD block, at most {@link MAX_PRODUCTS_PER_BLOCK}. Returns `[]`
 * for invalid JSON or non-product pages; never throws, and stays linear in the block's size.
 */
export function productsFromJsonLd(text: string): JsonLdProduct[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const roots = Array.isArray(data) ? data : [data];
  const nodes: Node[] = [];
  for (const r of roots) {
    if (!isNode(r)) continue;
    nodes.push(r);
    if (Array.isArray(r['@graph'])) for (const g of r['@graph']) if (isNode(g)) nodes.push(g);
  }
  const out: JsonLdProduct[] = [];
  const ids = new Set<string>();
  for (const n of nodes) {
    if (out.length >= MAX_PRODUCTS_PER_BLOCK) break;
    if (!isProduct(n)) continue;
    const p = toProduct(n);
    if (p && !ids.has(p.itemId)) {
      ids.add(p.itemId);
      out.push(p);
    }
  }
  return out;
}
