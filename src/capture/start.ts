/**
 * Auto-capture's wiring: page views, JSON-LD products and dwell from `navigation.ts`, marked-up
 * clicks and forms from `dom.ts`. Capture produces events and never throws into the page: an
 * event that fails validation becomes one `error` through `error`.
 */
import type { EventProps, EventType, HunchEvent } from '../events.js';
import { boundedScrub, MAX_LENGTH } from '../validate-event.js';
import { captureDom } from './dom.js';
import { captureNavigation } from './navigation.js';

/** Where captured events go. */
export interface CaptureSink {
  /** Records an event the capture built itself (page view, dwell). */
  record(type: HunchEvent['type'], props: EventProps & { dwellMs?: number }): void;
  /** Validates and records an event read from the page (throws TypeError on bad input). */
  track(type: EventType, props?: EventProps): void;
  error(err: unknown): void;
}

/**
 * Starts auto-capture on `win`.
 * @returns the functions that stop it
 */
export function startCapture(win: Window, sink: CaptureSink, now: () => number): Array<() => void> {
  const url = (u: string) => boundedScrub(u, MAX_LENGTH.url, 'id', true);
  return [
    captureNavigation(
      win,
      {
        pageView: (u) => sink.record('page_view', { url: url(u) }),
        productView: (p) => {
          try {
            sink.track('product_view', p);
          } catch (err) {
            sink.error(err);
          }
        },
        dwell: (u, ms) => sink.record('dwell', { url: url(u), dwellMs: Math.round(ms) }),
        error: sink.error,
      },
      now,
    ),
    captureDom(win.document, sink),
  ];
}
