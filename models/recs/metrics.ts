// Offline ranking quality: Precision, Recall and NDCG at k, and catalog coverage.

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
