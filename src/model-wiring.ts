/**
 * How the instance reaches the intent model: where the model files are, how the predictor is
 * started (reporting hand-overs and fallbacks as `model` / `warning` events). Part of the lazily
 * loaded module; runs on the main thread, imports no TensorFlow.js.
 */
import type { HunchEventMap } from './api.js';
import type { Predictor } from './model/predictor.js';
import type { ResolvedOptions } from './options.js';

/**
 * An option URL made absolute: relative to the page, else to the build's folder.
 * @throws TypeError naming the option (`field`) when it does not resolve
 */
export function optionUrl(url: string, pageUrl: string | undefined, assetBase: string | undefined, field: string): string {
  try {
    return new URL(url, pageUrl ?? assetBase).href;
  } catch {
    throw new TypeError(`hunch: option "${field}" must be a URL (got ${JSON.stringify(url)})`);
  }
}

/** URL of the intent model folder: `model.url` (relative to the page), else `../models/intent/` from the build. */
export function modelUrl(opts: ResolvedOptions, pageUrl: string | undefined, assetBase: string | undefined): string | undefined {
  if (opts.model.url) return optionUrl(opts.model.url, pageUrl, assetBase, 'model.url');
  return assetBase ? new URL('../models/intent/', assetBase).href : undefined;
}

/** What {@link predictorLoader} reports through. */
export interface WiringSink {
  emitModel(m: HunchEventMap['model']): void;
  problem(kind: 'error' | 'warning', code: string, message: string): void;
}

/**
 * The function that starts the model predictor, or undefined when the model is disabled (the
 * heuristic answers). Rejects when no model URL can be found, or `url()` throws (a malformed
 * `model.url`): the model is then unavailable, said once, and the heuristic answers. The
 * TensorFlow.js runtime loads from `model.runtimeUrl`, else `assetBase`; with neither, the
 * plain-JS kernel answers for good (said once through `onRuntime`: warning `model-runtime`).
 * @param assetBase folder of the hunch build, when known (an `http:`/`https:` one)
 */
export function predictorLoader(
  m: Pick<typeof import('./intent-module.js'), 'loadModelPredictor'>,
  opts: ResolvedOptions,
  url: () => string | undefined,
  assetBase: string | undefined,
  sink: WiringSink,
): (() => Promise<Predictor>) | undefined {
  if (!opts.model.enabled) return undefined;
  return async () => {
    const u = url();
    if (!u) throw new Error('no model URL: pass model.url');
    const p = await m.loadModelPredictor({
      url: u,
      backend: opts.model.backend,
      assetBase: opts.model.runtimeUrl ?? assetBase,
      worker: opts.model.worker,
      fetchTimeoutMs: opts.model.timeoutMs,
      onFallback: (reason, backend) => sink.problem('warning', 'backend-fallback', `intent model moved to the ${backend} backend: ${reason}`),
      onRuntime: (r) => {
        if ('error' in r) {
          sink.problem('warning', 'model-runtime', `TensorFlow.js runtime unavailable (${r.error}); the JS kernel keeps answering`);
          sink.emitModel({ status: 'runtime-failed', backend: 'js', error: r.error });
        } else sink.emitModel({ status: 'runtime', ...r });
      },
    });
    sink.emitModel({ status: 'ready', backend: p.backend, warmupMs: p.warmupMs, modelVersion: p.modelVersion });
    return p;
  };
}
