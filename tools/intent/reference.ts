/**
 * The Node CPU reference for browser tests: the purchase probability for a list of events,
 * computed by streaming `encodeEvent` + `step` on the tfjs CPU backend with the shipped model.
 * The browser's `intent().purchase` for the same events must match it within 1e-3.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HunchEvent } from '../../src/events.js';
import { encodeEvent, initialFeatureState } from '../../src/features/index.js';
import { loadIntentNetFromDir } from '../../src/model/intent-load-node.js';
import { disposeIntentWeights, initialHidden, step } from '../../src/model/intent-net.js';
import { MODEL_DIR } from './paths.js';
import { useBackend } from './tf-node.js';

/**
 * Purchase probability after the given events (one session, in time order), on the CPU backend.
 * Before any model step (no events, or only dwell events) it is the head's base rate.
 * @param events the session's events
 * @param modelDir model folder (default the shipped `models/intent`)
 */
export async function referencePurchaseProbability(events: readonly HunchEvent[], modelDir = MODEL_DIR): Promise<number> {
  await useBackend('cpu');
  const { weights } = await loadIntentNetFromDir(modelDir);
  try {
    let state = initialFeatureState();
    let hidden = initialHidden(weights);
    let logit = weights.head.b.dataSync()[0];
    for (const e of events) {
      const r = encodeEvent(state, e);
      state = r.state;
      if (!r.step) continue;
      const x = tf.tensor1d(r.x);
      const out = step(weights, hidden, x);
      x.dispose();
      hidden.dispose();
      hidden = out.hidden;
      logit = out.logit.dataSync()[0];
      out.logit.dispose();
    }
    hidden.dispose();
    return 1 / (1 + Math.exp(-logit));
  } finally {
    disposeIntentWeights(weights);
  }
}
