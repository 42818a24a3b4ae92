/**
 * A tiny typed event emitter (mitt-style). Listener errors are isolated: one throwing listener
 * (or one returning a promise that rejects) never stops the others or the library, and is reported
 * through `onListenerError`. Unlike mitt, adding the same listener twice for a name adds it once.
 */
export type Listener<T> = (payload: T) => void;

/**
 * The checks of `on(name, cb)` and `off(name, cb)` (`method`, default `'on'`, names the call in
 * the message), also used by the script tag's stand-in when no instance could start.
 * @throws TypeError when `name` is not in `names` (when given) or `cb` is not a function
 */
export function checkListener<K>(name: K, cb: unknown, names?: ReadonlyArray<K>, method = 'on'): void {
  if (names && !names.includes(name)) throw new TypeError(`hunch.${method}: unknown event "${String(name)}" (known: ${names.join(', ')})`);
  if (typeof cb !== 'function') throw new TypeError(`hunch.${method}: listener for "${String(name)}" must be a function`);
}

/** A typed emitter over the event map `M`. */
export interface Emitter<M> {
  on<K extends keyof M>(name: K, cb: Listener<M[K]>): void;
  off<K extends keyof M>(name: K, cb: Listener<M[K]>): void;
  emit<K extends keyof M>(name: K, payload: M[K]): void;
  /** Number of listeners for `name`. */
  count<K extends keyof M>(name: K): number;
  clear(): void;
}

/**
 * Creates an emitter. `onListenerError` receives errors thrown by listeners (default: ignore,
 * so the shopper's page never breaks because a store's listener did). With `names`, `on()`
 * refuses any other name (a typo would otherwise listen forever to nothing).
 */
export function createEmitter<M>(onListenerError: (err: unknown) => void = () => {}, names?: ReadonlyArray<keyof M>): Emitter<M> {
  const map = new Map<keyof M, Set<Listener<never>>>();
  return {
    on(name, cb) {
      checkListener(name, cb, names);
      let set = map.get(name);
      if (!set) map.set(name, (set = new Set()));
      set.add(cb as Listener<never>);
    },
    off(name, cb) {
      checkListener(name, cb, names, 'off');
      map.get(name)?.delete(cb as Listener<never>);
    },
    emit(name, payload) {
      const set = map.get(name);
      if (!set) return;
      for (const cb of [...set]) {
        try {
          // an async listener's rejection is reported like a throw, not left unhandled in the page
          ((cb as (p: typeof payload) => unknown)(payload) as Partial<PromiseLike<unknown>> | undefined)?.then?.(undefined, onListenerError);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    count(name) {
      return map.get(name)?.size ?? 0;
    },
    clear() {
      map.clear();
    },
  };
}
