// Implicit-feedback matrix factorisation with the BPR loss (Rendle et al., 2009), trained with
// tfjs: for a learner u, a course they liked i and one they did not touch j, push
// score(u, i) = p_u . q_i + b_i above score(u, j).
import type { Scalar, Tensor } from "@tensorflow/tfjs-core";
import type { Tf } from "../tf/backend";
import { gaussian, seededRandom, shuffle } from "../random";
import type { Dataset } from "./dataset";
import { gatherRows, SparseAdam } from "./sparse-adam";

export interface MfOptions {
  dim: number;
  epochs: number;
  learningRate: number;
  /** L2 penalty on the embeddings touched by a batch. */
  l2: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_MF_OPTIONS: MfOptions = {
  dim: 32,
  epochs: 30,
  learningRate: 0.005,
  l2: 0.0005,
  batchSize: 1024,
  seed: 7,
};

/**
 * Small sites have fewer positives than one batch: an epoch would then be a single Adam step, and
 * 30 epochs far too few to learn anything. Batches shrink so that an epoch takes at least this
 * many steps (MovieLens-sized data keeps full batches).
 */
export const MIN_STEPS_PER_EPOCH = 16;

/** Trained factors, row-major: user u's vector is userFactors[u*dim .. (u+1)*dim). */
export interface MfModel {
  dim: number;
  numUsers: number;
  numItems: number;
  userFactors: Float32Array;
  itemFactors: Float32Array;
  itemBias: Float32Array;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  ms: number;
}

/** Draws an item the user has not interacted with; gives up (returns any item) on a full history. */
function sampleNegative(seen: Set<number>, numItems: number, random: () => number): number {
  let j = 0;
  for (let tries = 0; tries < 20; tries++) {
    j = Math.floor(random() * numItems);
    if (!seen.has(j)) return j;
  }
  return j;
}

export async function trainBpr(
  tf: Tf,
  data: Dataset,
  options: Partial<MfOptions> = {},
  /** Called after each epoch with the model so far (its arrays keep training: copy what you keep). */
  onEpoch?: (report: EpochReport, model: MfModel) => void,
): Promise<{ model: MfModel; epochs: EpochReport[] }> {
  const o = { ...DEFAULT_MF_OPTIONS, ...options };
  const numUsers = data.users.length;
  const numItems = data.items.length;
  const random = seededRandom(o.seed);
  const pairUsers: number[] = [];
  const pairItems: number[] = [];
  data.positives.forEach((items, u) => {
    for (const i of items) {
      pairUsers.push(u);
      pairItems.push(i);
    }
  });
  const order = Int32Array.from(pairUsers.keys());
  const batchSize = Math.max(1, Math.min(o.batchSize, Math.ceil(order.length / MIN_STEPS_PER_EPOCH)));
  const d = o.dim;
  const userFactors = gaussian(numUsers * d, 0.1, random);
  const itemFactors = gaussian(numItems * d, 0.1, random);
  const itemBias = new Float32Array(numItems);
  const model: MfModel = { dim: d, numUsers, numItems, userFactors, itemFactors, itemBias };
  const userAdam = new SparseAdam(userFactors, d, o.learningRate);
  const itemAdam = new SparseAdam(itemFactors, d, o.learningRate);
  const biasAdam = new SparseAdam(itemBias, 1, o.learningRate);
  // The BPR loss of a batch and its gradients with respect to the batch's own rows (tfjs
  // autodiff); the tables themselves stay plain arrays, updated row by row by SparseAdam.
  const lossAndGrads = tf.valueAndGrads((pu: Tensor, qi: Tensor, qj: Tensor, bi: Tensor, bj: Tensor) => {
    const size = pu.shape[0]!;
    // Row-wise dot products as a MatMul with a ones column: the gradient of sum(axis 1) would
    // broadcast through the cpu backend's slow per-element path.
    const dots = tf.reshape(tf.matMul(tf.mul(pu, tf.sub(qi, qj)), tf.ones([pu.shape[1]!, 1])), [size]);
    const margin = tf.add(dots, tf.sub(bi, bj));
    // -log sigmoid(m) written as softplus(-m): tfjs 4.22's logSigmoid gradient loses its
    // input when that input is an intermediate tensor ("reading 'backend'" errors).
    const bprLoss = tf.mean(tf.softplus(tf.neg(margin)));
    // Sums of squares as 1 x n by n x 1 MatMuls, for the same reason.
    const squares = (x: Tensor) => tf.matMul(tf.reshape(x, [1, -1]), tf.reshape(x, [-1, 1]));
    const norms = tf.reshape(tf.add(tf.add(squares(pu), squares(qi)), squares(qj)), []);
    return tf.add(bprLoss, tf.mul(o.l2 / size, norms)) as Scalar;
  });
  const epochs: EpochReport[] = [];
  for (let epoch = 1; epoch <= o.epochs && order.length > 0; epoch++) {
    const started = Date.now();
    shuffle(order, random);
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const size = Math.min(batchSize, order.length - start);
      const u = new Int32Array(size);
      const ij = new Int32Array(2 * size); // positives, then negatives: one update of the item table
      for (let b = 0; b < size; b++) {
        const pair = order[start + b]!;
        u[b] = pairUsers[pair]!;
        ij[b] = pairItems[pair]!;
        ij[size + b] = sampleNegative(data.seen[u[b]!]!, numItems, random);
      }
      const i = ij.subarray(0, size);
      const j = ij.subarray(size);
      // Read results out inside tidy rather than returning them: tidy walks returned containers
      // element by element, which for 32k-float gradients cost more than the maths.
      let loss = 0;
      let grads: Float32Array[] = [];
      tf.tidy(() => {
        const result = lossAndGrads([
          tf.tensor2d(gatherRows(userFactors, d, u), [size, d]),
          tf.tensor2d(gatherRows(itemFactors, d, i), [size, d]),
          tf.tensor2d(gatherRows(itemFactors, d, j), [size, d]),
          tf.tensor1d(gatherRows(itemBias, 1, i)),
          tf.tensor1d(gatherRows(itemBias, 1, j)),
        ]);
        loss = result.value.dataSync()[0]!;
        grads = result.grads.map((g) => g.dataSync() as Float32Array);
      });
      const [gUser, gI, gJ, gBi, gBj] = grads as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      userAdam.apply(u, gUser);
      itemAdam.apply(ij, concat(gI, gJ));
      biasAdam.apply(ij, concat(gBi, gBj));
      lossSum += loss;
      batches++;
    }
    const report = { epoch, loss: lossSum / Math.max(1, batches), ms: Date.now() - started };
    epochs.push(report);
    onEpoch?.(report, model);
  }
  return { model, epochs };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** tfjs's own scores for users (rows) over all items: the reference the ONNX export must match. */
export function tfjsScores(tf: Tf, model: MfModel, userRows: readonly number[]): Float32Array {
  return tf.tidy(() => {
    const users = tf.gather(tf.tensor2d(model.userFactors, [model.numUsers, model.dim]), userRows);
    const items = tf.tensor2d(model.itemFactors, [model.numItems, model.dim]);
    const scores = tf.add(tf.matMul(users, items, false, true), tf.tensor1d(model.itemBias));
    return scores.dataSync() as Float32Array;
  });
}

/** Plain TypeScript scores for one user: the fallback scorer and the benchmark's baseline. */
export function mfScores(model: MfModel, user: number, out = new Float32Array(model.numItems)): Float32Array {
  const d = model.dim;
  const p = model.userFactors.subarray(user * d, user * d + d);
  for (let i = 0; i < model.numItems; i++) {
    let s = model.itemBias[i]!;
    const q = i * d;
    for (let k = 0; k < d; k++) s += p[k]! * model.itemFactors[q + k]!;
    out[i] = s;
  }
  return out;
}
