// Item-item co-occurrence ("learners who bought this also bought"): cosine similarity between
// items' sets of users, keeping each item's strongest neighbours.
import type { Dataset } from "./dataset";

/** Neighbours kept per item: enough for "similar courses" and for scoring a learner's history. */
export const ITEM_KNN_NEIGHBOURS = 50;

/** Per item: neighbour indices and similarities, strongest first. */
export interface Neighbours {
  items: Int32Array[];
  weights: Float32Array[];
}

/**
 * Cosine over binary co-occurrence, c_ij / sqrt(c_i c_j). Cost is the sum over users of their
 * positives squared, which is fine for course catalogs (learners own tens of courses, not thousands).
 */
export function itemNeighbours(data: Dataset, k = ITEM_KNN_NEIGHBOURS): Neighbours {
  const n = data.items.length;
  const counts = new Float32Array(n);
  for (const items of data.positives) for (const i of items) counts[i]! += 1;
  const co: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (const items of data.positives) {
    for (let a = 0; a < items.length; a++) {
      const row = co[items[a]!]!;
      for (let b = 0; b < items.length; b++) {
        if (a !== b) row.set(items[b]!, (row.get(items[b]!) ?? 0) + 1);
      }
    }
  }
  const result: Neighbours = { items: [], weights: [] };
  for (let i = 0; i < n; i++) {
    const ranked = [...co[i]!.entries()]
      .map(([j, c]) => [j, c / Math.sqrt(counts[i]! * counts[j]!)] as const)
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, k);
    result.items.push(Int32Array.from(ranked.map((r) => r[0])));
    result.weights.push(Float32Array.from(ranked.map((r) => r[1])));
  }
  return result;
}

/** A learner's score for every item: the summed similarity to what they already like. */
export function itemKnnScores(neighbours: Neighbours, history: ArrayLike<number>, numItems: number): Float32Array {
  const scores = new Float32Array(numItems);
  for (let h = 0; h < history.length; h++) {
    const i = history[h]!;
    const items = neighbours.items[i]!;
    const weights = neighbours.weights[i]!;
    for (let n = 0; n < items.length; n++) scores[items[n]!]! += weights[n]!;
  }
  return scores;
}
