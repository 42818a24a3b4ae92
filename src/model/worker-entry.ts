/**
 * Model worker (`dist/hunch-worker.js`): runs the runtime off the main thread, with WebGL on an
 * OffscreenCanvas. Requests are handled one at a time, in order.
 */
import { isModelFileError, type WorkerRequest, type WorkerResponse } from './protocol.js';
import { createRuntime, type Runtime } from './runtime.js';

const scope = self as unknown as { onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null; postMessage(m: WorkerResponse): void };
let runtime: Runtime | undefined;
let chain: Promise<void> = Promise.resolve();

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'init':
      runtime = await createRuntime({ ...req.init, syncRead: true }); // blocking reads are free off the main thread
      return runtime.info();
    case 'step':
      if (!runtime) throw new Error('runtime not started');
      return runtime.step(req.hidden, req.x);
    case 'set-head':
      if (!runtime) throw new Error('runtime not started');
      runtime.setHead(req.head);
      return true;
    case 'stats':
      return { numTensors: runtime?.numTensors() ?? 0, backend: runtime?.info().backend };
    case 'lose-context':
      return runtime?.loseContext() ?? false;
  }
}

scope.onmessage = (ev) => {
  const req = ev.data;
  chain = chain.then(async () => {
    try {
      scope.postMessage({ id: req.id, ok: true, result: await handle(req) });
    } catch (err) {
      const error = String((err as Error)?.message ?? err);
      scope.postMessage(isModelFileError(err) ? { id: req.id, ok: false, error, kind: 'model' } : { id: req.id, ok: false, error });
    }
  });
};
