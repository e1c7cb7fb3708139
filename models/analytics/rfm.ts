// RFM for paying learners: recency of the last purchase, frequency of purchases and money spent,
// each scored 1-5 by quintile among the learners, and the 11 named segments of the R vs FM map.
import { DAY_MS } from "../../core/time";
import { type AnalyticsEvent, isPurchase } from "./events";

/** One payment (or a refund, as a negative amount) of one learner, in the site's currency. */
export interface Order {
  learnerId: string;
  ts: number;
  revenueMinor: number;
}

export const SEGMENTS = [
  "champions",
  "loyal",
  "potential_loyalists",
  "new",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cant_lose_them",
  "hibernating",
  "lost",
] as const;
export type Segment = (typeof SEGMENTS)[number];

/**
 * The segment of each (R, FM) cell: SEGMENT_GRID[fm - 1][r - 1], FM = (F + M) / 2 rounded half up.
 * The segments and their ranges are the widely used R vs "frequency & monetary" table popularised
 * by Putler ("RFM Analysis For Successful Customer Segmentation": Champions R 4-5 / FM 4-5, Loyal
 * R 2-5 / FM 3-5, Potential Loyalist R 3-5 / FM 1-3, Recent (new) R 4-5 / FM ≤1, Promising R 3-4 /
 * FM ≤1, Need Attention R 2-3 / FM 2-3, About To Sleep R 2-3 / FM ≤2, At Risk R ≤2 / FM 2-5, Can't
 * Lose Them R ≤1 / FM 4-5, Hibernating R 1-2 / FM 1-2, Lost R ≤2 / FM ≤2). Those ranges overlap;
 * this grid gives each cell one segment whose range contains it, the narrower range winning.
 *
 *            R=1             R=2          R=3             R=4                  R=5
 *   FM=5  cant_lose_them  at_risk      loyal           champions            champions
 *   FM=4  cant_lose_them  at_risk      loyal           champions            champions
 *   FM=3  at_risk         at_risk      need_attention  loyal                loyal
 *   FM=2  hibernating     hibernating  about_to_sleep  potential_loyalists  potential_loyalists
 *   FM=1  lost            hibernating  about_to_sleep  promising            new
 */
export const SEGMENT_GRID: readonly (readonly Segment[])[] = [
  ["lost", "hibernating", "about_to_sleep", "promising", "new"],
  ["hibernating", "hibernating", "about_to_sleep", "potential_loyalists", "potential_loyalists"],
  ["at_risk", "at_risk", "need_attention", "loyal", "loyal"],
  ["cant_lose_them", "at_risk", "loyal", "champions", "champions"],
  ["cant_lose_them", "at_risk", "loyal", "champions", "champions"],
];

export function segmentOf(r: number, f: number, m: number): Segment {
  const fm = Math.floor((f + m) / 2 + 0.5);
  return SEGMENT_GRID[fm - 1]![r - 1]!;
}

/**
 * Quintile scores 1-5 by rank: score = 1 + floor(5 · (values strictly worse) / n). Equal values
 * always share a score, whatever the input order, and the best fifth scores 5. For recency the
 * lower value (fewer days) is the better one.
 */
export function quintileScores(values: readonly number[], higherIsBetter = true): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  // The first index in the sorted list whose value is >= x (strict: > x), by binary search.
  const firstIndex = (x: number, strict: boolean) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < x || (strict && sorted[mid] === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const worse = (x: number) => (higherIsBetter ? firstIndex(x, false) : n - firstIndex(x, true));
  return values.map((x) => 1 + Math.floor((5 * worse(x)) / n));
}

export interface RfmLearner {
  learnerId: string;
  /** Days from the last purchase to `asOf` (fractional). */
  recencyDays: number;
  /** Purchases (refunds do not count down). */
  frequency: number;
  /** Net revenue, minor units: purchases less refunds. */
  monetaryMinor: number;
  r: number;
  f: number;
  m: number;
  segment: Segment;
}

export interface RfmResult {
  learners: RfmLearner[];
  /** Every segment, in SEGMENTS order, with its learners and their net revenue. */
  segments: { segment: Segment; learners: number; revenueMinor: number }[];
}

/** Purchases as orders, and refunds that carry an amount as negative ones. */
export function ordersFromEvents(events: readonly AnalyticsEvent[]): Order[] {
  const out: Order[] = [];
  for (const e of events) {
    const amount = e.revenueMinor ?? 0;
    if (isPurchase(e)) out.push({ learnerId: e.visitorId, ts: e.ts, revenueMinor: amount });
    else if (e.type === "refund" && amount > 0) out.push({ learnerId: e.visitorId, ts: e.ts, revenueMinor: -amount });
  }
  return out;
}

/**
 * RFM of every learner with at least one purchase at or before `asOf`. Recency is measured from
 * the last purchase (a refund is not a visit to the shop); learners come out by learnerId.
 */
export function rfm(orders: readonly Order[], asOf: number): RfmResult {
  const per = new Map<string, { last: number; frequency: number; monetary: number }>();
  for (const o of orders) {
    if (o.ts > asOf) continue;
    const p = per.get(o.learnerId) ?? { last: -Infinity, frequency: 0, monetary: 0 };
    p.monetary += o.revenueMinor;
    if (o.revenueMinor >= 0) {
      p.frequency++;
      p.last = Math.max(p.last, o.ts);
    }
    per.set(o.learnerId, p);
  }
  const rows = [...per.entries()]
    .filter(([, p]) => p.frequency > 0)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const recency = rows.map(([, p]) => (asOf - p.last) / DAY_MS);
  const r = quintileScores(recency, false);
  const f = quintileScores(rows.map(([, p]) => p.frequency));
  const m = quintileScores(rows.map(([, p]) => p.monetary));
  const learners = rows.map(([learnerId, p], i): RfmLearner => ({
    learnerId,
    recencyDays: recency[i]!,
    frequency: p.frequency,
    monetaryMinor: p.monetary,
    r: r[i]!,
    f: f[i]!,
    m: m[i]!,
    segment: segmentOf(r[i]!, f[i]!, m[i]!),
  }));
  const segments = SEGMENTS.map((segment) => {
    const members = learners.filter((l) => l.segment === segment);
    return { segment, learners: members.length, revenueMinor: members.reduce((s, l) => s + l.monetaryMinor, 0) };
  });
  return { learners, segments };
}
