/** `cv.ts --set key=value,…`: training options to try, checked before any fit starts. */
import { UsageError } from '../next-item/args.js';
import { checkTrainOptions, TRAIN_DEFAULTS, type TrainOptions } from './train-core.js';

/**
 * Parses `key=value,…` into training options: each key one of {@link TRAIN_DEFAULTS}' own names
 * except `seed` (the folds' seeds are fixed; `--seed-offset` draws others), each value a number
 * in the option's range ({@link checkTrainOptions}). `''` gives no options.
 * @throws UsageError naming the pair or option that is not one
 */
export function parseSet(text: string): TrainOptions {
  const out: Record<string, number> = {};
  const known = Object.keys(TRAIN_DEFAULTS).filter((k) => k !== 'seed');
  for (const kv of text.split(',').filter((x) => x.trim() !== '')) {
    const eq = kv.indexOf('=');
    const k = (eq < 0 ? kv : kv.slice(0, eq)).trim();
    const v = eq < 0 ? '' : kv.slice(eq + 1).trim();
    if (k === 'seed') throw new UsageError('--set: seed is fixed per fold (use --seed-offset for other seeds)');
    if (!Object.hasOwn(TRAIN_DEFAULTS, k)) throw new UsageError(`--set: unknown training option "${k}" (known: ${known.join(', ')})`);
    const n = Number(v);
    if (v === '' || !Number.isFinite(n)) throw new UsageError(`--set: "${kv}" is not key=number`);
    if (Object.hasOwn(out, k)) throw new UsageError(`--set: ${k} given twice`);
    try {
      checkTrainOptions({ [k]: n });
    } catch (e) {
      throw new UsageError(`--set: ${(e as Error).message.replace(/^opts\./, '')}`);
    }
    out[k] = n;
  }
  return out as TrainOptions;
}
