// k-means clustering of learners on standardised behaviour features: k-means++ seeding from a
// seeded generator, Lloyd's iterations, the silhouette score, a k chosen by best silhouette, and
// each cluster described in the features' own units. The same seed gives the same clusters.
import { seededRandom, shuffle } from "../random";
import { type Matrix, type Scaler, fitScaler, scaleRows } from "../linalg";

export interface LloydResult {
  centroids: Matrix;
  /** Cluster of each point. */
  assignments: number[];
  /** Sum of squared distances from each point to its centroid. */
  inertia: number;
  /** Centroid updates made. */
  iterations: number;
}

const squaredDistance = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0);

/** Index of the nearest centroid; ties go to the lower index. */
function nearest(point: readonly number[], centroids: Matrix): number {
  let best = 0;
  let bestDistance = Infinity;
  centroids.forEach((c, i) => {
    const d = squaredDistance(point, c);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  });
  return best;
}

/**
 * Lloyd's algorithm from explicit initial centroids, in the space the points are given in:
 * assign every point to its nearest centroid (ties to the lower index), move each centroid to the
 * mean of its points (a centroid left with no points stays where it was), and repeat until no
 * assignment changes or `maxIterations` updates were made.
 */
export function lloyd(points: Matrix, initial: Matrix, maxIterations = 100): LloydResult {
  let centroids = initial.map((c) => [...c]);
  let assignments = points.map((p) => nearest(p, centroids));
  let iterations = 0;
  while (iterations < maxIterations) {
    const sums = centroids.map((c) => c.map(() => 0));
    const counts = centroids.map(() => 0);
    points.forEach((p, i) => {
      const c = assignments[i]!;
      counts[c]!++;
      p.forEach((v, j) => (sums[c]![j]! += v));
    });
    centroids = centroids.map((old, c) => (counts[c] ? sums[c]!.map((s) => s / counts[c]!) : old));
    iterations++;
    const next = points.map((p) => nearest(p, centroids));
    const changed = next.some((c, i) => c !== assignments[i]);
    assignments = next;
    if (!changed) break;
  }
  const inertia = points.reduce((s, p, i) => s + squaredDistance(p, centroids[assignments[i]!]!), 0);
  return { centroids, assignments, inertia, iterations };
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007): the first centroid is a point drawn uniformly,
 * each next one a point drawn with probability proportional to its squared distance to the
 * nearest centroid chosen so far.
 */
export function kmeansPlusPlus(points: Matrix, k: number, random: () => number): Matrix {
  const n = points.length;
  const centroids: Matrix = [[...points[Math.floor(random() * n)]!]];
  const d2 = points.map((p) => squaredDistance(p, centroids[0]!));
  while (centroids.length < k) {
    const total = d2.reduce((s, v) => s + v, 0);
    let pick = -1;
    if (total > 0) {
      let r = random() * total;
      for (let i = 0; i < n && r >= 0; i++) {
        if (d2[i]! === 0) continue;
        pick = i; // the last point with weight, should rounding leave r at or above 0
        r -= d2[i]!;
      }
    } else pick = Math.floor(random() * n); // every point sits on a centroid already
    const c = [...points[pick]!];
    centroids.push(c);
    points.forEach((p, i) => (d2[i] = Math.min(d2[i]!, squaredDistance(p, c))));
  }
  return centroids;
}

/**
 * Mean silhouette (Rousseeuw 1987) with Euclidean distances: per point, a = mean distance to the
 * other points of its cluster, b = the lowest mean distance to the points of another cluster,
 * s = (b − a) / max(a, b), and s = 0 for a point alone in its cluster. null with fewer than two
 * non-empty clusters, where it is undefined.
 */
export function silhouette(points: Matrix, assignments: readonly number[]): number | null {
  const k = assignments.reduce((m, c) => Math.max(m, c), -1) + 1;
  const sizes = new Array<number>(k).fill(0);
  for (const c of assignments) sizes[c]!++;
  if (sizes.filter((s) => s > 0).length < 2) return null;
  let total = 0;
  points.forEach((p, i) => {
    const own = assignments[i]!;
    if (sizes[own] === 1) return; // s(i) = 0
    const sums = new Array<number>(k).fill(0);
    points.forEach((q, j) => {
      if (j !== i) sums[assignments[j]!]! += Math.sqrt(squaredDistance(p, q));
    });
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    sums.forEach((s, c) => {
      if (c !== own && sizes[c]! > 0) b = Math.min(b, s / sizes[c]!);
    });
    const spread = Math.max(a, b);
    total += spread > 0 ? (b - a) / spread : 0;
  });
  return total / points.length;
}

export interface ClusterProfile {
  cluster: number;
  size: number;
  share: number;
  /** Mean of each feature in the cluster, in the feature's own units. */
  means: number[];
  /** The same means as z-scores (the centroid in the standardised space). */
  z: number[];
}

export interface KMeansResult extends LloydResult {
  k: number;
  /** The standardisation applied before clustering (centroids are in its z-space). */
  scaler: Scaler;
  clusters: ClusterProfile[];
}

export interface KMeansOptions {
  maxIterations?: number;
  /** k-means++ starts; the one with the lowest inertia is kept (the first on ties). Default 4. */
  restarts?: number;
}

function profiles(data: Matrix, result: LloydResult): ClusterProfile[] {
  const p = data[0]?.length ?? 0;
  return result.centroids.map((z, cluster) => {
    const members = data.filter((_, i) => result.assignments[i] === cluster);
    const means = Array.from(
      { length: p },
      (_, j) => members.reduce((s, row) => s + row[j]!, 0) / (members.length || 1),
    );
    return { cluster, size: members.length, share: members.length / data.length, means, z };
  });
}

/** k-means on the standardised columns of `data` (rows are learners). Deterministic for a seed. */
export function kmeans(data: Matrix, k: number, seed: number, options: KMeansOptions = {}): KMeansResult {
  if (!Number.isInteger(k) || k < 1 || k > data.length)
    throw new RangeError(`k is a whole number from 1 to the number of rows (${data.length}).`);
  const scaler = fitScaler(data);
  const z = scaleRows(data, scaler);
  const random = seededRandom(seed);
  let best: LloydResult | undefined;
  for (let r = 0; r < Math.max(1, options.restarts ?? 4); r++) {
    const result = lloyd(z, kmeansPlusPlus(z, k, random), options.maxIterations);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return { ...best!, k, scaler, clusters: profiles(data, best!) };
}

/** Rows the silhouette is computed on in chooseK: it costs n² distances, so larger sets are sampled. */
export const SILHOUETTE_SAMPLE = 2000;

/**
 * Clusters for every k in [min, max] (2 ≤ k < rows) and the one with the best mean silhouette
 * in the standardised space (the smaller k on ties). Past SILHOUETTE_SAMPLE rows the silhouette
 * is taken over a seeded random sample of rows, as scikit-learn's sample_size does.
 */
export function chooseK(
  data: Matrix,
  kRange: readonly [number, number],
  seed: number,
  options: KMeansOptions = {},
): { k: number; result: KMeansResult; scores: { k: number; silhouette: number | null }[] } {
  const [min, max] = [Math.max(2, kRange[0]), Math.min(kRange[1], data.length - 1)];
  if (min > max) throw new RangeError("No k in the range fits: k runs from 2 to one less than the rows.");
  const rows =
    data.length > SILHOUETTE_SAMPLE
      ? shuffle(
          data.map((_, i) => i),
          seededRandom(seed ^ 0x5bd1e995),
        )
      : null;
  const sample = rows ? rows.slice(0, SILHOUETTE_SAMPLE) : null;
  const scores: { k: number; silhouette: number | null }[] = [];
  let best: { k: number; result: KMeansResult; s: number } | undefined;
  for (let k = min; k <= max; k++) {
    const result = kmeans(data, k, seed, options);
    const z = scaleRows(data, result.scaler);
    const s = sample
      ? silhouette(
          sample.map((i) => z[i]!),
          sample.map((i) => result.assignments[i]!),
        )
      : silhouette(z, result.assignments);
    scores.push({ k, silhouette: s });
    if (s !== null && (!best || s > best.s)) best = { k, result, s };
  }
  if (!best) throw new RangeError("Every k left fewer than two non-empty clusters: the rows are all alike.");
  return { k: best.k, result: best.result, scores };
}
