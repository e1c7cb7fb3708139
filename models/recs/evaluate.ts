// Offline evaluation of the recommenders on an interaction log, as `npm run eval:recs` prints it:
// the production pipeline (selection on the training period, then every candidate on the
// holdout), with a time-based holdout or a given test file, full ranking over every item the user
// has not touched in training.
import type { Tf } from "../tf/backend";
import { buildDataset, timeHoldout, type Interaction } from "./dataset";
import { runPipeline, type PipelineResult, type SelectionOptions } from "./select";

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

export interface RecsEvaluation extends PipelineResult {
  users: number;
  items: number;
  trainInteractions: number;
  testUsers: number;
}

/**
 * Runs the production pipeline (selection included) on an interaction log. Without `test`, each
 * user's chronologically last 20% of positives are held out; with it (a file like MovieLens
 * ua.test), its positives are the test set and `interactions` all train.
 */
export async function evaluateRecommenders(
  tf: Tf,
  interactions: readonly Interaction[],
  options: SelectionOptions & { test?: readonly Interaction[] } = {},
): Promise<RecsEvaluation> {
  const { test: given, ...selection } = options;
  let train: readonly Interaction[] = interactions;
  let test: Map<string, string[]>;
  if (given) {
    test = new Map();
    for (const row of given) {
      if (row.weight <= 0) continue;
      const list = test.get(row.user);
      if (list) list.push(row.item);
      else test.set(row.user, [row.item]);
    }
  } else ({ train, test } = timeHoldout(interactions));
  const catalog = [...new Set([...interactions, ...(given ?? [])].map((r) => r.item))];
  const data = buildDataset(train, catalog);
  const result = await runPipeline(tf, train, test, catalog, selection);
  return {
    ...result,
    users: data.users.length,
    items: data.items.length,
    trainInteractions: train.length,
    testUsers: result.learners,
  };
}
