// The propensity network: a small network (Dense 64 relu, then a sigmoid unit) trained with tfjs
// on encoded features; with gradient-boosted trees it makes the production model (model.ts). With
// hidden = 0 it is logistic regression, the baseline both must beat.
import type { Tf } from "../tf/backend";
import { gaussian, seededRandom, shuffle } from "../random";

export interface NetworkOptions {
  /** Hidden relu units; 0 gives logistic regression. */
  hidden: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  l2: number;
  seed: number;
}

export const DEFAULT_NETWORK_OPTIONS: NetworkOptions = {
  hidden: 64,
  epochs: 20,
  learningRate: 0.003,
  batchSize: 256,
  l2: 0.0001,
  seed: 42,
};

/** Weights row-major: w1 is [inputs, hidden], w2 is [hidden or inputs, 1]. */
export interface Network {
  inputs: number;
  hidden: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: number;
}

export async function trainNetwork(
  tf: Tf,
  x: Float32Array,
  y: Float32Array,
  inputs: number,
  options: Partial<NetworkOptions> = {},
): Promise<Network> {
  const o = { ...DEFAULT_NETWORK_OPTIONS, ...options };
  const random = seededRandom(o.seed);
  const rows = y.length;
  const top = o.hidden > 0 ? o.hidden : inputs;
  // He initialisation for the relu layer, small values for the output unit.
  const w1 = tf.variable(tf.tensor2d(gaussian(inputs * o.hidden, Math.sqrt(2 / inputs), random), [inputs, o.hidden]));
  const b1 = tf.variable(tf.zeros([o.hidden]));
  const w2 = tf.variable(tf.tensor2d(gaussian(top, Math.sqrt(1 / top), random), [top, 1]));
  const b2 = tf.variable(tf.zeros([1]));
  const optimizer = tf.train.adam(o.learningRate);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      shuffle(order, random);
      for (let start = 0; start < rows; start += o.batchSize) {
        const size = Math.min(o.batchSize, rows - start);
        const bx = new Float32Array(size * inputs);
        const by = new Float32Array(size);
        for (let b = 0; b < size; b++) {
          const r = order[start + b]!;
          bx.set(x.subarray(r * inputs, (r + 1) * inputs), b * inputs);
          by[b] = y[r]!;
        }
        tf.tidy(() => {
          const xT = tf.tensor2d(bx, [size, inputs]);
          const yT = tf.tensor2d(by, [size, 1]);
          optimizer.minimize(() => {
            const h = o.hidden > 0 ? tf.relu(tf.add(tf.matMul(xT, w1), b1)) : xT;
            const logits = tf.add(tf.matMul(h, w2), b2);
            // Binary cross-entropy from logits, written stably: softplus(z) - y z.
            const bce = tf.mean(tf.sub(tf.softplus(logits), tf.mul(yT, logits)));
            const penalty = tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2)));
            return tf.add(bce, tf.mul(o.l2, penalty)) as ReturnType<Tf["scalar"]>;
          });
        });
      }
    }
    return {
      inputs,
      hidden: o.hidden,
      w1: Float32Array.from(w1.dataSync()),
      b1: Float32Array.from(b1.dataSync()),
      w2: Float32Array.from(w2.dataSync()),
      b2: b2.dataSync()[0]!,
    };
  } finally {
    for (const v of [w1, b1, w2, b2]) v.dispose();
    optimizer.dispose();
  }
}

function logits(tf: Tf, net: Network, x: Float32Array) {
  const rows = x.length / net.inputs;
  const xT = tf.tensor2d(x, [rows, net.inputs]);
  const h =
    net.hidden > 0
      ? tf.relu(tf.add(tf.matMul(xT, tf.tensor2d(net.w1, [net.inputs, net.hidden])), tf.tensor1d(net.b1)))
      : xT;
  const top = net.hidden > 0 ? net.hidden : net.inputs;
  return tf.add(tf.matMul(h, tf.tensor2d(net.w2, [top, 1])), net.b2);
}

/** tfjs's probabilities for a [rows, inputs] matrix: the reference for the ONNX export. */
export function tfjsPredict(tf: Tf, net: Network, x: Float32Array): Float32Array {
  return tf.tidy(() => tf.sigmoid(logits(tf, net, x)).dataSync() as Float32Array);
}

/** tfjs's log-odds for a [rows, inputs] matrix (the network's part of the blended model). */
export function tfjsLogits(tf: Tf, net: Network, x: Float32Array): Float32Array {
  return tf.tidy(() => logits(tf, net, x).dataSync() as Float32Array);
}

/** The same network in plain TypeScript, for one row. */
export function predict(net: Network, row: ArrayLike<number>): number {
  let z = net.b2;
  if (net.hidden === 0) {
    for (let i = 0; i < net.inputs; i++) z += row[i]! * net.w2[i]!;
  } else {
    for (let h = 0; h < net.hidden; h++) {
      let a = net.b1[h]!;
      for (let i = 0; i < net.inputs; i++) a += row[i]! * net.w1[i * net.hidden + h]!;
      if (a > 0) z += a * net.w2[h]!;
    }
  }
  return 1 / (1 + Math.exp(-z));
}
