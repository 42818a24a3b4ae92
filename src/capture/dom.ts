/**
 * Capture from marked-up elements: clicks on `[data-hunch-event]` (add_to_cart, remove_from_cart,
 * begin_checkout, purchase, product_view) with `data-hunch-item`, `-price`, `-category`,
 * `-quantity`, and submits of `form[data-hunch-event="search"]` (query from the input named by
 * `data-hunch-query`, else the first search/text input). Listeners are passive, never cancel the
 * page's own behaviour, and never throw into the page.
 */
import { isEventType, type EventProps, type EventType } from '../events.js';

/** Where captured events go. `track` may throw (invalid markup); errors go to `error`. */
export interface CaptureSink {
  track(type: EventType, props: EventProps): void;
  error(err: unknown): void;
}

/** Parses a number attribute such as "19.99", "$1,299.00" or "2"; undefined when absent. */
export function parseNumberAttr(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.replace(/[^0-9.\-eE]/g, ''));
  return Number.isFinite(n) ? n : NaN;
}

/** Reads the event props of a marked-up element. */
export function propsFromElement(el: HTMLElement): EventProps {
  const d = el.dataset;
  const props: EventProps = {};
  if (d.hunchItem) props.itemId = d.hunchItem;
  if (d.hunchCategory) props.categoryId = d.hunchCategory;
  const price = parseNumberAttr(d.hunchPrice);
  if (price !== undefined) props.price = price;
  const qty = parseNumberAttr(d.hunchQuantity);
  if (qty !== undefined) props.quantity = qty;
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
  const onClick = (ev: Event) => {
    try {
      const target = ev.target as Element | null;
      const el = target && typeof target.closest === 'function' ? (target.closest('[data-hunch-event]') as HTMLElement | null) : null;
      if (!el || el.tagName === 'FORM') return;
      const type = el.dataset.hunchEvent;
      if (!isEventType(type) || type === 'search') {
        sink.error(new TypeError(`hunch capture: data-hunch-event="${String(type).slice(0, 40)}" is not a clickable event type`));
        return;
      }
      sink.track(type, propsFromElement(el));
    } catch (err) {
      sink.error(err);
    }
  };
  const onSubmit = (ev: Event) => {
    try {
      const form = ev.target as HTMLFormElement | null;
      if (!form || form.tagName !== 'FORM' || form.dataset.hunchEvent !== 'search') return;
      const query = searchQuery(form);
      if (query) sink.track('search', { query });
    } catch (err) {
      sink.error(err);
    }
  };
  doc.addEventListener('click', onClick, { capture: true, passive: true });
  doc.addEventListener('submit', onSubmit, { capture: true, passive: true });
  return () => {
    doc.removeEventListener('click', onClick, { capture: true });
    doc.removeEventListener('submit', onSubmit, { capture: true });
  };
}
