// A page that defines Array.prototype.toJSON (Prototype.js 1.6 does) makes JSON.stringify(list)
// write a JSON string instead of an array: the next load dropped every spilled event.
import { afterEach, expect, it } from 'vitest';
import type { HunchEvent } from '../../src/events';
import { spillEvents, takeSpilled } from '../../src/spill';

const proto = Array.prototype as unknown as { toJSON?: () => string };
afterEach(() => {
  delete proto.toJSON;
  localStorage.clear();
});

it("spilled events survive a page's Array.prototype.toJSON", () => {
  proto.toJSON = function (this: unknown[]) {
    return JSON.stringify([...this]); // Prototype.js's Array#toJSON returns a string
  };
  const events: HunchEvent[] = [
    { id: 't-1', sessionId: 's', ts: 5, type: 'product_view', itemId: 'a', price: 12 },
    { id: 't-2', sessionId: 's', ts: 6, type: 'add_to_cart', itemId: 'a', price: 12, quantity: 2 },
  ];
  expect(spillEvents(localStorage, 'db', 'tab', events)).toBeDefined();
  delete proto.toJSON; // the next load may or may not have it: what was written must read back as events
  expect(takeSpilled(localStorage, 'db')).toEqual(events);
});
