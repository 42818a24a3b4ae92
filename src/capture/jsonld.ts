/**
 * schema.org Product detection in JSON-LD, pure: JSON text in, products out. A page is a product
 * page when a Product node (Product, IndividualProduct, ProductModel, ProductGroup, SomeProducts)
 * is at the top level or in `@graph`; products nested in lists (`ItemList`), offers or
 * `mainEntity` of another page type are listings or references, not a product view.
 *
 * A ProductGroup (Google's variant markup) is one product view: its id is `productGroupID`
 * (else the usual id fields) and its price the group's own offer, else the lowest price among
 * its `hasVariant` products; its variants are not product views of their own. Offers and
 * variants given as `{ "@id": … }` references to other nodes of the block (as Yoast and other
 * `@graph` emitters write them) are followed. A price string in schema.org's form ("1.500":
 * digits, '.' for the decimal mark) is read as such. Text wrapped in `<!-- -->` or CDATA markers, as
 * browsers and crawlers accept, is unwrapped before parsing.
 */
import { parsePrice } from './price.js';

/** What a product view records from JSON-LD. */
export interface JsonLdProduct {
  itemId: string;
  price?: number;
  categoryId?: string;
}

/** Most products reported from one JSON-LD block (a product page describes one, a group a few dozen). */
export const MAX_PRODUCTS_PER_BLOCK = 50;

const PRODUCT_TYPES = new Set(['Product', 'IndividualProduct', 'ProductModel', 'ProductGroup', 'SomeProducts']);
const ID_FIELDS = ['productGroupID', 'sku', 'productID', 'gtin13', 'gtin', 'gtin14', 'gtin12', 'gtin8', 'isbn', 'mpn', '@id', 'name'] as const;

type Node = Record<string, unknown>;
/** Follows an `{ "@id": … }` reference to the block's node of that id (anything else as it is). */
type Deref = (v: unknown) => unknown;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `schema:Product`, `https://schema.org/Product` and `Product` all name Product. */
function localName(t: unknown): string {
  if (typeof t !== 'string') return '';
  const cut = Math.max(t.lastIndexOf('/'), t.lastIndexOf(':'), t.lastIndexOf('#'));
  return t.slice(cut + 1);
}

/** A node's `@type`s by local name (one type or a list). */
const typesOf = (n: Node): string[] => [n['@type']].flat().map(localName);

const isProduct = (n: Node): boolean => typesOf(n).some((t) => PRODUCT_TYPES.has(t));

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
  // schema.org's price has '.' for its decimal mark ("1.500" KWD is 1.5), other text is read as shops write it
  const n = typeof v === 'number' ? v : typeof v === 'string' ? (/^\d+(\.\d+)?$/.test(v) ? +v : parsePrice(v)) : undefined;
  return n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function offerPrice(ref: Deref, offers: unknown, depth = 0): number | undefined {
  if (depth > 3) return undefined;
  if (Array.isArray(offers)) {
    for (const o of offers) {
      const p = offerPrice(ref, o, depth + 1);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  offers = ref(offers);
  if (!isNode(offers)) return undefined;
  return (
    toPrice(offers.price) ??
    toPrice(offers.lowPrice) ??
    offerPrice(ref, offers.priceSpecification, depth + 1) ??
    offerPrice(ref, offers.offers, depth + 1)
  );
}

/** A ProductGroup's variants, references followed (at most 100 read). */
const variantsOf = (ref: Deref, n: Node) => (Array.isArray(n.hasVariant) ? n.hasVariant.slice(0, 100) : [n.hasVariant]).map(ref).filter(isNode);

function toProduct(ref: Deref, n: Node): JsonLdProduct | undefined {
  let itemId: string | undefined;
  for (const f of ID_FIELDS) if ((itemId = scalarString(n[f]))) break;
  if (!itemId) return undefined;
  const out: JsonLdProduct = { itemId };
  // the group's own offer, else its lowest variant price
  const low = Math.min(...variantsOf(ref, n).map((v) => offerPrice(ref, v.offers) ?? Infinity));
  const price = offerPrice(ref, n.offers) ?? (low < Infinity ? low : undefined);
  if (price !== undefined) out.price = price;
  const category = scalarString(n.category);
  if (category) out.categoryId = category;
  return out;
}

/**
 * JSON text without the `<!-- -->` or CDATA wrappers (`//<![CDATA[ … //]]>`) old templates put
 * around it: for text starting with `<` or `/`, the CDATA markers are dropped and what lies
 * between the first `{`/`[` and the last `}`/`]` is kept.
 */
function unwrap(t: string): string {
  if (!/^\s*[</]/.test(t)) return t;
  t = t.replace(/<!\[CDATA\[|\]\]>/g, '');
  return t.slice(t.search(/[[{]/), Math.max(t.lastIndexOf('}'), t.lastIndexOf(']')) + 1);
}

/**
 * Products described by one JSON-LD block, at most {@link MAX_PRODUCTS_PER_BLOCK}. Returns `[]`
 * for invalid JSON (after calling `onInvalid` with the parse error) or non-product pages; never
 * throws, and stays linear in the block's size.
 */
export function productsFromJsonLd(text: string, onInvalid?: (err: unknown) => void): JsonLdProduct[] {
  let data: unknown;
  try {
    data = JSON.parse(unwrap(text));
  } catch (err) {
    onInvalid?.(err);
    return [];
  }
  const roots = Array.isArray(data) ? data : [data];
  const nodes: Node[] = [];
  for (const r of roots) {
    if (!isNode(r)) continue;
    nodes.push(r);
    if (Array.isArray(r['@graph'])) for (const g of r['@graph']) if (isNode(g)) nodes.push(g);
  }
  const byId = new Map(nodes.map((n) => [n['@id'], n]));
  const ref: Deref = (v) => (isNode(v) && !v['@type'] && typeof v['@id'] === 'string' && byId.get(v['@id'])) || v;
  // a listed group's variants (listed in its hasVariant, or naming it in isVariantOf) are part
  // of its product view, not views of their own
  const groups = new Set(nodes.filter((n) => isProduct(n) && (n.hasVariant || typesOf(n).includes('ProductGroup'))));
  const variants = new Set([...groups].flatMap((g) => variantsOf(ref, g)));
  const out: JsonLdProduct[] = [];
  const ids = new Set<string>();
  for (const n of nodes) {
    if (out.length >= MAX_PRODUCTS_PER_BLOCK) break;
    if (!isProduct(n) || variants.has(n) || groups.has(ref(n.isVariantOf) as Node)) continue;
    const p = toProduct(ref, n);
    if (p && !ids.has(p.itemId)) {
      ids.add(p.itemId);
      out.push(p);
    }
  }
  return out;
}
