// Offline ranking quality: Precision, Recall and NDCG at k, and catalog coverage, and the loop
// that scores every held-out learner with a set of scorers.
import type { Dataset } from "./dataset";

export interface RankingMetrics {
  "precision@10": number;
  "recall@10": number;
  "ndcg@10": number;
  coverage: number;
}

/** The top k item indices by score, skipping excluded ones; ties go to the lower index. */
export function topK(scores: ArrayLike<number>, k: number, excluded?: { has(i: number): boolean }): number[] {
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (excluded?.has(i)) continue;
    const s = scores[i]!;
    if (best.length === k && s <= scores[best[k - 1]!]!) continue;
    let at = best.length;
    while (at > 0 && scores[best[at - 1]!]! < s) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

/** Averages over users of precision, recall and NDCG of `recommended` against `relevant`. */
export function rankingMetrics(
  lists: { recommended: readonly number[]; relevant: ReadonlySet<number> }[],
  numItems: number,
  k = 10,
): RankingMetrics {
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  const shown = new Set<number>();
  for (const { recommended, relevant } of lists) {
    let hits = 0;
    let dcg = 0;
    recommended.slice(0, k).forEach((item, rank) => {
      shown.add(item);
      if (!relevant.has(item)) return;
      hits++;
      dcg += 1 / Math.log2(rank + 2);
    });
    let ideal = 0;
    for (let rank = 0; rank < Math.min(k, relevant.size); rank++) ideal += 1 / Math.log2(rank + 2);
    precision += hits / k;
    recall += hits / relevant.size;
    ndcg += ideal > 0 ? dcg / ideal : 0;
  }
  const n = Math.max(1, lists.length);
  return {
    "precision@10": precision / n,
    "recall@10": recall / n,
    "ndcg@10": ndcg / n,
    coverage: shown.size / Math.max(1, numItems),
  };
}

/** Scores one learner (undefined: not in the training data) given their training positives. */
export type UserScorer = (user: number | undefined, history: Int32Array) => ArrayLike<number>;

/** Top-10 of each scorer for every held-out learner, excluding what they touched in training. */
export function scoreHoldout<Name extends string>(
  data: Dataset,
  test: ReadonlyMap<string, readonly string[]>,
  scorers: Record<Name, UserScorer>,
): Record<Name, RankingMetrics> {
  const lists = {} as Record<Name, Parameters<typeof rankingMetrics>[0]>;
  for (const name of Object.keys(scorers) as Name[]) lists[name] = [];
  for (const [user, items] of test) {
    const u = data.userIndex.get(user);
    const relevant = new Set(items.map((id) => data.itemIndex.get(id)).filter((i) => i !== undefined));
    if (relevant.size === 0) continue;
    const seen = u === undefined ? undefined : data.seen[u];
    const history = u === undefined ? new Int32Array() : data.positives[u]!;
    for (const name of Object.keys(scorers) as Name[]) {
      lists[name].push({ recommended: topK(scorers[name](u, history), 10, seen), relevant });
    }
  }
  const result = {} as Record<Name, RankingMetrics>;
  for (const name of Object.keys(scorers) as Name[]) result[name] = rankingMetrics(lists[name], data.items.length);
  return result;
}
