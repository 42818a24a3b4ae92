/**
 * Dataset adapters (Node): public API for the training/eval CLIs and other tools (read-only use).
 * Each `parse*` takes file text and returns normalized events plus counts; {@link sessionize}
 * labels sessions; {@link loadStore} does both for the shared data folder.
 */
export type { NormalizedEvent, ParseStats, ParseResult, LabeledSession, SessionStats } from './types.js';
export { parseRees46 } from './adapters/rees46.js';
export { parseJdata } from './adapters/jdata.js';
export { parseDiginetica, type DigineticaFiles } from './adapters/diginetica.js';
export { parseTaobao } from './adapters/taobao.js';
export { parseOtto } from './adapters/otto.js';
export { parseCoveo } from './adapters/coveo.js';
export { parseGeneric } from './adapters/generic.js';
export { sessionize, splitSessions, SESSION_GAP_MS, type SessionizeOptions } from './sessionize.js';
export { toHunchEvents } from './hunch-events.js';
export {
  dataRoot,
  hasData,
  loadStore,
  loadGenericCsv,
  TRAINING_STORES,
  HOLDOUT_STORES,
  type StoreName,
  type StoreData,
} from './load.js';
export { csvProblem, parseSummary, sessionSummary, storeSummary, type FileRead } from './summary.js';
