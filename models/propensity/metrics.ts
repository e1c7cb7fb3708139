// Classification quality: ROC-AUC (rank based, ties averaged), F1 and accuracy at a threshold.
import { seededRandom, shuffle } from "../random";

export interface ClassifierMetrics {
  auc: number;
  f1: number;
  accuracy: number;
}

export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]! > 0) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function classifierMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold = 0.5,
): ClassifierMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = scores[i]! >= threshold;
    const actual = labels[i]! > 0;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
    if (predicted === actual) correct++;
  }
  return {
    auc: rocAuc(labels, scores),
    f1: tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn),
    accuracy: correct / Math.max(1, labels.length),
  };
}

/** Stratified k-fold: fold number per row, each fold holding the same share of positives. */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const folds = new Int32Array(labels.length);
  for (const wanted of [0, 1]) {
    const rows = shuffle(
      Array.from({ length: labels.length }, (_, i) => i).filter((i) => (labels[i]! > 0 ? 1 : 0) === wanted),
      random,
    );
    rows.forEach((row, n) => (folds[row] = n % k));
  }
  return folds;
}
