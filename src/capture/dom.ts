/**
 * Capture from marked-up elements: clicks on `[data-hunch-event]` (add_to_cart, remove_from_cart,
 * begin_checkout, purchase, product_view) with `data-hunch-item`, `-price`, `-category`,
 * `-quantity`; submits of `form[data-hunch-event="search"]` (query from the input named by
 * `data-hunch-query`, else the first search/text input) and of forms marked with another event
 * (`<form data-hunch-event="add_to_cart" data-hunch-item=…>`: recorded on submit, not on the
 * click of its button). Marked elements inside open shadow roots count. Listeners are passive,
 * never cancel the page's own behaviour, and never throw into the page.
 */
import { isEventType, type EventProps, type EventType } from '../events.js';
import { parsePrice } from './price.js';

/** Where captured events go. `track` may throw (invalid markup); errors go to `error`. */
export interface CaptureSink {
  track(type: EventType, props: EventProps): void;
  error(err: unknown): void;
}

/**
 * Parses a number attribute such as "19.99", "$1,299.00", "19,90 €", "Price: $19.90" or
 * "2 items" with {@link parsePrice}: undefined when absent or when its digits are no readable
 * number (the field is then left out, the event kept); NaN when it holds no digit at all
 * ("free"), which is invalid markup.
 */
export function parseNumberAttr(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  return /\d/.test(v) ? parsePrice(v) : NaN;
}

/**
 * Reads the event props of a marked-up element. `unreadable` hears each `data-hunch-price` /
 * `-quantity` attribute whose digits could not be read (left out of the props).
 */
export function propsFromElement(el: HTMLElement, unreadable?: (attr: string, value: string) => void): EventProps {
  const d = el.dataset;
  const props: EventProps = {};
  if (d.hunchItem) props.itemId = d.hunchItem;
  if (d.hunchCategory) props.categoryId = d.hunchCategory;
  for (const field of ['price', 'quantity'] as const) {
    const attr = `data-hunch-${field}`;
    const raw = el.getAttribute(attr) ?? undefined;
    const n = parseNumberAttr(raw);
    if (n !== undefined) props[field] = n;
    else if (raw?.trim()) unreadable?.(attr, raw);
  }
  return props;
}

function searchQuery(form: HTMLFormElement): string | undefined {
  const named = form.dataset.hunchQuery;
  const input = (named ? form.elements.namedItem(named) : form.querySelector('input[type="search"], input[type="text"], input:not([type])')) as HTMLInputElement | null;
  const v = input && typeof input.value === 'string' ? input.value.trim() : '';
  return v || undefined;
}

/** Starts DOM capture on `doc`; returns a function that stops it. */
export function captureDom(doc: Document, sink: CaptureSink): () => void {
  // a click on a <label> makes the browser click its control too, in the same task: that
  // second, synthetic click is not the shopper's and is skipped
  let labelled: EventTarget | null = null;
  // `submit` does not leave a shadow root: the roots the shopper clicks or types in get a listener
  // of their own (added once: the DOM ignores a second identical one), left in place and idle once
  // stopped, so that no root, page or link is kept alive here. Those roots keep that listener and
  // what it closes over: stopping lets go of the sink (no closure here reads `sink` itself), so
  // that a stopped capture does not keep its instance alive
  let out: CaptureSink | undefined = sink;
  const opts = { capture: true, passive: true };
  // a shadow root is a fragment (node type 11) with a host; <a> and <area> have a `host` too
  const watch = (n: Node | null | undefined) => n?.nodeType === 11 && (n as ShadowRoot).host && n.addEventListener('submit', onSubmit, opts);
  /** Watches the shadow roots on the event's path; returns the path. */
  const watchRoots = (ev: Event) => {
    const path = ev.composedPath();
    path.forEach((n) => watch(n as Node));
    return path;
  };
  const record = (to: CaptureSink, el: HTMLElement, type: string | undefined) => {
    // search is the event of a form's submit, not of a click
    if (!isEventType(type) || (type === 'search' && el.tagName !== 'FORM')) throw new TypeError(`hunch capture: data-hunch-event="${String(type).slice(0, 40)}" is not a clickable event type`);
    to.track(
      type,
      propsFromElement(el, (attr, value) => to.error(new TypeError(`hunch capture: ${attr}="${value.slice(0, 40)}" is not a number; recorded without it`))),
    );
  };

  const onClick = (ev: Event) => {
    const to = out;
    if (!to) return;
    try {
      const path = watchRoots(ev);
      const target = path[0] as Element | undefined;
      if (target && target === labelled) {
        labelled = null;
        return;
      }
      // the innermost marked element, also inside open shadow roots
      const el = path.find((n) => (n as Element).hasAttribute?.('data-hunch-event')) as HTMLElement | undefined;
      // a form's event is recorded on submit
      if (!el || el.tagName === 'FORM') return;
      const label = typeof target?.closest === 'function' ? (target.closest('label') as HTMLLabelElement | null) : null;
      if (label?.control && label.control !== target && el.contains(label.control)) {
        // a marked control inside `el`: the click the label sends it records the control's own event
        if (label.control.closest('[data-hunch-event]') !== el) return;
        labelled = label.control;
        setTimeout(() => (labelled = null), 0);
      }
      record(to, el, el.dataset.hunchEvent);
    } catch (err) {
      to.error(err);
    }
  };
  const onSubmit = (ev: Event) => {
    const to = out;
    if (!to) return;
    try {
      const form = ev.target as HTMLFormElement | null;
      // a light-DOM form slotted into a shadow root passes that root too: only its own root records it
      if (!form || form.tagName !== 'FORM' || !form.dataset.hunchEvent || ev.currentTarget !== form.getRootNode()) return;
      if (form.dataset.hunchEvent !== 'search') return record(to, form, form.dataset.hunchEvent);
      const query = searchQuery(form);
      if (query) to.track('search', { query });
    } catch (err) {
      to.error(err);
    }
  };
  const onFocus = (ev: Event) => {
    try {
      watchRoots(ev);
    } catch (err) {
      out?.error(err);
    }
  };
  doc.addEventListener('click', onClick, opts);
  doc.addEventListener('focusin', onFocus, opts);
  doc.addEventListener('submit', onSubmit, opts);
  // a field inside shadow roots that had focus before capture started: no focusin will tell
  for (let el = doc.activeElement; el?.shadowRoot; el = el.shadowRoot.activeElement) watch(el.shadowRoot);
  return () => {
    out = undefined; // (`labelled` is let go by its own timer)
    doc.removeEventListener('click', onClick, opts);
    doc.removeEventListener('focusin', onFocus, opts);
    doc.removeEventListener('submit', onSubmit, opts);
  };
}
