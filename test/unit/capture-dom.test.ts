/**
 * Marked-up element capture in happy-dom, with a recording sink: number attributes written as
 * shops write them, label clicks, annotated forms and elements inside open shadow roots.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureDom, parseNumberAttr } from '../../src/capture/dom';
import type { EventProps } from '../../src/events';

let events: Array<[string, EventProps]>;
let errors: string[];
let stop: () => void;

beforeEach(() => {
  events = [];
  errors = [];
  stop = captureDom(document, { track: (t, p) => events.push([t, p]), error: (e) => errors.push(String((e as Error).message)) });
});
afterEach(() => {
  stop();
  document.body.innerHTML = '';
});

const click = (html: string, sel: string) => {
  document.body.innerHTML = html;
  (document.querySelector(sel) as HTMLElement).click();
};

describe('data-hunch-price and -quantity', () => {
  it.each([
    ['19,90 €', 19.9],
    ['19.90 EUR', 19.9],
    ['Price: $19.90', 19.9],
    ['$1,299.00', 1299],
    ['1.299,00 €', 1299],
  ])('price %j → %d, the event kept', (price, expected) => {
    click(`<button data-hunch-event="add_to_cart" data-hunch-item="S" data-hunch-price="${price}" data-hunch-quantity="2 items">Add</button>`, 'button');
    expect(events).toEqual([['add_to_cart', { itemId: 'S', price: expected, quantity: 2 }]]);
    expect(errors).toEqual([]);
  });

  it('digits that read as no number leave the field out, keep the event and say why', () => {
    click(`<button data-hunch-event="add_to_cart" data-hunch-item="S" data-hunch-price="19.90 20.00" data-hunch-quantity="1.2.3">Add</button>`, 'button');
    expect(events).toEqual([['add_to_cart', { itemId: 'S' }]]);
    expect(errors).toEqual([expect.stringMatching(/data-hunch-price="19.90 20.00" is not a number; recorded without it/), expect.stringMatching(/data-hunch-quantity/)]);
  });

  it('parseNumberAttr: absent → undefined, no digit at all → NaN (invalid markup)', () => {
    expect(parseNumberAttr(undefined)).toBeUndefined();
    expect(parseNumberAttr('  ')).toBeUndefined();
    expect(parseNumberAttr('free')).toBeNaN();
    expect(parseNumberAttr('2 items')).toBe(2);
  });
});

describe('clicks', () => {
  it('a click on a label inside a marked element is one event, not two (the label also clicks its input)', () => {
    click(`<label data-hunch-event="add_to_cart" data-hunch-item="GIFTWRAP" data-hunch-price="3"><input type="checkbox"> <span id="t">Gift wrap</span></label>`, '#t');
    expect(events).toEqual([['add_to_cart', { itemId: 'GIFTWRAP', price: 3 }]]);
  });

  it('a <label for> outside the marked control still records the control once', () => {
    click(`<label for="ins" id="l">Insurance</label><input id="ins" type="checkbox" data-hunch-event="add_to_cart" data-hunch-item="INS">`, '#l');
    expect(events).toEqual([['add_to_cart', { itemId: 'INS' }]]);
  });

  it('two separate clicks on the same label are two events', async () => {
    click(`<label data-hunch-event="add_to_cart" data-hunch-item="G"><input type="checkbox"> <span id="t">x</span></label>`, '#t');
    await new Promise((r) => setTimeout(r, 1));
    (document.querySelector('#t') as HTMLElement).click();
    expect(events).toHaveLength(2);
  });

  it('a click on a label whose control is marked inside another marked element records the control\'s event only', () => {
    click(`<div data-hunch-event="product_view" data-hunch-item="P1"><label><input type="checkbox" data-hunch-event="add_to_cart" data-hunch-item="WARRANTY"> <span id="t">Add warranty</span></label></div>`, '#t');
    expect(events).toEqual([['add_to_cart', { itemId: 'WARRANTY' }]]);
  });

  it('finds the marked element inside an open shadow root', () => {
    const host = document.createElement('div');
    document.body.append(host);
    host.attachShadow({ mode: 'open' }).innerHTML = '<button data-hunch-event="add_to_cart" data-hunch-item="SHADOW"><span>Add</span></button>';
    (host.shadowRoot!.querySelector('span') as HTMLElement).click();
    expect(events).toEqual([['add_to_cart', { itemId: 'SHADOW' }]]);
  });
});

describe('forms', () => {
  const submit = (html: string) => {
    document.body.innerHTML = html;
    const form = document.querySelector('form')!;
    (form.querySelector('button') as HTMLElement).click();
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  };

  it('a marked add_to_cart form is recorded once on submit, not also on its button click', () => {
    submit(`<form data-hunch-event="add_to_cart" data-hunch-item="F1" data-hunch-price="12,50" action="javascript:void 0"><button type="button">Add</button></form>`);
    expect(events).toEqual([['add_to_cart', { itemId: 'F1', price: 12.5 }]]);
  });

  it.each([
    ['clicked', (b: HTMLElement) => b.click()],
    ['typed in', (b: HTMLElement) => b.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }))],
  ])('forms inside an open shadow root are recorded on submit too (a field or button %s first)', (_, touch) => {
    const host = document.createElement('div');
    document.body.append(host);
    host.attachShadow({ mode: 'open' }).innerHTML = `<form data-hunch-event="search" action="javascript:void 0"><input type="search" value="cups"><button type="button">Go</button></form>`;
    const form = host.shadowRoot!.querySelector('form')!;
    touch(form.querySelector('button')!);
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })); // not composed: it stays in the shadow root
    expect(events).toEqual([['search', { query: 'cups' }]]);
  });

  it('search forms still record their query', () => {
    submit(`<form data-hunch-event="search" action="javascript:void 0"><input type="search" value="mugs"><button type="button">Go</button></form>`);
    expect(events).toEqual([['search', { query: 'mugs' }]]);
  });

  it('a link clicked or focused is no shadow root: it gets no listener and is not kept (<a> has a `host` too)', () => {
    document.body.innerHTML = '<a href="https://shop.example/p/1" id="a">tile</a>';
    const a = document.getElementById('a')!;
    const added = vi.spyOn(a, 'addEventListener');
    a.click();
    a.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    expect(added).not.toHaveBeenCalled();
  });

  it('a search field in a shadow root that had focus before capture started records its submit', () => {
    stop();
    const host = document.createElement('div');
    document.body.append(host);
    host.attachShadow({ mode: 'open' }).innerHTML = `<form data-hunch-event="search" action="javascript:void 0"><input type="search" value="boots"></form>`;
    const form = host.shadowRoot!.querySelector('form')!;
    form.querySelector('input')!.focus();
    stop = captureDom(document, { track: (t, p) => events.push([t, p]), error: (e) => errors.push(String((e as Error).message)) });
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    expect(events).toEqual([['search', { query: 'boots' }]]);
  });

  it('a shadow root watched before stop records nothing after it', () => {
    const host = document.createElement('div');
    document.body.append(host);
    host.attachShadow({ mode: 'open' }).innerHTML = `<form data-hunch-event="search" action="javascript:void 0"><input type="search" value="cups"><button type="button">Go</button></form>`;
    const form = host.shadowRoot!.querySelector('form')!;
    form.querySelector('button')!.click();
    stop();
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    expect(events).toEqual([]);
  });
});
