/**
 * Feature encoding shared by the browser runtime and the Node training tools: plain data in,
 * numbers out (no tfjs, DOM or Node APIs). See `spec.ts` for every feature's meaning.
 */
export { FEATURE_VERSION, FEATURE_DIM, FEATURE_NAMES, FEATURE_DOCS, featureIndex } from './spec.js';
export { initialFeatureState, STATE_MEMORY, type FeatureState } from './state.js';
export { encodeEvent, encodeSession, validateEncodable, type Encoded, type EncodableEvent } from './encode.js';
