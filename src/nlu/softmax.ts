/**
 * A compact multinomial logistic regression (softmax) over sparse features, trained with AdaGrad SGD.
 *
 * Written here rather than taken from a library because what we need is small and must be exact:
 * deterministic (a seeded shuffle, no threads: the same content always gives the same model), trained
 * in well under a second at start-up, and sparse so that classification touches only the message's
 * own features (README, "The intent model", has the comparison with fastText that led to this).
 */

export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

export interface TrainOptions {
  epochs: number;
  /** Learning rate of AdaGrad. */
  rate: number;
  /** L2 penalty per update on the weights a sample touches. */
  l2: number;
  seed: number;
  /** AdaGrad's starting sum of squared gradients per weight (0: none). */
  initialAccumulator: number;
  /**
   * A class whose gradient for a sample is below this (its probability, or one minus it for the right
   * class) leaves that sample's weights untouched: 0 updates every class.
   */
  skipBelow: number;
}

// 5 epochs (was 7): with the development sets folded into the examples (2026-12-02) the model sees
// 70% more lines per epoch; 5, 6 and 7 did the same on the conversation sets, so the cheapest.
export const TRAIN_OPTIONS: TrainOptions = { epochs: 5, rate: 0.5, l2: 3e-4, seed: 42, initialAccumulator: 0.01, skipBelow: 1e-3 };

/** xorshift32: a tiny seeded generator, so training order is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export class SoftmaxModel {
  /** Feature-major weights: W[f * classes + c]. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;

  constructor(
    readonly features: number,
    readonly classes: number,
    weights?: Float32Array,
    bias?: Float32Array,
  ) {
    this.weights = weights ?? new Float32Array(features * classes);
    this.bias = bias ?? new Float32Array(classes);
    if (this.weights.length !== features * classes || this.bias.length !== classes) throw new Error('SoftmaxModel: weights do not match its size');
  }

  /** Class probabilities for one sample. */
  predict(x: SparseVector, out = new Float64Array(this.classes)): Float64Array {
    const C = this.classes;
    for (let c = 0; c < C; c++) out[c] = this.bias[c]!;
    for (let j = 0; j < x.idx.length; j++) {
      const base = x.idx[j]! * C;
      const v = x.val[j]!;
      for (let c = 0; c < C; c++) out[c]! += v * this.weights[base + c]!;
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (out[c]! > max) max = out[c]!;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += out[c] = Math.exp(out[c]! - max);
    for (let c = 0; c < C; c++) out[c]! /= sum;
    return out;
  }

  static train(xs: SparseVector[], ys: ArrayLike<number>, features: number, classes: number, o: TrainOptions = TRAIN_OPTIONS): SoftmaxModel {
    const m = new SoftmaxModel(features, classes);
    const C = classes;
    const W = m.weights;
    const gW = new Float32Array(features * classes).fill(o.initialAccumulator);
    const gB = new Float32Array(classes).fill(o.initialAccumulator);
    const { rate, l2, skipBelow } = o;
    const order = Array.from(xs.keys());
    const rand = seededRandom(o.seed);
    const p = new Float64Array(C);
    const active = new Int32Array(C); // the classes this sample updates
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const k = Math.floor(rand() * (i + 1));
        [order[i], order[k]] = [order[k]!, order[i]!];
      }
      for (const s of order) {
        const x = xs[s]!;
        m.predict(x, p);
        p[ys[s]!]! -= 1; // gradient of the log-loss wrt the logits
        let k = 0;
        for (let c = 0; c < C; c++) {
          const g = p[c]!;
          gB[c]! += g * g;
          m.bias[c]! -= (rate * g) / Math.sqrt(gB[c]! + 1e-8);
          if (g >= skipBelow || g <= -skipBelow) active[k++] = c;
        }
        for (let j = 0; j < x.idx.length; j++) {
          const base = x.idx[j]! * C;
          const v = x.val[j]!;
          for (let a = 0; a < k; a++) {
            const c = active[a]!;
            const w = base + c;
            const g = p[c]! * v + l2 * W[w]!;
            gW[w]! += g * g;
            W[w]! -= (rate * g) / Math.sqrt(gW[w]! + 1e-8);
          }
        }
      }
    }
    return m;
  }
}
