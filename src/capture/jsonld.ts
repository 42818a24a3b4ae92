/**
 * schema.org Product detection in JSON-LD, pure: JSON text in, products out. A page is a product
 * page when a Product node (Product, IndividualProduct, ProductModel, ProductGroup, SomeProducts)
 * is at the top level or in `@graph`; the items of an `ItemList` (inline or by reference),
 * offers' items and a Product nested as the `mainEntity` of a page are listings or references,
 * not a product view (as the schema.org examples' own expectations have it, e.g. an ItemPage with
 * its Product nested inline; the same Product written as its own `@graph` node counts).
 *
 * A ProductGroup (Google's variant markup) is one product view: its id is `productGroupID`
 * (else the usual id fields) and its price the group's own offer, else the lowest price among
 * its variants (its `hasVariant` products and those naming it in `isVariantOf`), which are not
 * product views of their own. Offers, variants, list items and main entities given as
 * `{ "@id": … }` references to other nodes of the block (as Yoast and other `@graph` emitters
 * write them) are followed. A price
 * string in schema.org's form ("1.500": digits, '.' for the decimal mark) is read as such. Text wrapped in `<!-- -->` or CDATA markers, as
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

const ID_FIELDS = ['productGroupID', 'sku', 'productID', 'gtin13', 'gtin', 'gtin14', 'gtin12', 'gtin8', 'isbn', 'mpn', '@id', 'name'] as const;

type Node = Record<string, unknown>;
/** Follows an `{ "@id": … }` reference to the block's node of that id (anything else as it is). */
type Deref = (v: unknown) => unknown;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * True when one of the node's `@type`s (one type or a list) matches `type`, which names types by
 * local name: `schema:Product`, `https://schema.org/Product` and `Product` all name Product.
 */
const is = (n: Node, type: RegExp) => [n['@type']].flat().some((t) => type.test(t as string));

const isProduct = (n: Node) => is(n, /(^|[/:#])(Product|IndividualProduct|ProductModel|ProductGroup|SomeProducts)$/);

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

/** The nodes `v` names (one or a list), references followed. */
const nodesIn = (ref: Deref, v: unknown) => [v].flat().map(ref).filter(isNode);

function toProduct(ref: Deref, n: Node, variants: Node[]): JsonLdProduct | undefined {
  let itemId: string | undefined;
  for (const f of ID_FIELDS) if ((itemId = scalarString(n[f]))) break;
  if (!itemId) return undefined;
  const out: JsonLdProduct = { itemId };
  // the group's own offer, else its lowest variant price
  const price = offerPrice(ref, n.offers) ?? variants.reduce((m, v) => Math.min(m, offerPrice(ref, v.offers) ?? m), Infinity);
  if (price < Infinity) out.price = price;
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
  const nodes = [data].flat().filter(isNode);
  for (const r of nodes.slice()) for (const g of [r['@graph']].flat()) if (isNode(g)) nodes.push(g);
  const byId = new Map(nodes.map((n) => [n['@id'], n]));
  const ref: Deref = (v) => (isNode(v) && !v['@type'] && typeof v['@id'] === 'string' && byId.get(v['@id'])) || v;
  // the variants of a product (in its hasVariant, or naming it in isVariantOf) are part of its
  // product view, and the items of an ItemList are a listing: neither is a view of its own
  const variants = new Map(nodes.map((n) => [n, nodesIn(ref, n.hasVariant)]));
  const listed = new Set<unknown>();
  for (const n of nodes) {
    variants.get(ref(n.isVariantOf) as Node)?.push(n);
    // an ItemList, also one nested as a page's mainEntity (a CollectionPage), lists its items
    for (const l of [n, ...nodesIn(ref, n.mainEntity)]) if (is(l, /(^|[/:#])ItemList$/)) for (const e of nodesIn(ref, l.itemListElement)) listed.add(e).add(ref(e.item));
  }
  for (const v of [...variants.values()].flat()) listed.add(v);
  const out: JsonLdProduct[] = [];
  const ids = new Set<string>();
  for (const n of nodes) {
    if (out.length >= MAX_PRODUCTS_PER_BLOCK) break;
    if (!isProduct(n) || listed.has(n)) continue;
    const p = toProduct(ref, n, variants.get(n)!);
    if (p && !ids.has(p.itemId)) {
      ids.add(p.itemId);
      out.push(p);
    }
  }
  return out;
}
