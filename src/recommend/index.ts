/**
 * Next-item recommendations: artifact codec, model indexing, ranking and a streaming wrapper.
 * Pure TypeScript (no DOM, IndexedDB or Node APIs); the browser and the Node tools share it.
 */
export { ARTIFACT_FORMAT, ARTIFACT_VERSION, decodeArtifact, encodeArtifact } from './artifact.js';
export type { ArtifactInput, ArtifactManifest, NextItemArtifact, SectionRange } from './artifact.js';
export { loadNextItemModel, type FetchLike } from './load.js';
export { createModel, type NextItemModel } from './model.js';
export { DEFAULT_PARAMS, resolveParams, type RankParams } from './params.js';
export type { RecEvent, RecHistory } from './prefix.js';
export { checkOptionsObject, checkRankOptions, rank, type RankOptions, type Recommendation } from './rank.js';
export { createRecommendStream, type RecommendStream } from './stream.js';
