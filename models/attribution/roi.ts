// ROI metrics from rollup sums and costs. Pure; money in minor units in, major units out.
import { roundTo, toMajor } from "../../core/money";

/** How a report buckets days: each day, ISO week, calendar month, or the whole range. */
export const PERIODS = ["day", "week", "month", "total"] as const;
export type Period = (typeof PERIODS)[number];

export interface GroupSums {
  sessions: number;
  visitors: number;
  conversions: number;
  revenueMinor: number;
  newCustomers: number;
  ltv30Minor: number;
  ltv90Minor: number;
  costMinor: number;
}

export const emptySums = (): GroupSums => ({
  sessions: 0,
  visitors: 0,
  conversions: 0,
  revenueMinor: 0,
  newCustomers: 0,
  ltv30Minor: 0,
  ltv90Minor: 0,
  costMinor: 0,
});

export function addSums(a: GroupSums, b: Partial<GroupSums>): GroupSums {
  for (const k of Object.keys(a) as (keyof GroupSums)[]) a[k] += b[k] ?? 0;
  return a;
}

/** The sums of many groups added up (e.g. every channel of a period). */
export const totalOf = (groups: readonly { sums: GroupSums }[]): GroupSums =>
  groups.reduce((t, g) => addSums(t, g.sums), emptySums());

/** Sums per period across groups, keeping only the group `key` when one is given. */
export function sumsByPeriod(groups: readonly { period: string; key: string; sums: GroupSums }[], key?: string | null) {
  const byPeriod = new Map<string, GroupSums>();
  for (const g of groups) {
    if (key && g.key !== key) continue;
    byPeriod.set(g.period, addSums(byPeriod.get(g.period) ?? emptySums(), g.sums));
  }
  return byPeriod;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
function round(n: number, digits?: number): number;
function round(n: number | null, digits?: number): number | null;
function round(n: number | null, digits = 4): number | null {
  return roundTo(n, digits);
}

/**
 * ROI = (revenue - cost) / cost; ROAS = revenue / cost; CAC = cost / new paying customers;
 * LTV_n = revenue within n days of the first purchase per new customer; payback = days for a new
 * customer's 90-day revenue rate to repay its CAC. Undefined ratios are null, never zero.
 */
export function roiMetrics(s: GroupSums, currency: string) {
  const major = (minor: number) => roundTo(toMajor(minor, currency), 2);
  const ltv90 = ratio(s.ltv90Minor, s.newCustomers);
  const cac = ratio(s.costMinor, s.newCustomers);
  return {
    sessions: s.sessions,
    visitors: s.visitors,
    conversions: round(s.conversions),
    new_customers: round(s.newCustomers),
    revenue: major(s.revenueMinor),
    cost: major(s.costMinor),
    roi: round(ratio(s.revenueMinor - s.costMinor, s.costMinor)),
    roas: round(ratio(s.revenueMinor, s.costMinor)),
    cac: cac === null ? null : major(cac),
    conversion_rate: round(ratio(s.conversions, s.sessions)),
    aov: s.conversions > 0 ? major(s.revenueMinor / s.conversions) : null,
    ltv_30: s.newCustomers > 0 ? major(s.ltv30Minor / s.newCustomers) : null,
    ltv_90: ltv90 === null ? null : major(ltv90),
    payback_days: cac !== null && ltv90 !== null && ltv90 > 0 ? round(cac / (ltv90 / 90), 1) : null,
  };
}

export type Metrics = ReturnType<typeof roiMetrics>;

/**
 * Ratios whose change is their difference, in ratio units (2.84 = +284 percentage points), not a
 * relative change: ROI moving from -0.23 to 2.61 is +284 points, while (2.61 + 0.23) / 0.23 reads
 * +1,234.8 %, and a relative change flips meaning whenever the earlier ROI was negative. ROAS is a non-negative multiple
 * (2.5x), so its relative change stays meaningful.
 */
export const POINT_CHANGE_METRICS = ["roi", "conversion_rate"] as const satisfies readonly (keyof Metrics)[];

/**
 * Change of each metric against the previous period: the difference for POINT_CHANGE_METRICS, the
 * relative change otherwise (0.25 = +25 %). Null when either side is missing, and a relative change
 * is null when the previous figure was 0 (readers show "new" when the current one is above 0).
 * No other minimum base: any fixed threshold would be arbitrary across currencies (1 yuan against
 * 1 yen) and site sizes, and a real move from 3 to 30 sessions is still +900 %. The ratios, the one
 * place a tiny or negative base misleads, are compared in points instead.
 */
export function metricChange(now: Metrics, previous: Metrics) {
  const points: readonly string[] = POINT_CHANGE_METRICS;
  return Object.fromEntries(
    Object.entries(now).map(([k, v]) => {
      const p = previous[k as keyof Metrics];
      if (typeof v !== "number" || typeof p !== "number") return [k, null];
      if (points.includes(k)) return [k, roundTo(v - p, 4)];
      return [k, p !== 0 ? roundTo((v - p) / Math.abs(p), 4) : null];
    }),
  ) as Record<keyof Metrics, number | null>;
}

/** The bucket a day falls in: the day, the Monday of its ISO week, the first of its month, or the whole range. */
export function periodOf(day: string, period: Period, from: string): string {
  if (period === "day") return day;
  if (period === "month") return `${day.slice(0, 7)}-01`;
  if (period === "total") return from;
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}
