// Offline evaluation of the recommenders on an interaction log, as `npm run eval:recs` prints it:
// time-based holdout, full ranking over every item the user has not touched in training.
import type { Tf } from "../tf/backend";
import { trainBpr, mfScores, type MfOptions, type EpochReport } from "./bpr";
import { buildDataset, timeHoldout, type Dataset, type Interaction } from "./dataset";
import { itemKnnScores, itemNeighbours } from "./item-knn";
import { rankingMetrics, topK, type RankingMetrics } from "./metrics";
import { popularity } from "./popularity";

/** Ratings at or above this are positives when a file has ratings (MovieLens convention). */
export const POSITIVE_RATING = 4;

/**
 * Parses MovieLens u.data (tab separated, no header), MovieLens ratings.csv
 * (userId,movieId,rating,timestamp) or a generic CSV (user_id,item_id,timestamp[,rating]).
 * Ratings below POSITIVE_RATING become weight 0: seen, not a positive.
 */
export function parseInteractions(text: string): Interaction[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) return [];
  const first = lines[0]!;
  const tab = first.includes("\t");
  const header = tab ? null : first.split(",").map((h) => h.trim().toLowerCase());
  const column = (...names: string[]) => header?.findIndex((h) => names.includes(h)) ?? -1;
  // u.data: user, item, rating, timestamp (seconds).
  let [userAt, itemAt, ratingAt, tsAt] = [0, 1, 2, 3];
  if (header) {
    userAt = column("userid", "user_id", "user");
    itemAt = column("movieid", "item_id", "itemid", "item");
    ratingAt = column("rating");
    tsAt = column("timestamp", "ts");
    if (userAt < 0 || itemAt < 0 || tsAt < 0) throw new Error(`Unrecognised header: ${first}`);
  }
  const rows = header ? lines.slice(1) : lines;
  return rows.map((line, n) => {
    const cells = line.split(tab ? "\t" : ",");
    const ts = Number(cells[tsAt]);
    const rating = ratingAt >= 0 ? Number(cells[ratingAt]) : POSITIVE_RATING;
    if (!cells[userAt] || !cells[itemAt] || !Number.isFinite(ts) || !Number.isFinite(rating)) {
      throw new Error(`Line ${n + (header ? 2 : 1)} is not user, item, timestamp[, rating]: ${line}`);
    }
    // Seconds or milliseconds: only the order matters here.
    return { user: cells[userAt]!, item: cells[itemAt]!, ts, weight: rating >= POSITIVE_RATING ? 1 : 0 };
  });
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

export interface RecsEvaluation {
  popularity: RankingMetrics;
  item_knn: RankingMetrics;
  model: RankingMetrics;
  users: number;
  items: number;
  trainInteractions: number;
  testUsers: number;
  epochs: EpochReport[];
}

export async function evaluateRecommenders(
  tf: Tf,
  interactions: readonly Interaction[],
  options: Partial<MfOptions> = {},
  onEpoch?: (report: EpochReport) => void,
): Promise<RecsEvaluation> {
  const { train, test } = timeHoldout(interactions);
  const catalog = [...new Set(interactions.map((r) => r.item))];
  const data = buildDataset(train, catalog);
  const counts = popularity(data);
  const neighbours = itemNeighbours(data);
  const { model, epochs } = await trainBpr(tf, data, options, onEpoch);
  const numItems = data.items.length;
  const scores = new Float32Array(numItems);
  const metrics = scoreHoldout(data, test, {
    popularity: () => counts,
    item_knn: (_u, history) => itemKnnScores(neighbours, history, numItems),
    model: (u) => (u === undefined ? counts : mfScores(model, u, scores)),
  });
  return {
    ...metrics,
    users: data.users.length,
    items: numItems,
    trainInteractions: train.length,
    testUsers: test.size,
    epochs,
  };
}
