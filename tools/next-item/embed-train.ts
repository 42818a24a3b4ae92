/**
 * Training the item-embedding scorer (`src/recommend/embed.ts`) on session prefixes with
 * sampled softmax: per batch, K negatives drawn from the unigram^0.75 distribution, shared by
 * the batch, with the log-Q correction; Adagrad updates. Deterministic (seeded PRNG).
 */
import { embedQuery, type ItemEmbeddings } from '../../src/recommend/embed';
import type { NextItemArtifact } from '../../src/recommend/artifact';
import { Progress } from './progress';

/** Options of {@link trainEmbeddings}. */
export interface EmbedTrainOptions {
  dim?: number;
  epochs?: number;
  negatives?: number;
  batch?: number;
  lr?: number;
  decay?: number;
  /** Longest prefix used (most recent clicks), default 20. */
  maxLen?: number;
  seed?: number;
  label?: string;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Trains embeddings on every (prefix → next click) of the artifact's sessions. */
export function trainEmbeddings(art: NextItemArtifact, opts: EmbedTrainOptions = {}): ItemEmbeddings {
  const { dim: d = 32, epochs = 4, negatives: K = 256, batch: B = 128, lr = 0.05, decay = 0.6, maxLen = 20, seed = 1 } = opts;
  const rnd = mulberry32(seed);
  const n = art.itemIds.length;
  const { sessionStart, sessionItems } = art;
  const nSess = sessionStart.length - 1;
  const table = new Float32Array(n * d);
  for (let i = 0; i < table.length; i++) table[i] = (rnd() - 0.5) * 0.2;
  const a = new Float32Array(d * d);
  const b = new Float32Array(d * d);
  for (let x = 0; x < d; x++) {
    a[x * d + x] = 0.5;
    b[x * d + x] = 0.5;
  }
  const bias = new Float32Array(n);
  const e: ItemEmbeddings = { dim: d, table, a, b, bias, decay };
  const gTable = new Float32Array(n * d).fill(1e-6);
  const gBias = new Float32Array(n).fill(1e-6);
  const gA = new Float64Array(d * d).fill(1e-6);
  const gB = new Float64Array(d * d).fill(1e-6);

  // Unigram^0.75 sampler (cumulative table + binary search) and log Q.
  const freq = new Float64Array(n);
  for (let p = 0; p < sessionItems.length; p++) freq[sessionItems[p]]++;
  const cum = new Float64Array(n);
  let tot = 0;
  for (let i = 0; i < n; i++) cum[i] = tot += Math.pow(freq[i], 0.75);
  const logQ = new Float64Array(n);
  for (let i = 0; i < n; i++) logQ[i] = Math.log((K * Math.pow(freq[i], 0.75)) / tot + 1e-12);
  const sample = (): number => {
    const u = rnd() * tot;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  // Examples: (session, target position).
  const ex: number[] = [];
  for (let s = 0; s < nSess; s++) for (let p = sessionStart[s] + 1; p < sessionStart[s + 1]; p++) ex.push(p);
  const exS = new Uint32Array(ex.length);
  {
    let s = 0;
    ex.forEach((p, x) => {
      while (sessionStart[s + 1] <= p) s++;
      exS[x] = s;
    });
  }
  const order = Uint32Array.from(ex.keys());
  const negs = new Uint32Array(K);
  const qs = new Float64Array(B * d);
  const lasts = new Float64Array(B * d);
  const means = new Float64Array(B * d);
  const seqs: number[][] = [];
  const targets = new Uint32Array(B);
  const logits = new Float64Array(K + 1);
  const dq = new Float64Array(d);
  const bar = opts.label ? new Progress(opts.label, epochs * ex.length) : undefined;
  for (let ep = 0; ep < epochs; ep++) {
    for (let x = order.length - 1; x > 0; x--) {
      const y = Math.floor(rnd() * (x + 1));
      const t = order[x];
      order[x] = order[y];
      order[y] = t;
    }
    for (let b0 = 0; b0 < order.length; b0 += B) {
      const nb = Math.min(B, order.length - b0);
      for (let k = 0; k < K; k++) negs[k] = sample();
      seqs.length = 0;
      for (let r = 0; r < nb; r++) {
        const p = ex[order[b0 + r]];
        const s0 = Math.max(sessionStart[exS[order[b0 + r]]], p - maxLen);
        const seq = Array.from(sessionItems.subarray(s0, p));
        seqs.push(seq);
        targets[r] = sessionItems[p];
        embedQuery(e, seq, qs.subarray(r * d, (r + 1) * d));
        // last and mean (recomputed for the gradient)
        const lo = seq[seq.length - 1] * d;
        let w = 1;
        let ws = 0;
        const m = means.subarray(r * d, (r + 1) * d);
        m.fill(0);
        for (let t = seq.length - 1; t >= 0; t--) {
          const o = seq[t] * d;
          for (let c = 0; c < d; c++) m[c] += w * table[o + c];
          ws += w;
          w *= decay;
        }
        for (let c = 0; c < d; c++) {
          m[c] /= ws;
          lasts[r * d + c] = table[lo + c];
        }
      }
      for (let r = 0; r < nb; r++) {
        const q = qs.subarray(r * d, (r + 1) * d);
        const tgt = targets[r];
        let max = -Infinity;
        for (let k = 0; k <= K; k++) {
          const j = k === 0 ? tgt : negs[k - 1];
          let v = bias[j];
          const o = j * d;
          for (let c = 0; c < d; c++) v += q[c] * table[o + c];
          v -= k === 0 ? 0 : logQ[j];
          if (k > 0 && j === tgt) v = -Infinity;
          logits[k] = v;
          if (v > max) max = v;
        }
        let sum = 0;
        for (let k = 0; k <= K; k++) sum += (logits[k] = Math.exp(logits[k] - max));
        dq.fill(0);
        for (let k = 0; k <= K; k++) {
          const j = k === 0 ? tgt : negs[k - 1];
          const g = logits[k] / sum - (k === 0 ? 1 : 0);
          if (g === 0) continue;
          const o = j * d;
          for (let c = 0; c < d; c++) {
            dq[c] += g * table[o + c];
            const gr = g * q[c];
            gTable[o + c] += gr * gr;
            table[o + c] -= (lr * gr) / Math.sqrt(gTable[o + c]);
          }
          gBias[j] += g * g;
          bias[j] -= (lr * g) / Math.sqrt(gBias[j]);
        }
        // Back through q = A·last + B·mean.
        const seq = seqs[r];
        const dl = new Float64Array(d);
        const dm = new Float64Array(d);
        for (let rr = 0; rr < d; rr++) {
          const g = dq[rr];
          if (g === 0) continue;
          for (let c = 0; c < d; c++) {
            const ga = g * lasts[r * d + c];
            const gb = g * means[r * d + c];
            gA[rr * d + c] += ga * ga;
            gB[rr * d + c] += gb * gb;
            dl[c] += a[rr * d + c] * g;
            dm[c] += b[rr * d + c] * g;
            a[rr * d + c] -= (0.2 * lr * ga) / Math.sqrt(gA[rr * d + c]);
            b[rr * d + c] -= (0.2 * lr * gb) / Math.sqrt(gB[rr * d + c]);
          }
        }
        let w = 1;
        let ws = 0;
        for (let t = seq.length - 1; t >= 0; t--) {
          ws += w;
          w *= decay;
        }
        w = 1;
        for (let t = seq.length - 1; t >= 0; t--) {
          const o = seq[t] * d;
          const f = w / ws;
          for (let c = 0; c < d; c++) {
            const gr = dm[c] * f + (t === seq.length - 1 ? dl[c] : 0);
            gTable[o + c] += gr * gr;
            table[o + c] -= (lr * gr) / Math.sqrt(gTable[o + c]);
          }
          w *= decay;
        }
      }
      bar?.tick(ep * ex.length + b0 + nb);
    }
  }
  return e;
}
