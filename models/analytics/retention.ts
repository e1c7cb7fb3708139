// Cohort retention: learners grouped by the period of their first visit, sign-up or first
// purchase (calendar days, Monday weeks or months in the site's time zone), and per period after
// that, how many came back (any activity, a lesson, a purchase) and how much they paid.
import { DAY_MS, addDays, localDay } from "../../core/time";
import { type AnalyticsEvent, byVisitor, isLesson, isPurchase, ratio } from "./events";

export type CohortBy = "first_visit" | "signup" | "first_purchase";
export type RetentionPeriod = "day" | "week" | "month";
/** `any`: any event at all (sessions from fromSession() too); `lesson`: lesson_start / lesson_complete; `purchase`. */
export type ReturnOn = "any" | "lesson" | "purchase";

export const RETENTION_MAX_PERIODS = 120;
const QUARTER_HOUR_MS = 15 * 60_000;

export interface RetentionQuery {
  cohortBy: CohortBy;
  period: RetentionPeriod;
  returnOn: ReturnOn;
  /** IANA zone of the site (sites.timezone): periods are its local calendar days, weeks, months. */
  timeZone: string;
  /** Offsets 0 .. periods-1 per cohort (1..120). */
  periods: number;
  /** Cells for periods that start after this instant are null (not yet observable). Default: the latest event. */
  asOf?: number;
  /** Only cohorts whose period contains or follows this local day (YYYY-MM-DD), and ... */
  cohortsFrom?: string;
  /** ... contains or precedes this one. */
  cohortsTo?: string;
}

export interface RetentionCohort {
  /** Local day the cohort's period starts (a Monday for weeks, the 1st for months). */
  start: string;
  size: number;
  /**
   * Per offset k (period `start` + k): cohort members with a qualifying return event in that
   * period, at or after their own cohort event (so with `any`, offset 0 is the whole cohort).
   * null: the period had not started at `asOf`.
   */
  returning: (number | null)[];
  /** returning / size. */
  rates: (number | null)[];
  /** Purchase revenue (site currency, minor units) of the members in each period, from their cohort event on. */
  revenueMinor: (number | null)[];
  /** Revenue retention: revenue in period k / revenue in period 0 (null when period 0 had none). */
  revenueRetention: (number | null)[];
}

export interface RetentionResult {
  period: RetentionPeriod;
  /** Oldest cohort first. */
  cohorts: RetentionCohort[];
  /** Per offset, returning / size summed over the cohorts whose cell is observable. */
  average: (number | null)[];
}

const epochDay = (day: string) => Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / DAY_MS;

/**
 * A local day's period as a running number, so an offset is a subtraction. Weeks start on
 * Monday: 1970-01-01 was a Thursday, so shifting by 3 days puts every Monday on a multiple of 7.
 */
export function periodNumber(day: string, period: RetentionPeriod): number {
  switch (period) {
    case "day":
      return epochDay(day);
    case "week":
      return Math.floor((epochDay(day) + 3) / 7);
    case "month":
      return +day.slice(0, 4) * 12 + (+day.slice(5, 7) - 1);
  }
}

/** The first local day of period number n (inverse of periodNumber). */
export function periodStart(n: number, period: RetentionPeriod): string {
  switch (period) {
    case "day":
      return addDays("1970-01-01", n);
    case "week":
      return addDays("1970-01-01", n * 7 - 3);
    case "month":
      return `${String(Math.floor(n / 12)).padStart(4, "0")}-${String((n % 12) + 1).padStart(2, "0")}-01`;
  }
}

const cohortEvent: Record<CohortBy, (e: AnalyticsEvent) => boolean> = {
  first_visit: () => true,
  signup: (e) => e.type === "signup",
  first_purchase: isPurchase,
};

const returnEvent: Record<ReturnOn, (e: AnalyticsEvent) => boolean> = {
  any: () => true,
  lesson: isLesson,
  purchase: isPurchase,
};

export function retention(events: readonly AnalyticsEvent[], query: RetentionQuery): RetentionResult {
  const { period, periods, timeZone } = query;
  if (!Number.isInteger(periods) || periods < 1 || periods > RETENTION_MAX_PERIODS)
    throw new RangeError(`periods is a whole number from 1 to ${RETENTION_MAX_PERIODS}.`);
  // Since 1972 every zone's UTC offset is a whole number of quarter hours and changes on a quarter
  // hour, so local midnight falls on one and all instants of a quarter hour share a local day: one
  // Intl lookup per quarter hour, not one per event (Intl formatting dominated large matrices).
  const quarters = new Map<number, number>();
  const numberOf = (ts: number) => {
    const quarter = Math.floor(ts / QUARTER_HOUR_MS);
    let n = quarters.get(quarter);
    if (n === undefined) quarters.set(quarter, (n = periodNumber(localDay(ts, timeZone), period)));
    return n;
  };
  let asOf = query.asOf ?? -Infinity;
  if (query.asOf === undefined) for (const e of events) asOf = Math.max(asOf, e.ts);
  const last = Number.isFinite(asOf) ? numberOf(asOf) : -Infinity;
  const from = query.cohortsFrom ? periodNumber(query.cohortsFrom, period) : -Infinity;
  const to = query.cohortsTo ? periodNumber(query.cohortsTo, period) : Infinity;

  const cohorts = new Map<number, { size: number; returning: number[]; revenue: number[] }>();
  for (const list of byVisitor(events).values()) {
    const start = list.findIndex(cohortEvent[query.cohortBy]);
    if (start < 0) continue;
    const c = numberOf(list[start]!.ts);
    if (c < from || c > to) continue;
    let cohort = cohorts.get(c);
    if (!cohort)
      cohorts.set(c, (cohort = { size: 0, returning: Array(periods).fill(0), revenue: Array(periods).fill(0) }));
    cohort.size++;
    const returned = new Set<number>();
    for (let i = start; i < list.length; i++) {
      const e = list[i]!;
      const k = numberOf(e.ts) - c;
      if (k >= periods) break; // time order: every later event is further out
      if (returnEvent[query.returnOn](e)) returned.add(k);
      if (isPurchase(e)) cohort.revenue[k]! += e.revenueMinor ?? 0;
    }
    for (const k of returned) cohort.returning[k]!++;
  }

  const sums = Array.from({ length: periods }, () => ({ back: 0, size: 0 }));
  const out = [...cohorts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([c, { size, returning, revenue }]): RetentionCohort => {
      const seen = (k: number) => c + k <= last;
      returning.forEach((n, k) => {
        if (!seen(k)) return;
        sums[k]!.back += n;
        sums[k]!.size += size;
      });
      return {
        start: periodStart(c, period),
        size,
        returning: returning.map((n, k) => (seen(k) ? n : null)),
        rates: returning.map((n, k) => (seen(k) ? n / size : null)),
        revenueMinor: revenue.map((r, k) => (seen(k) ? r : null)),
        revenueRetention: revenue.map((r, k) => (seen(k) ? ratio(r, revenue[0]!) : null)),
      };
    });
  return { period, cohorts: out, average: sums.map((s) => ratio(s.back, s.size)) };
}
