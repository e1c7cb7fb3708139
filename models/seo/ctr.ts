// The expected click-through rate at each search position, fitted on the site's own data when it
// has enough, and the money an improvement would be worth.
import { gram, LinalgError, solve, xty } from "../linalg";

/** Published organic CTR by position 1-10 (fractions), used when the site has too little data. */
export const PUBLISHED_CTR = [0.285, 0.157, 0.11, 0.08, 0.072, 0.051, 0.04, 0.032, 0.028, 0.025] as const;
/** Fewer (query, page) points than this, or fewer distinct positions, and the published curve is used. */
export const MIN_CURVE_POINTS = 20;
export const MIN_CURVE_POSITIONS = 5;
/** A point enters the fit only with this many impressions (a CTR from 3 impressions is noise). */
export const MIN_POINT_IMPRESSIONS = 20;
/** Positions beyond this are left out of the fit: CTR there is close to zero and says little. */
export const MAX_FIT_POSITION = 20;

export interface CtrPoint {
  position: number;
  clicks: number;
  impressions: number;
}

/**
 * ctr(p) = a + b·ln(p), by least squares weighted by impressions (each impression is one
 * observation), or the published curve. A fit that does not fall with position is refused.
 */
export interface CtrCurve {
  source: "fitted" | "published";
  a: number;
  b: number;
  points: number;
}

export function publishedCtr(position: number): number {
  const p = Math.max(1, position);
  if (p >= 10) return PUBLISHED_CTR[9] * (10 / p);
  // Linear between the published whole positions.
  const lo = Math.floor(p);
  const frac = p - lo;
  return PUBLISHED_CTR[lo - 1]! * (1 - frac) + PUBLISHED_CTR[lo]! * frac;
}

export function fitCtrCurve(points: readonly CtrPoint[]): CtrCurve {
  const usable = points.filter(
    (p) => p.impressions >= MIN_POINT_IMPRESSIONS && p.position >= 1 && p.position <= MAX_FIT_POSITION,
  );
  const published: CtrCurve = { source: "published", a: 0, b: 0, points: usable.length };
  const positions = new Set(usable.map((p) => Math.round(p.position)));
  if (usable.length < MIN_CURVE_POINTS || positions.size < MIN_CURVE_POSITIONS) return published;
  const x = usable.map((p) => {
    const w = Math.sqrt(p.impressions);
    return [w, w * Math.log(p.position)];
  });
  const y = usable.map((p) => Math.sqrt(p.impressions) * (p.clicks / p.impressions));
  try {
    const [a, b] = solve(gram(x), xty(x, y)) as [number, number];
    if (!(b < 0) || !(a > 0)) return published;
    return { source: "fitted", a, b, points: usable.length };
  } catch (error) {
    if (error instanceof LinalgError) return published;
    throw error;
  }
}

export function expectedCtr(curve: CtrCurve, position: number): number {
  if (curve.source === "published") return publishedCtr(position);
  return Math.min(1, Math.max(0, curve.a + curve.b * Math.log(Math.max(1, position))));
}
