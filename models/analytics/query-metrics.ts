// The query API's metric formulas, from the sums one SQL row (or a rollup group) carries. Pure.
// Units, as Plausible's Stats API v2 reports them where it has the metric:
// - bounce_rate: percent, an integer (41 = 41 %); conversion_rate: percent with 2 decimals.
// - visit_duration, engaged_time: seconds per visit, integers.
// - views_per_visit: 2 decimals.
// - revenue, average_order_value, cost: major units of the site's currency, rounded to its digits.
// - roi = (revenue - cost) / cost and roas = revenue / cost: ratios with 4 decimals (1.5 = 150 %), as the ROI report,
//   so a percentage shown with one decimal is not rounded twice (-0.667, not -0.67 = -67.0 %).
// A ratio with nothing under it (no visits, no cost) is null, never 0.
import { currencyDigits, roundTo, toMajor } from "../../core/money";
import type { Metric } from "./query-spec";

/** Sums behind the metrics. Money in minor units of the site's currency. */
export interface QuerySums {
  visitors: number;
  visits: number;
  pageviews: number;
  events: number;
  bounces: number;
  durationMs: number;
  engagedMs: number;
  /** Visitors with a purchase. */
  converters: number;
  conversions: number;
  signups: number;
  revenueMinor: number;
  /** Null where ad spend is not known (a dimension or filter spend has no value for). */
  costMinor: number | null;
}

export const emptyQuerySums = (): QuerySums => ({
  visitors: 0,
  visits: 0,
  pageviews: 0,
  events: 0,
  bounces: 0,
  durationMs: 0,
  engagedMs: 0,
  converters: 0,
  conversions: 0,
  signups: 0,
  revenueMinor: 0,
  costMinor: null,
});

/** Decimals of roi and roas, as models/attribution/roi.ts rounds them. */
const RATIO_PLACES = 4;

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

export function metricValue(metric: Metric, s: QuerySums, currency: string): number | null {
  const money = (minor: number | null) =>
    minor === null ? null : roundTo(toMajor(minor, currency), currencyDigits(currency));
  const per = (a: number, b: number, places: number, scale = 1) => {
    const r = ratio(a * scale, b);
    return r === null ? null : roundTo(r, places);
  };
  switch (metric) {
    case "visitors":
      return s.visitors;
    case "visits":
      return s.visits;
    case "pageviews":
      return s.pageviews;
    case "events":
      return s.events;
    case "bounce_rate":
      return per(s.bounces, s.visits, 0, 100);
    case "visit_duration":
      return per(s.durationMs / 1000, s.visits, 0);
    case "engaged_time":
      return per(s.engagedMs / 1000, s.visits, 0);
    case "views_per_visit":
      return per(s.pageviews, s.visits, 2);
    case "conversions":
      return s.conversions;
    case "conversion_rate":
      return per(s.converters, s.visitors, 2, 100);
    case "signups":
      return s.signups;
    case "revenue":
      return money(s.revenueMinor);
    case "average_order_value":
      return s.conversions === 0 ? null : money(s.revenueMinor / s.conversions);
    case "cost":
      return money(s.costMinor);
    case "roi":
      return s.costMinor === null ? null : per(s.revenueMinor - s.costMinor, s.costMinor, RATIO_PLACES);
    case "roas":
      return s.costMinor === null ? null : per(s.revenueMinor, s.costMinor, RATIO_PLACES);
  }
}

/** Metrics already in percent: their change is the difference in points, as Plausible shows it. */
const PERCENT_METRICS: readonly Metric[] = ["bounce_rate", "conversion_rate"];

/**
 * A metric's change against the comparison period: percent change with 1 decimal (+25.0 = a
 * quarter more), or the difference in points for rates in percent. Null when either side is
 * null, or the earlier value was 0 (no relative change from nothing).
 */
export function metricChange(metric: Metric, now: number | null, before: number | null): number | null {
  if (now === null || before === null) return null;
  if (PERCENT_METRICS.includes(metric)) return roundTo(now - before, 2);
  if (before === 0) return null;
  return roundTo(((now - before) / Math.abs(before)) * 100, 1);
}

let knownCurrencies: string[] | undefined;
/**
 * The factor from minor units of each currency whose digits differ from `currency`'s to minor units
 * of `currency`, before its exchange rate (JPY to CNY: 100, since 1 yen is 1 minor unit and 1 yuan
 * 100). Currencies with the same digits need none and are left out.
 */
export function minorFactors(currency: string): Record<string, number> {
  knownCurrencies ??= Intl.supportedValuesOf("currency");
  const digits = currencyDigits(currency);
  const out: Record<string, number> = {};
  for (const code of knownCurrencies) {
    const d = currencyDigits(code);
    if (d !== digits) out[code] = 10 ** (digits - d);
  }
  return out;
}
