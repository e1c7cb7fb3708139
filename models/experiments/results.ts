// An experiment's results from per-variant, per-day sums: every metric analysed on the totals
// (corrected across metrics with Holm), and the primary metric's cumulative effect per day for charts.
import { analyze, type Engine, type VariantResult } from "./analyze";
import { holmBonferroni } from "./corrections";
import type { CupedStat } from "./cuped";
import type { ArmStat } from "./moments";
import type { SrmResult } from "./srm";

/**
 * What results can measure per unit: conversion to a purchase or a sign-up, revenue per visitor,
 * and the guardrails refund rate (units with a refund) and bounce rate (exposure session of one page).
 */
export const EXPERIMENT_METRICS = ["purchase", "signup", "revenue", "refund_rate", "bounce_rate"] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

export interface VariantDay {
  variant: string;
  day: string;
  units: number;
  purchasers: number;
  signups: number;
  /** In major units of the site's currency. */
  revenue: number;
  revenueSquares: number;
  refunders: number;
  bounces: number;
  /** CUPED covariates: each outcome in the pre-period, and Σ post·pre over units (revenue in major units). */
  prePurchasers: number;
  purchaseProducts: number;
  preSignups: number;
  signupProducts: number;
  preRefunders: number;
  refundProducts: number;
  preRevenue: number;
  preRevenueSquares: number;
  revenueProducts: number;
}

type Totals = Omit<VariantDay, "variant" | "day">;

const zero = (): Totals => ({
  units: 0,
  purchasers: 0,
  signups: 0,
  revenue: 0,
  revenueSquares: 0,
  refunders: 0,
  bounces: 0,
  prePurchasers: 0,
  purchaseProducts: 0,
  preSignups: 0,
  signupProducts: 0,
  preRefunders: 0,
  refundProducts: 0,
  preRevenue: 0,
  preRevenueSquares: 0,
  revenueProducts: 0,
});
const COUNTS = { purchase: "purchasers", signup: "signups", refund_rate: "refunders", bounce_rate: "bounces" } as const;
/** The pre-period covariate of each metric that has one (a bounce belongs to the exposure session: none). */
const PRE = {
  purchase: ["prePurchasers", "purchaseProducts"],
  signup: ["preSignups", "signupProducts"],
  refund_rate: ["preRefunders", "refundProducts"],
} as const;

function stat(t: Totals, metric: ExperimentMetric): ArmStat {
  if (metric === "revenue") return { kind: "mean", n: t.units, sum: t.revenue, sumSquares: t.revenueSquares };
  return { kind: "proportion", n: t.units, conversions: t[COUNTS[metric]] };
}

/** The metric with its pre-period covariate (CUPED), or null for a metric without one. */
function cupedStat(t: Totals, metric: ExperimentMetric): CupedStat | null {
  const post = stat(t, metric);
  if (metric === "revenue")
    return {
      post,
      pre: { kind: "mean", n: t.units, sum: t.preRevenue, sumSquares: t.preRevenueSquares },
      sumProducts: t.revenueProducts,
    };
  if (metric === "bounce_rate") return null;
  const [pre, products] = PRE[metric];
  return { post, pre: { kind: "proportion", n: t.units, conversions: t[pre] }, sumProducts: t[products] };
}

/** Each arm's statistic for one metric: with its covariate when CUPED is on and the metric has one. */
function stats(totals: Totals[], metric: ExperimentMetric, cuped: boolean) {
  if (!cuped || metric === "bounce_rate") return totals.map((t) => stat(t, metric));
  return totals.map((t) => cupedStat(t, metric)!);
}

export interface MetricResult {
  metric: ExperimentMetric;
  /** Per variant (control first): the metric's mean, null for a variant without units (nothing to average). */
  means: (number | null)[];
  /** Whether CUPED adjusted this metric (on, and the metric has a pre-period covariate). */
  cuped: boolean;
  /**
   * Per treatment: the effect's variance removed by CUPED, 1 − (SE_cuped / SE_plain)², about ρ² of
   * the pooled pre/post correlation (null without CUPED or without an estimate).
   */
  results: (VariantResult & { adjustedPValue: number | null; varianceReduction: number | null })[];
}

export interface ExperimentResults {
  units: number[];
  srm: SrmResult;
  metrics: MetricResult[];
  /** Cumulative to each day: units per variant and the primary metric's effect per treatment. */
  daily: { day: string; units: number[]; results: VariantResult[] }[];
}

export function experimentResults(
  variantKeys: string[],
  weights: number[],
  rows: VariantDay[],
  metrics: ExperimentMetric[],
  engine: Engine = "frequentist",
  cuped = false,
): ExperimentResults {
  const index = new Map(variantKeys.map((k, i) => [k, i]));
  const totals = variantKeys.map(zero);
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const daily: ExperimentResults["daily"] = [];
  const add = (t: Totals, r: VariantDay) => {
    for (const k of Object.keys(t) as (keyof Totals)[]) t[k] += r[k];
  };
  for (const day of days) {
    // A variant key the experiment no longer has (a renamed arm) is left out rather than misfiled.
    for (const r of rows) if (r.day === day && index.has(r.variant)) add(totals[index.get(r.variant)!]!, r);
    const a = analyze(stats(totals, metrics[0]!, cuped), { engine, weights });
    daily.push({ day, units: totals.map((t) => t.units), results: a.results });
  }
  const analyses = metrics.map((metric) => analyze(stats(totals, metric, cuped), { engine, weights }));
  const plain = metrics.map((metric) =>
    cuped && metric !== "bounce_rate" ? analyze(stats(totals, metric, false), { engine, weights }) : null,
  );
  // Holm across metrics, per treatment arm.
  const adjusted = variantKeys.slice(1).map((_, arm) => {
    const ps = analyses.map((a) => a.results[arm]!.pValue);
    const known = ps.filter((p): p is number => p !== null);
    const fixed = holmBonferroni(known);
    let j = 0;
    return ps.map((p) => (p === null ? null : fixed[j++]!));
  });
  return {
    units: totals.map((t) => t.units),
    srm: analyze(
      totals.map((t) => stat(t, "purchase")),
      { weights },
    ).srm,
    metrics: metrics.map((metric, m) => ({
      metric,
      means: totals.map((t) => {
        const s = stat(t, metric);
        return s.n ? (s.kind === "mean" ? s.sum : s.conversions) / s.n : null;
      }),
      cuped: plain[m] !== null,
      results: analyses[m]!.results.map((r, arm) => {
        const se = plain[m]?.results[arm]!.se;
        const varianceReduction = se && r.se !== null ? 1 - (r.se / se) ** 2 : null;
        return { ...r, adjustedPValue: adjusted[arm]![m]!, varianceReduction };
      }),
    })),
    daily,
  };
}

type RevenueSums = Pick<
  VariantDay,
  "revenue" | "revenueSquares" | "preRevenue" | "preRevenueSquares" | "revenueProducts"
>;

/** Per-day sums as stored (revenue in minor units) to major units: sums ÷ 10^digits, squares and products ÷ 10^(2·digits). */
export function inMajorUnits<T extends RevenueSums>(rows: T[], digits: number): T[] {
  const scale = 10 ** digits;
  return rows.map((r) => ({
    ...r,
    revenue: r.revenue / scale,
    revenueSquares: r.revenueSquares / scale ** 2,
    preRevenue: r.preRevenue / scale,
    preRevenueSquares: r.preRevenueSquares / scale ** 2,
    revenueProducts: r.revenueProducts / scale ** 2,
  }));
}
