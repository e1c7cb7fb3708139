// Implicit-feedback matrix factorisation with the BPR loss (Rendle et al., 2009), trained with
// tfjs: for a learner u, a course they liked i and one they did not touch j, push
// score(u, i) = p_u . q_i + b_i above score(u, j).
import type { Tf } from "../tf/backend";
import { gaussian, seededRandom, shuffle } from "../random";
import type { Dataset } from "./dataset";

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
  onEpoch?: (report: EpochReport) => void,
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
  const users = tf.variable(tf.tensor2d(gaussian(numUsers * o.dim, 0.1, random), [numUsers, o.dim]));
  const items = tf.variable(tf.tensor2d(gaussian(numItems * o.dim, 0.1, random), [numItems, o.dim]));
  const bias = tf.variable(tf.zeros([numItems]));
  const optimizer = tf.train.adam(o.learningRate);
  const epochs: EpochReport[] = [];
  try {
    for (let epoch = 1; epoch <= o.epochs && order.length > 0; epoch++) {
      const started = Date.now();
      shuffle(order, random);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += o.batchSize) {
        const size = Math.min(o.batchSize, order.length - start);
        const u = new Int32Array(size);
        const i = new Int32Array(size);
        const j = new Int32Array(size);
        for (let b = 0; b < size; b++) {
          const pair = order[start + b]!;
          u[b] = pairUsers[pair]!;
          i[b] = pairItems[pair]!;
          j[b] = sampleNegative(data.seen[u[b]!]!, numItems, random);
        }
        const loss = tf.tidy(() => {
          const uT = tf.tensor1d(u, "int32");
          const iT = tf.tensor1d(i, "int32");
          const jT = tf.tensor1d(j, "int32");
          const step = optimizer.minimize(() => {
            const pu = tf.gather(users, uT);
            const qi = tf.gather(items, iT);
            const qj = tf.gather(items, jT);
            const dots = tf.sum(tf.mul(pu, tf.sub(qi, qj)), 1);
            const margin = tf.add(dots, tf.sub(tf.gather(bias, iT), tf.gather(bias, jT)));
            const norms = tf.add(tf.add(tf.sum(tf.square(pu)), tf.sum(tf.square(qi))), tf.sum(tf.square(qj)));
            // -log sigmoid(m) written as softplus(-m): tfjs 4.22's logSigmoid gradient loses its
            // input when that input is an intermediate tensor ("reading 'backend'" errors).
            const bprLoss = tf.mean(tf.softplus(tf.neg(margin)));
            return tf.add(bprLoss, tf.mul(o.l2 / size, norms)) as ReturnType<typeof tf.scalar>;
          }, true);
          return step ?? tf.scalar(0);
        });
        lossSum += loss.dataSync()[0]!;
        loss.dispose();
        batches++;
      }
      const report = { epoch, loss: lossSum / Math.max(1, batches), ms: Date.now() - started };
      epochs.push(report);
      onEpoch?.(report);
    }
    const model: MfModel = {
      dim: o.dim,
      numUsers,
      numItems,
      userFactors: Float32Array.from(users.dataSync()),
      itemFactors: Float32Array.from(items.dataSync()),
      itemBias: Float32Array.from(bias.dataSync()),
    };
    return { model, epochs };
  } finally {
    users.dispose();
    items.dispose();
    bias.dispose();
    optimizer.dispose();
  }
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
