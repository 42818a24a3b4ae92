/**
 * When the intent service writes a session's carried state: at most once a second while events
 * come (at once when the last save is older, else by a trailing timer). From `pagehide` on,
 * nothing is written until that timer runs: Chromium evicts a page from the back/forward cache
 * when it wrote the state at or after its `pagehide` (also within the `pagehide` task) and the
 * next page of the store touches it, and a cached page runs no timers until it is restored. What
 * the page had not saved yet (the last second's updates) is not written by that timer either: a
 * page restored from the cache is told so (`pageshow`, `IntentService.pageRestored`) before the
 * timer runs, and its state, which other pages may have gone past, is not written; its next
 * update reads the saved state and the stored events after it again and saves the result. A page
 * that is unloaded never runs the timer. Either way the events of those updates are stored, and
 * the next read resumes from the last saved state and the session's stored events after it
 * (`intent-resume.ts`), as after a crash.
 */
import type { SessionState } from './model/session-state.js';
import type { Store } from './store/types.js';

/**
 * Persist the session state at most this often, ms: at once when the last save is older, else
 * by a trailing timer, so the state is saved about a second after the last event at the latest
 * (not only on `pagehide`, whose write a page being torn down may lose).
 */
export const PERSIST_EVERY_MS = 1000;

/** What the saver needs from the intent service. */
export interface StateSaverDeps {
  /** Storage, or undefined while consent does not allow storing. */
  store(): Promise<Store> | undefined;
  /** The meta key the state is written under. */
  key: string;
  /** ms since the epoch. */
  now(): number;
  /** The state to write; undefined while there is none, or while it must not be written (a restore under way). */
  state(): SessionState | undefined;
  /** Resolves after the updates queued so far are applied. */
  queued(): Promise<void>;
  /** Whether the service was disposed (a trailing save then writes nothing). */
  disposed(): boolean;
}

/** The saver of one intent service. */
export interface StateSaver {
  /** The carried state changed: the next save writes it. */
  touch(): void;
  /** The carried state needs no write (forgotten, or just read from storage). */
  clean(): void;
  /** Writes the state now when it changed since the last write (a failed write is tried again later). */
  save(): Promise<void>;
  /** After an update: {@link save} at once when the last save is older than {@link PERSIST_EVERY_MS}, else by the trailing timer. */
  afterUpdate(): Promise<void>;
  /**
   * `pagehide`: nothing is written now; what changed and the updates still queued are saved by the
   * trailing save only, {@link PERSIST_EVERY_MS} from now, never at once. A page frozen in the
   * back/forward cache runs that timer once it runs again, after `pageshow` has withheld its
   * state (`StateSaverDeps.state` undefined until the session is read again): it then writes nothing.
   */
  leaving(): void;
  /** Resolves once the trailing save scheduled now (if any) has written. */
  pending(): Promise<void>;
  /** Drops the trailing save (a forget, or dispose). */
  cancel(): void;
}

/** Creates the saver. */
export function createStateSaver(d: StateSaverDeps): StateSaver {
  let dirty = false;
  let lastPersist = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let trailing: Promise<void> | undefined;
  let done: (() => void) | undefined;

  const save = async () => {
    if (!dirty) return; // before asking for the store: nothing to write must not open (or recreate) it
    const state = d.state();
    if (!state) return;
    const store = d.store();
    if (!store) return;
    dirty = false;
    lastPersist = d.now();
    try {
      await (await store).setMeta(d.key, state);
    } catch {
      dirty = true; // storage trouble is reported by the writer; try again later
    }
  };
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = trailing = undefined;
    done?.();
  };
  const schedule = () => {
    if (timer !== undefined) return;
    const wait = Math.min(PERSIST_EVERY_MS, Math.max(0, PERSIST_EVERY_MS - (d.now() - lastPersist)));
    trailing = new Promise<void>((resolve) => {
      done = resolve;
      timer = setTimeout(() => {
        timer = trailing = undefined;
        if (d.disposed()) return resolve();
        void d.queued().then(save).then(resolve);
      }, wait);
    });
  };

  return {
    touch: () => void (dirty = true),
    clean: () => void (dirty = false),
    save,
    async afterUpdate() {
      if (d.now() - lastPersist >= PERSIST_EVERY_MS) await save();
      else if (dirty) schedule();
    },
    leaving() {
      lastPersist = d.now();
      cancel(); // a trailing save due sooner might write before the page is frozen
      if (dirty) schedule();
    },
    pending: () => trailing ?? Promise.resolve(),
    cancel,
  };
}
