/**
 * TensorFlow.js setup for the Node tools: tfjs-core on the WASM backend (about 5× faster than
 * the CPU backend here), or the CPU backend when asked.
 *
 * Gradients: Node resolves `@tensorflow/tfjs-core` to its CommonJS bundle, which registers no
 * gradients, and the deep `dist/register_all_gradients` import is ESM that loads a second copy
 * of tfjs-core. Importing the full `@tensorflow/tfjs` (a dev dependency) registers every gradient
 * in tfjs' global registry, which the tfjs-core instance shares.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

/**
 * Selects a backend and waits for it.
 * @param name `wasm` (default, for training) or `cpu` (the reference the browser is compared to)
 * @throws Error when the backend cannot start
 */
export async function useBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<typeof tf> {
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tfjs: backend ${name} failed to start`);
  }
  await tf.ready();
  return tf;
}
