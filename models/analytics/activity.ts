// Activity clusters: learners grouped by how they used the site in a recent window (visits, days,
// pages, lessons, time, purchases, recency) with k-means, k chosen by the best silhouette
// (kmeans.ts). Fitting runs on a seeded sample; every learner then joins its nearest centroid.
import { seededRandom, shuffle } from "../random";
import { chooseK, lloyd } from "./kmeans";
import { scaleRows } from "../linalg";

/** A learner's activity in the window, in this order and in its own units (revenue: minor units, site currency). */
export const ACTIVITY_FEATURES = [
  "sessions",
  "active_days",
  "pageviews",
  "lessons",
  "engaged_minutes",
  "purchases",
  "revenue",
  "days_since_last_seen",
] as const;

export interface ActivityLearner {
  learnerId: string;
  /** ACTIVITY_FEATURES, in order. */
  values: number[];
}

/** Learners k-means is fitted on: Lloyd's iterations and the silhouette grow with n·k and n². */
export const CLUSTER_FIT_SAMPLE = 2000;
/** k is chosen among these by silhouette (k = 2..6 stays readable as audiences). */
export const CLUSTER_K_RANGE: readonly [number, number] = [2, 6];

export interface ActivityClusters {
  k: number;
  /** The mean silhouette of each k tried. */
  scores: { k: number; silhouette: number | null }[];
  /** Per learner (input order), its cluster: 0 is the largest, 1 the next, ... */
  assignments: number[];
  /** Per cluster, largest first: size, share and the mean of each feature in its own units. */
  clusters: { size: number; share: number; means: number[] }[];
}

/**
 * Clusters on log1p of each feature, standardised: counts and money are skewed (a few learners
 * with hundreds of page views would otherwise be a cluster each), and log1p keeps 0 at 0.
 * Throws RangeError when there are fewer than 3 learners or all look alike (kmeans.ts chooseK).
 */
export function clusterActivity(learners: readonly ActivityLearner[], seed = 1): ActivityClusters {
  const data = learners.map((l) => l.values.map((v) => Math.log1p(Math.max(0, v))));
  const fitRows =
    data.length > CLUSTER_FIT_SAMPLE
      ? shuffle(
          data.map((_, i) => i),
          seededRandom(seed),
        )
          .slice(0, CLUSTER_FIT_SAMPLE)
          .map((i) => data[i]!)
      : data;
  const { k, result, scores } = chooseK(fitRows, CLUSTER_K_RANGE, seed, { restarts: 2, maxIterations: 50 });
  // No iterations: each learner to the nearest fitted centroid, in the fit's standardised space.
  const nearest = lloyd(scaleRows(data, result.scaler), result.centroids, 0).assignments;

  const sizes = Array.from({ length: k }, (_, c) => nearest.filter((a) => a === c).length);
  const order = sizes.map((_, c) => c).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  const rank = new Map(order.map((c, i) => [c, i]));
  const assignments = nearest.map((c) => rank.get(c)!);
  const clusters = order
    .filter((c) => sizes[c]! > 0)
    .map((c) => {
      const members = learners.filter((_, i) => nearest[i] === c);
      const means = ACTIVITY_FEATURES.map((_, j) => members.reduce((s, l) => s + l.values[j]!, 0) / members.length);
      return { size: members.length, share: members.length / learners.length, means };
    });
  return { k, scores, assignments, clusters };
}
