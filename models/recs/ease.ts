// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019): an item x item
// weight matrix B that predicts each item from the learner's other items, in closed form:
//   P = (XᵀX + λI)⁻¹,  B = I − P·diag(1/diag(P)),  so B_ij = −P_ij / P_jj and diag(B) = 0.
// A learner's scores are their history row times B. The inverse costs about n³/2 multiply-adds
// and B holds n² floats, which course catalogs (hundreds to a few thousand items) afford.
import { spdInverseInPlace } from "../linalg";
import type { Dataset } from "./dataset";

/**
 * Largest catalog EASE is fitted for. At 2,000 items the Gram matrix is 32 MB of float64 and B
 * 16 MB of float32 (also the ONNX file's size): inside a Worker's 128 MB with room to export.
 * Beyond it, selection leaves EASE out and the other candidates compete.
 */
export const MAX_EASE_ITEMS = 2_000;

/** The L2 penalty λ when none is tuned; selection tries EASE_LAMBDAS on the validation split. */
export const DEFAULT_EASE_LAMBDA = 100;

export interface EaseModel {
  numItems: number;
  lambda: number;
  /** B, row-major [numItems, numItems]: weights[i * numItems + j] is item i's vote for item j. */
  weights: Float32Array;
}

/** XᵀX over the learners' positives (binary X), as a row-major float64 matrix. */
export function easeGram(data: Dataset): Float64Array {
  const n = data.items.length;
  const g = new Float64Array(n * n);
  for (const items of data.positives) {
    for (let a = 0; a < items.length; a++) {
      const row = items[a]! * n;
      for (let b = 0; b < items.length; b++) g[row + items[b]!]! += 1;
    }
  }
  return g;
}

/**
 * Fits B for one λ. Pass `gram` (from easeGram, left untouched) to try several λ on the same data
 * without recounting. Throws on catalogs above MAX_EASE_ITEMS: callers check easeFits first.
 */
export function trainEase(data: Dataset, lambda = DEFAULT_EASE_LAMBDA, gram?: Float64Array): EaseModel {
  const n = data.items.length;
  if (!easeFits(n)) throw new RangeError(`EASE is limited to ${MAX_EASE_ITEMS} items; this catalog has ${n}.`);
  if (!(lambda > 0)) throw new RangeError(`EASE needs λ > 0 (got ${lambda}).`);
  const p = Float64Array.from(gram ?? easeGram(data));
  for (let i = 0; i < n; i++) p[i * n + i]! += lambda;
  spdInverseInPlace(p, n); // XᵀX + λI is positive definite for any λ > 0
  const weights = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j) weights[i * n + j] = -p[i * n + j]! / p[j * n + j]!;
  }
  return { numItems: n, lambda, weights };
}

export const easeFits = (numItems: number): boolean => numItems > 0 && numItems <= MAX_EASE_ITEMS;

/**
 * A learner's scores: the sum of B's rows for the items in their history (each counted once, as
 * in historyRow), accumulated in float64 from B's float32 weights, the numbers ONNX multiplies.
 */
export function easeScores(model: EaseModel, history: ArrayLike<number>, out = new Float32Array(model.numItems)) {
  const n = model.numItems;
  const sums = new Float64Array(n);
  for (const item of new Set(Array.from(history))) {
    const row = item * n;
    for (let j = 0; j < n; j++) sums[j]! += model.weights[row + j]!;
  }
  out.set(sums);
  return out;
}

/** The history row the ONNX graph takes: 1 for each item in the history, else 0. */
export function historyRow(history: ArrayLike<number>, numItems: number): Float32Array {
  const row = new Float32Array(numItems);
  for (let h = 0; h < history.length; h++) row[history[h]!] = 1;
  return row;
}
