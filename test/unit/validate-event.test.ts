// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/events';
import { MAX_LENGTH, validateEvent } from '../../src/validate-event';

describe('validateEvent', () => {
  it('accepts every event type with valid props', () => {
    for (const t of EVENT_TYPES) {
      expect(validateEvent(t, { itemId: 'sku-1', price: 9.5, quantity: 2, categoryId: 'shoes' })).toEqual({
        type: t,
        props: { itemId: 'sku-1', price: 9.5, quantity: 2, categoryId: 'shoes' },
      });
    }
  });

  it.each([
    ['buy', undefined, /"type"/],
    ['add_to_cart', { price: NaN }, /"price"/],
    ['add_to_cart', { price: -1 }, /"price"/],
    ['add_to_cart', { price: Infinity }, /"price"/],
    ['add_to_cart', { price: '9' }, /"price"/],
    ['add_to_cart', { quantity: 1.5 }, /"quantity"/],
    ['add_to_cart', { quantity: 0 }, /"quantity"/],
    ['add_to_cart', { itemId: {} }, /"itemId"/],
    ['add_to_cart', { itemId: '' }, /"itemId"/],
    ['search', { query: 42 }, /"query"/],
    ['page_view', { itemID: 'x' }, /"itemID" is not a known prop/],
    ['page_view', 'x', /"props"/],
    ['page_view', [1], /"props"/],
    ['page_view', new Date(), /"props"/],
  ])('rejects %s %o with a TypeError naming the field', (type, props, msg) => {
    expect(() => validateEvent(type, props)).toThrow(TypeError);
    expect(() => validateEvent(type, props)).toThrow(msg);
  });

  it('rejects prototype-pollution keys and never pollutes', () => {
    const evil = JSON.parse('{"__proto__": {"polluted": true}, "itemId": "a"}');
    expect(() => validateEvent('product_view', evil)).toThrow(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => validateEvent('product_view', { constructor: 'x' })).toThrow(/constructor/);
  });

  it('scrubs and bounds strings', () => {
    const { props } = validateEvent('search', { query: 'mail me at a.b@example.com ' + 'z'.repeat(10_000), url: 'https://s.com/p?email=a@b.com' });
    expect(props.query).not.toContain('@');
    expect(props.query!.length).toBeLessThanOrEqual(MAX_LENGTH.query);
    expect(props.url).toBe('https://s.com/p?email=');
  });

  it('a long id is cut at its last break before the limit; one with no break is refused saying it is too long (not "empty")', () => {
    const url = `https://shop.example/${'c/'.repeat(150)}item-42`;
    expect(validateEvent('product_view', { itemId: url }).props.itemId).toBe(url.slice(0, MAX_LENGTH.itemId).slice(0, url.slice(0, MAX_LENGTH.itemId).lastIndexOf('/')));
    expect(() => validateEvent('product_view', { itemId: 'A'.repeat(300) })).toThrow(/"itemId" is too long \(no break to cut at\)/);
  });

  it('a string that scrubbing makes longer (short emails become longer tags) still keeps the limit', () => {
    const { props } = validateEvent('search', { query: 'a@b.co '.repeat(36), itemId: 'x@y.io/'.repeat(36) });
    expect(props.query!.length).toBeLessThanOrEqual(MAX_LENGTH.query);
    expect(props.itemId!.length).toBeLessThanOrEqual(MAX_LENGTH.itemId);
    expect(props.query).not.toContain('@');
    expect(props.query!.length).toBeGreaterThan(100);
  });

  it('accepts numeric ids as strings', () => {
    expect(validateEvent('product_view', { itemId: 1004856 }).props.itemId).toBe('1004856');
  });
});
