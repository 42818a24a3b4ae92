/**
 * Next-item recommendations: artifact codec, model indexing, ranking and a streaming wrapper.
 * Pure TypeScript (no DOM, IndexedDB or Node APIs); the browser and the Node tools share it.
 */
export { ARTIFACT_FORMAT, ARTIFACT_VERSION, decodeArtifact, encodeArtifact } from './artifact';
export type { ArtifactInput, ArtifactManifest, NextItemArtifact, SectionRange } from './artifact';
export { loadNextItemModel, type FetchLike } from './load';
export { createModel, type NextItemModel } from './model';
export { DEFAULT_PARAMS, resolveParams, type RankParams } from './params';
export type { RecEvent, RecHistory } from './prefix';
export { rank, type RankOptions, type Recommendation } from './rank';
export { createRecommendStream, type RecommendStream } from './stream';
