/**
 * The part of `fetch` the model loaders use (the intent model's files, the item model's
 * artifact): pass `fetch`, a stub in tests, or a `file://` reader in Node. These loaders are the
 * library's only network requests.
 */
export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; arrayBuffer(): Promise<ArrayBuffer> }>;
