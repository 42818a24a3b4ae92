/**
 * The instance: wires options, validation, sessions, the batching writer, the store and capture;
 * the intent and recommendation services load later (`lazy-services.ts`).
 * Browser globals and storage come in as injected dependencies (`HunchDeps`), so unit tests run
 * it with fakes; `createHunch` supplies the real ones.
 */
import { HUNCH_EVENT_NAMES, type Hunch, type HunchEventMap } from './api.js';
import { createProblemReporter } from './problems.js';
import { startCapture } from './capture/start.js';
import { captureFor } from './capture-owner.js';
import { watchPageLifecycle, whenShown } from './page-lifecycle.js';
import { createEmitter } from './emitter.js';
import { defaultWhenIdle, safeLocalStorage } from './browser-env.js';
import { createLazyServices, gone, NO_ITEM_MODEL } from './lazy-services.js';
import type { ServiceMethods } from './start-services.js';
import { takeSpilled } from './spill.js';
import { createRuleSet } from './triggers.js';
import type { EventProps, EventType, HunchEvent, TrackProps } from './events.js';
import { idSequence, randomId } from './ids.js';
import { resolveOptions, validateConsent, type Consent, type HunchOptions, type ResolvedOptions } from './options.js';
import { advanceSession, chooseSession, isLive, type SessionPointer } from './session.js';
import { localPointer, sessionPointer } from './session-pointer.js';
import { deleteIdbStore, openIdbStore } from './store/idb-store.js';
import { reason, validateEvent } from './validate-event.js';
import { VERSION } from './version.js';
import { createStoring, MAX_PENDING_EVENTS } from './storing.js';
import { exportData } from './export-data.js';
import type { HunchDeps } from './deps.js';
import { browserChannel, createTabSync } from './tab-sync.js';
import { createSerialQueue } from './serial.js';

export type { HunchDeps };

/**
 * Creates an instance. Resolves once storage is open or in memory; with consent `'pending'` at once
 * (nothing opens), with `'denied'` once earlier data is erased (or that failed, said as an error).
 * @throws TypeError (rejects) when an option is invalid, naming the option.
 */
export async function createHunch(options?: HunchOptions, deps: HunchDeps = {}): Promise<Hunch> {
  const win = deps.window ?? globalThis.window;
  // relative URL options resolve against the page (the build's folder without one, e.g. SSR)
  return createInstance(resolveOptions(options, win?.location?.href ?? deps.assetBase), deps, win);
}

async function createInstance(opts: ResolvedOptions, deps: HunchDeps, win: Window | undefined): Promise<Hunch> {
  const now = deps.now ?? (() => Date.now());
  const ls = deps.localStorage ?? safeLocalStorage(win);
  const openPersistent = deps.openStore ?? ((dbName: string, hooks?: { deleted(): void }) => openIdbStore({ dbName, onDeleted: hooks?.deleted }));
  const timeoutMs = opts.sessionTimeoutMinutes * 60_000;
  const createdAt = now();

  const emitter = createEmitter<HunchEventMap>((err) => problem('error', 'listener', `a hunch.on() listener threw: ${reason(err)}`), HUNCH_EVENT_NAMES);
  const problems = createProblemReporter(emitter);
  const problem = problems.report;

  let consent: Consent = opts.consent; // the state applied (changeConsent)
  let asked = consent; // the last state asked for, applied or queued: what record() obeys at once
  let disposed = false;
  let disposing: Promise<void> | undefined;
  /** forget() is running. */
  let erasing = false;
  let pendingEvents: HunchEvent[] = [];
  let pointer = sessionPointer(consent, opts.dbName, ls, now);
  let mine: SessionPointer | undefined; // this tab's view of the current session
  const tabId = randomId();
  const nextId = idSequence(tabId);

  const current = (t = now()) => chooseSession(mine, pointer.read(), t, timeoutMs);
  const currentSessionId = () => current()?.id;
  const liveSessionId = (p = current()) => (isLive(p, now(), timeoutMs) ? p.id : undefined);

  /** Unwritten events may be spilled: never without consent, nor while forget() erases (its batches are about to be erased; a later 'pending' keeps them). */
  const mayKeep = () => asked !== 'denied' && !erasing;
  const { slot, retention, stranded, writer, spill } = createStoring({
    dbName: opts.dbName,
    retention: opts.retention,
    ls,
    tabId,
    now,
    open: (hooks) => openPersistent(opts.dbName, hooks),
    remove: deps.deleteStore ? () => deps.deleteStore!(opts.dbName) : deps.openStore ? undefined : () => deleteIdbStore(opts.dbName),
    liveSessionId,
    problem,
    flushed: (count) => emitter.emit('flush', { count }),
    deletedElsewhere: () => forgetHere(),
    mayKeep,
  });

  // the intent half reads stored history only while consent allows storing (and never after dispose)
  const storedHistory = () => (consent !== 'granted' || disposed ? undefined : slot.forReading());

  // the intent half loads when the page is idle (or when intent() is first asked)
  const whenIdle = deps.whenIdle ?? defaultWhenIdle;
  const rules = createRuleSet(opts.triggers);
  const services = createLazyServices({
    deps,
    opts,
    pageUrl: () => win?.location?.href,
    emitter,
    problem,
    store: storedHistory,
    sessionId: currentSessionId,
    openSessionId: liveSessionId,
    sessionStart: () => current()?.start,
    now,
    flush: () => writer.flush(),
    whenIdle,
    rules: () => rules.rules,
    createdAt,
    tabId,
  });
  // (a prerendered page, which may never be shown, waits until it is: intent() may still load it)
  const loadWhenIdle = () => deps.loadIntentModule && whenShown(win, () => whenIdle(() => void (disposed || services.load().catch(() => {}))));
  if (consent !== 'denied') loadWhenIdle();

  const record = (type: HunchEvent['type'], props: EventProps & { dwellMs?: number }) => {
    // nothing while forget() erases (an event would continue the forgotten session and open a new
    // database), nor from the moment dispose() is called (no write may race its closing of the store)
    if (disposing || asked === 'denied' || erasing) return;
    const ts = now();
    const prev = current(ts);
    const { ptr, started } = advanceSession(prev, ts, timeoutMs, randomId);
    mine = ptr;
    // stored only while 'granted' is both asked for and applied; otherwise held, and the session
    // pointer not written, until a change to 'granted' takes them
    const storing = asked === consent;
    if (storing) pointer.write(ptr);
    if (started) emitter.emit('session', { sessionId: ptr.id, reason: prev ? 'timeout' : 'start' });
    const e: HunchEvent = { id: nextId(), type, ts, sessionId: ptr.id, ...props };
    if (storing && consent === 'granted') writer.push(e);
    else if (pendingEvents.push(e) > MAX_PENDING_EVENTS) pendingEvents.shift();
    // the model hears it before listeners, which may track() in turn; what they get is frozen, so
    // a listener cannot change what is stored (unvalidated, unscrubbed) or what the model saw
    services.feed(Object.freeze(e));
    emitter.emit('event', e);
  };

  const track = (type: EventType, props?: TrackProps) => {
    const v = validateEvent(type, props);
    if ((v.type === 'add_to_cart' || v.type === 'remove_from_cart') && v.props.quantity === undefined) v.props.quantity = 1;
    record(v.type, v.props);
  };

  // auto-capture: errors become one 'error' event, never an exception in the page
  const stops: Array<() => void> = [];
  const captureError = (err: unknown) => problem('error', 'capture', `auto-capture skipped an event: ${reason(err)}`);
  let lastForgetAt = -Infinity; // when this instance last dropped forgotten data (ms)
  let forgets = 0; // how many times it did

  /** Storing starts (consent granted at start or later; again when the page is shown after it ran unseen): an earlier page's spill, then `held` (this page's while pending), then retention. */
  const startStoring = async (held: HunchEvent[]) => {
    const epoch = forgets;
    const spilled = takeSpilled(ls, opts.dbName, tabId); // other pages' (this tab's own key is its writer's): storage was opening or failing there: written now, or carried on when IndexedDB does not open here either
    for (const e of spilled.concat(held)) writer.push(e);
    const kind = (await slot.get()).kind;
    // unless a forget or a denial came meanwhile (what they dropped stays dropped); after dispose() nothing reopens the store
    if (epoch === forgets && !erasing) {
      if (kind === 'memory') stranded.add(spilled, true);
      if (!disposing) void retention.prune();
    }
  };
  const retake = () => void (consent === 'granted' && asked === consent && !erasing && !disposing && startStoring([]));
  /** Clears the session pointer and every localStorage key of this `dbName` (whatever the pointer in use). */
  const clearLocalKeys = () => {
    pointer.clear();
    localPointer(opts.dbName, ls, now).clear();
  };
  /** Drops what was captured but not stored yet, what only memory holds, and this tab's spill of them (whatever the pointer in use): a forget is underway. */
  const dropUnwritten = () => {
    writer.discard();
    pendingEvents = [];
    stranded.clear();
    spill.clear();
  };
  /** Drops what this instance holds of the forgotten data: the session and the services' state. */
  const dropLocal = () => {
    lastForgetAt = now();
    forgets++;
    mine = undefined;
    stranded.clear(); // after the forget's last writes: a batch that failed meanwhile added to it
    services.reset();
    emitter.emit('forget', undefined);
  };
  /** Deletes everything stored. What this page holds and the local keys go even when the database cannot be deleted (blocked past the timeout): then it rejects, saying so. */
  const forget = async () => {
    const at = now();
    erasing = true;
    try {
      dropUnwritten();
      // the local keys go first: a page closed while the database is being deleted must not leave the forgotten session to continue on the next load
      clearLocalKeys();
      try {
        await writer.flush();
        await slot.destroy();
      } finally {
        dropLocal();
      }
    } finally {
      erasing = false;
      tabs.forgot(at); // tabs without an open database (consent pending) hold events too, and theirs may delete it
    }
  };
  /**
   * Another tab (or instance) deleted the database (its `forget()`, or consent denied there):
   * the deleted data must not come back from here, so this instance drops what it holds of it
   * (unwritten events, the session, the intent state) as its own `forget()` would. Capture goes on.
   */
  const forgetHere = () => {
    if (erasing) return;
    dropUnwritten();
    slot.release(); // the next write opens (creates) the database afresh
    pointer.clear(); // the forgotten session must not continue (the other tab clears it too)
    dropLocal();
  };

  /**
   * Applies a consent state, this tab's `consent()` call or another tab's (`fromTab`), one change
   * at a time. A 'denied' from another tab only drops what this tab holds: that tab erased the
   * database already, and erasing again here could delete what it stores after a later 'granted'.
   */
  const changeConsent = async (next: Consent, fromTab: boolean) => {
    const prev = consent;
    consent = next;
    // the state it is already in changes nothing and is not said (consent tools replay the stored
    // choice on every load); a 'denied' still erases and is told to the other tabs
    if (next === prev && next !== 'denied') return;
    const tell = () => fromTab || tabs.consented(next);
    if (disposed) {
      // a disposed instance stores nothing more, but a shopper's 'denied' still erases
      try {
        if (next === 'denied' && !fromTab) await forget();
      } finally {
        tell();
      }
      return;
    }
    if (next !== prev) pointer = sessionPointer(next, opts.dbName, ls, now);
    if (next === 'granted') {
      // the session this tab continued or started while not storing is shared from now on
      if (mine) pointer.write(current()!);
      // what was held, unless a later change was asked for meanwhile: then they wait for it
      const held = asked === next ? pendingEvents.splice(0) : [];
      await startStoring(held);
      await writer.flush();
      services.intents()?.wake(); // the session's stored history is readable: rules that waited for it fire
    } else if (next === 'denied') {
      mine = undefined;
      try {
        if (fromTab) forgetHere();
        else await forget();
      } finally {
        // stored nothing more from here on, and said so, even when the deletion failed
        tell();
        if (prev !== next) emitter.emit('consent', next);
      }
      return;
    } else if (prev === 'granted') {
      await writer.flush(); // to 'pending'
    }
    // the intent half loads at idle time as it does at a start with this consent (triggers, intent events)
    if (prev === 'denied') loadWhenIdle();
    emitter.emit('consent', next);
    tell();
  };
  const consentChanges = createSerialQueue();
  const applyConsent = (next: Consent, fromTab = false) => ((asked = next), consentChanges(() => changeConsent(next, fromTab)));

  // consent and forget reach the other tabs of this dbName (`tab-sync.ts`)
  const tabs = createTabSync(deps.channel ?? browserChannel(win), opts.dbName, {
    forget(at) {
      // a forget this instance already followed (through the database's deletion) is not repeated;
      // while the clock is behind the last one followed (it was set back), none is skipped
      if (!disposed && (at > lastForgetAt || now() < lastForgetAt)) forgetHere();
    },
    consent(state) {
      if (!disposed) void applyConsent(state, true).catch(() => {});
    },
  });

  if (win) {
    // capture listens first: its pagehide records the page's last dwell, which the lifecycle's
    // pagehide then spills with everything else not yet written
    // a newer live instance of the dbName (a hot reload, a double mount) takes auto-capture over
    if (opts.autoCapture) {
      const handedOver = () => problem('warning', 'duplicate-instance', `a newer instance auto-captures "${opts.dbName}"; this one records its track() calls only`);
      stops.push(captureFor(opts.dbName, () => startCapture(win, { record, track, error: captureError }, now), handedOver));
    }
    stops.push(
      watchPageLifecycle(win, {
        hidden: () => void writer.flush(),
        leaving() {
          // what is not confirmed written yet (storage still opening, or a batch the browser may abort
          // while it tears the page down) is also kept in localStorage for the next load
          spill.spill(mayKeep());
          void writer.flush();
          if (!erasing) pointer.flush(); // the last seconds of activity: a reload within the timeout continues the session
          void services.intents()?.persist();
        },
        // shown after it ran unseen: what pages left meanwhile (one activating this one leaves no pagehide) is written now
        activated: retake,
        restored() {
          retake();
          services.pageRestored(); // the intent state other pages wrote meanwhile
        },
      }),
    );
  }

  /** A method the lazy half answers (`start-services.ts`): it loads first; from the dispose() call on it rejects. */
  const lazy = <K extends keyof ServiceMethods>(name: K) =>
    (async (...args: unknown[]) => ((await (disposing ? gone() : services.load()))[name] as (...a: unknown[]) => unknown)(...args)) as Hunch[K];

  const instance: Hunch = {
    track: (type, props) => void (disposing || track(type, props)),
    flush: () => writer.flush(), // holds nothing while consent is not granted (but batches issued before it)
    async export() {
      if (disposing) return gone();
      const base = { format: 'hunch-export' as const, version: 1 as const, library: VERSION, exportedAt: new Date(now()).toISOString(), consent };
      const held = structuredClone(pendingEvents);
      const epoch = forgets;
      // what is stored: while granted, and also while 'pending' after it was granted (pending
      // stops storing but keeps what was stored); events held in memory come after it
      const source = consent === 'granted' ? (await writer.flush(), slot.forReading()) : slot.current();
      // a forget() (here or in another tab) that closed the store under its reads: what remains is nothing
      const data = await exportData(await source, slot.earlier(), held).catch((e) => { if (epoch === forgets && !erasing) throw e; });
      return { ...base, ...(data ?? (await exportData(undefined, undefined, []))) };
    },
    forget,
    consent: async (state) => applyConsent(validateConsent(state)), // changeConsent tells the other tabs
    intent: lazy('intent'),
    // without an item model it rejects at once: the intent half and the model do not load for it
    recommend: opts.recommend.url ? lazy('recommend') : async () => (disposing ? gone() : Promise.reject(new Error(NO_ITEM_MODEL))),
    personalize: lazy('personalize'),
    metrics: lazy('metrics'),
    rollback: lazy('rollback'),
    triggers: { add: rules.add, remove: rules.remove, list: rules.list },
    get backend() {
      return services.intents()?.backend ?? 'none';
    },
    get warmupMs() {
      return services.intents()?.warmupMs;
    },
    debug: {
      runtime: async () => (await services.intents()?.runtimeInfo?.()) ?? { thread: 'none', backend: 'none', numTensors: 0, steps: 0 },
      loseWebGLContext: async () => (await services.intents()?.loseContext?.()) ?? false,
    },
    on: emitter.on,
    off: emitter.off,
    dispose() {
      // one teardown, however often it is called, and completed even when the last writes fail
      disposing ??= (async () => {
        services.halt(); // personalization saves nothing from the call on (the last writes follow)
        for (const stop of stops.splice(0)) stop();
        pointer.flush();
        try {
          // what only memory holds goes to the next load, as at pagehide (never while forget() runs)
          if (asked !== 'denied') (await writer.flush(), spill.spill(mayKeep()));
          await services.intents()?.persist(true); // not waiting for a model still loading
        } catch (err) {
          problem('warning', 'dispose', `the last writes before dispose() failed: ${reason(err)}`);
        } finally {
          disposed = true;
          services.dispose();
          emitter.clear();
          tabs.close(); // stops listening; forget() and consent('denied') still tell the other tabs
          // the store in use, and the one a failed write left (memory replaced it); neither rejects
          for (const s of [slot.current(), slot.earlier()]) (await s)?.close({ final: true });
        }
      })();
      return disposing;
    },
    get storage() { return consent === 'granted' ? slot.kind : 'memory'; },
    get consentState() { return consent; },
    get sessionId() { return currentSessionId(); },
  };
  // the page may call the instance from here on (the script tag's global is the instance itself)
  deps.created?.(instance);

  // capture is already listening while storage opens: early events wait in the writer (and are
  // spilled on pagehide if the page leaves first), so a page's first clicks are never missed
  if (consent === 'denied') {
    // denied at start: erase whatever an earlier visit stored (a failure is said, never thrown:
    // the page still gets its instance, which stores nothing); the local keys go first, so a
    // consent('granted') made meanwhile keeps what it writes
    clearLocalKeys();
    try {
      await slot.destroy();
    } catch (err) {
      problem('error', 'storage-erase', `could not delete the stored data: ${reason(err)}`);
    }
  } else if (consent === 'granted') await startStoring([]);

  problems.ready();
  return instance;
}
