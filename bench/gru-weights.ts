/**
 * Writes the baseline model of the intent benchmarks to bench/.cache/gru64/: a stock tfjs-layers
 * GRU(64) → Dense(1, sigmoid) over the same per-event features (FEATURE_DIM) and a 50-event
 * window, saved as model.json + weights so the browser loads it without running initializers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { FEATURE_DIM } from '../src/features/index';

/** Events in the baseline's window. */
export const WINDOW = 50;

/** Saves the baseline model under `dir` (idempotent). */
export async function writeGruBaseline(dir: string): Promise<void> {
  await tf.setBackend('cpu');
  const model = tf.sequential({
    layers: [tf.layers.gru({ units: 64, inputShape: [WINDOW, FEATURE_DIM] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
  });
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (art) => {
      const weightsManifest = [{ paths: ['weights.bin'], weights: art.weightSpecs! }];
      writeFileSync(`${dir}/model.json`, JSON.stringify({ modelTopology: art.modelTopology, format: 'layers-model', weightsManifest }));
      writeFileSync(`${dir}/weights.bin`, Buffer.from(art.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
}
