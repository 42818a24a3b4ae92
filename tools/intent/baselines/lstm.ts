/**
 * The seed article's model: a stock tfjs-layers LSTM(64) → Dense(1, sigmoid) on the same
 * per-event features, the last {@link LSTM_STEPS} steps of each prefix, zero pre-padded.
 */
import * as tfl from '@tensorflow/tfjs';
import { FEATURE_DIM } from '../../../src/features/index.js';
import type { Example } from '../dataset.js';

/** Steps the LSTM sees (the prefix's last ones). */
export const LSTM_STEPS = 10;

function toTensor(examples: readonly Example[]): tfl.Tensor3D {
  const buf = new Float32Array(examples.length * LSTM_STEPS * FEATURE_DIM);
  examples.forEach((e, i) => {
    const xs = e.xs.slice(-LSTM_STEPS);
    const off = LSTM_STEPS - xs.length;
    xs.forEach((x, t) => buf.set(x, (i * LSTM_STEPS + off + t) * FEATURE_DIM));
  });
  return tfl.tensor3d(buf, [examples.length, LSTM_STEPS, FEATURE_DIM]);
}

/**
 * Trains the baseline with tfjs-layers' stock early stopping on `val` loss (patience 1, at most
 * `epochs`; tfjs cannot restore the best weights, so the last epoch's are kept).
 * @returns the model (caller disposes with `model.dispose()`)
 */
export async function fitLstm(train: readonly Example[], val: readonly Example[], seed = 7, epochs = 4): Promise<tfl.LayersModel> {
  const model = tfl.sequential();
  model.add(tfl.layers.lstm({ units: 64, inputShape: [LSTM_STEPS, FEATURE_DIM], kernelInitializer: tfl.initializers.glorotUniform({ seed }), recurrentInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }));
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }));
  model.compile({ optimizer: tfl.train.adam(0.005), loss: 'binaryCrossentropy' });
  const x = toTensor(train);
  const y = tfl.tensor2d(train.map((e) => e.label), [train.length, 1]);
  const vx = toTensor(val);
  const vy = tfl.tensor2d(val.map((e) => e.label), [val.length, 1]);
  await model.fit(x, y, {
    epochs,
    batchSize: 256,
    shuffle: false,
    validationData: [vx, vy],
    verbose: 0,
    callbacks: [tfl.callbacks.earlyStopping({ monitor: 'val_loss', patience: 1 })],
  });
  tfl.dispose([x, y, vx, vy]);
  return model;
}

/** Probability after each example's prefix. */
export function predictLstm(model: tfl.LayersModel, examples: readonly Example[]): Float64Array {
  if (!examples.length) return new Float64Array(0);
  const x = toTensor(examples);
  const p = model.predict(x, { batchSize: 512 }) as tfl.Tensor;
  const out = Float64Array.from(p.dataSync());
  tfl.dispose([x, p]);
  return out;
}
