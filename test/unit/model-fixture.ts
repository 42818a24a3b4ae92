/**
 * Shared by the model client's unit tests: the shipped intent model served by a fetch stand-in,
 * and a scripted stand-in Worker (the real worker is tested in Chromium).
 */
import { readFileSync } from 'node:fs';
import { afterEach } from 'vitest';
import type { WorkerRequest, WorkerResponse } from '../../src/model/protocol';

const dir = new URL('../../models/intent/', import.meta.url);
const files: Record<string, Buffer> = { 'model.json': readFileSync(new URL('model.json', dir)), 'weights.bin': readFileSync(new URL('weights.bin', dir)) };

/** Fetch for the shipped model's files (any folder URL; 404 for other names). */
export const fetchModel = async (u: string) => {
  const body = files[u.split('/').pop()!];
  return { ok: !!body, status: body ? 200 : 404, json: async () => JSON.parse(body!.toString('utf8')), arrayBuffer: async () => new Uint8Array(body!).buffer };
};

/** How the stand-in worker answers each request; `undefined` holds the answer back. */
export type Script = (req: WorkerRequest) => WorkerResponse | undefined;

/** The stand-in workers started in the current test, oldest first. */
export const workers: FakeWorker[] = [];

/** A Worker that answers by {@link FakeWorker.script}, records what it was sent, and can fail or reply later. */
export class FakeWorker {
  static script: Script = () => undefined;
  onmessage: ((ev: { data: WorkerResponse }) => void) | null = null;
  onerror: ((ev: { message: string; preventDefault(): void }) => void) | null = null;
  terminated = false;
  requests: WorkerRequest[] = [];
  constructor() {
    workers.push(this);
  }
  postMessage(req: WorkerRequest) {
    this.requests.push(req);
    const res = FakeWorker.script(req);
    if (res) setTimeout(() => this.onmessage?.({ data: res }), 0);
  }
  fail(message: string) {
    this.onerror?.({ message, preventDefault() {} });
  }
  reply(res: WorkerResponse) {
    setTimeout(() => this.onmessage?.({ data: res }), 0);
  }
  terminate() {
    this.terminated = true;
  }
}

const g = globalThis as Record<string, unknown>;

/** Installs the stand-in Worker (and an OffscreenCanvas, so the client tries a worker) for this test. */
export function withWorker(script: Script) {
  FakeWorker.script = script;
  g.Worker = FakeWorker;
  g.OffscreenCanvas = class {};
}

afterEach(() => {
  delete g.Worker;
  delete g.OffscreenCanvas;
  workers.length = 0;
});
