// @vitest-environment node
/**
 * The intent network's training loop refuses what cannot train (one outcome only, zero epochs,
 * a validation loss that is never finite, out-of-range options) with a clear error, instead of
 * returning a head bias of −Infinity or crashing on a missing snapshot.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_DIM } from '../../src/features/index';
import { disposeIntentWeights, initIntentWeights } from '../../src/model/intent-net';
import type { Example } from '../../tools/intent/dataset';
import { seededRandom } from '../../tools/intent/rng';
import { useBackend } from '../../tools/intent/tf-node';
import { assertFiniteWeights, checkTrainOptions, missingClass, trainIntentNet } from '../../tools/intent/train-core';

beforeAll(async () => {
  await useBackend('cpu');
});

/** `n` synthetic sessions of 1–3 steps; `label(i)` gives each one's outcome. */
function examples(n: number, label: (i: number) => 0 | 1, value?: number): Example[] {
  const rand = seededRandom(3);
  return Array.from({ length: n }, (_, i) => ({
    store: 's',
    userId: `u${i}`,
    sessionId: `s${i}`,
    startMs: i,
    label: label(i),
    xs: Array.from({ length: 1 + (i % 3) }, () => Float32Array.from({ length: FEATURE_DIM }, () => value ?? (rand() < 0.3 ? rand() : 0))),
    session: {} as Example['session'],
  }));
}

const small = { hidden: 4, epochs: 2, batchSize: 16 };

describe('trainIntentNet refuses what cannot train', () => {
  it('a training part without buying sessions (or without non-buying ones) is an error naming the missing outcome', () => {
    const val = examples(10, (i) => (i % 2 ? 1 : 0));
    expect(() => trainIntentNet(examples(30, () => 0), val, small)).toThrow(/train: no buying session \(label 1\) among the 30 training sessions/);
    expect(() => trainIntentNet(examples(30, () => 1), val, small)).toThrow(/train: no non-buying session \(label 0\)/);
    expect(missingClass(val)).toBeUndefined();
  });

  it('epochs 0 and other out-of-range options are TypeErrors naming the option', () => {
    const train = examples(30, (i) => (i % 3 ? 0 : 1));
    expect(() => trainIntentNet(train, train, { ...small, epochs: 0 })).toThrow(/opts\.epochs must be a whole number ≥ 1 \(got 0\)/);
    expect(() => trainIntentNet(train, train, { ...small, batchSize: 0 })).toThrow(/opts\.batchSize must be a whole number ≥ 1/);
    expect(() => checkTrainOptions({ hidden: 2.5 })).toThrow(/opts\.hidden/);
    expect(() => checkTrainOptions({ maxSteps: 0 })).toThrow(/opts\.maxSteps/);
    expect(() => checkTrainOptions({ learningRate: 0 })).toThrow(/opts\.learningRate must be a finite number > 0/);
    expect(() => checkTrainOptions({ lastWeight: 1.5 })).toThrow(/opts\.lastWeight must be a finite number ≥ 0 and ≤ 1/);
    expect(() => checkTrainOptions({ l2: Number.NaN })).toThrow(/opts\.l2/);
    expect(() => checkTrainOptions({ toString: 1 } as never)).toThrow(/opts\.toString: not a training option/);
    expect(() => checkTrainOptions({ epochs: 3, patience: 0, l2: 0, hidden: undefined })).not.toThrow();
  });

  it('a validation loss that is never finite is an error saying so (was "object null is not iterable")', () => {
    const train = examples(30, (i) => (i % 3 ? 0 : 1));
    const nanVal = examples(6, (i) => (i % 2 ? 1 : 0), Number.NaN);
    expect(() => trainIntentNet(train, nanVal, { ...small, patience: 1 })).toThrow(/no epoch of 1 gave a finite validation loss \(6 validation sessions\)/);
  });

  it('trains on both outcomes; non-finite weights are refused before saving', () => {
    const train = examples(40, (i) => (i % 3 ? 0 : 1));
    const r = trainIntentNet(train, train.slice(0, 10), small);
    expect(() => assertFiniteWeights(r.weights)).not.toThrow();
    expect(Number.isFinite(r.weights.head.b.dataSync()[0])).toBe(true);
    disposeIntentWeights(r.weights);
    const bad = initIntentWeights({ inputDim: FEATURE_DIM, hidden: 4 }, 1, -Infinity);
    expect(() => assertFiniteWeights(bad)).toThrow(/weights\.head\.b holds a non-finite value/);
    disposeIntentWeights(bad);
  });
});
