// Dates of the query API, in the site's time zone: date_range presets and ISO pairs, the comparison
// period, the UTC offset pieces SQL buckets time with (DST-safe), and time bucket labels. Pure.
import { addDays, DAY_MS, HOUR_MS, dayStart, daysBetween, localDay, offsetMs, previousPeriod } from "../../core/time";
import type { OffsetPieces, Period, TimeUnit } from "./query-spec";

/**
 * Presets, relative to today in the site's time zone; each ends today. `7d`, `28d`, `30d` and `91d`:
 * that many days, today included. `month`, `year`: since the 1st of this month or year. `6mo`,
 * `12mo`: this month and the 5 or 11 before. `all`: since the site's first event.
 */
export const DATE_PRESETS = ["day", "7d", "28d", "30d", "91d", "month", "6mo", "12mo", "year", "all"] as const;
export type DatePreset = (typeof DATE_PRESETS)[number];

export const COMPARE_MODES = ["previous_period", "year_over_year"] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function monthsBack(day: string, months: number): string {
  const [y, m] = day.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - months, 1));
  return d.toISOString().slice(0, 10);
}

/** A period of whole local days, from `from` to `to` inclusive. */
export function dayPeriod(from: string, to: string, timeZone: string): Period {
  return { startMs: dayStart(from, timeZone), endMs: dayStart(addDays(to, 1), timeZone), from, to, dayAligned: true };
}

/**
 * The period a date_range names, or why it names none. `firstEventMs` is the site's first event
 * (for `all`); `now` is the instant "today" is read at.
 */
export function resolveDateRange(
  range: DatePreset | readonly [string, string],
  o: { now: number; timeZone: string; firstEventMs: number | null },
): Period | { error: string } {
  const today = localDay(o.now, o.timeZone);
  if (typeof range === "string") {
    const days = { day: 1, "7d": 7, "28d": 28, "30d": 30, "91d": 91 } as Partial<Record<DatePreset, number>>;
    const n = days[range];
    if (n !== undefined) return dayPeriod(addDays(today, 1 - n), today, o.timeZone);
    const from =
      range === "month"
        ? monthsBack(today, 0)
        : range === "6mo"
          ? monthsBack(today, 5)
          : range === "12mo"
            ? monthsBack(today, 11)
            : range === "year"
              ? `${today.slice(0, 4)}-01-01`
              : localDay(Math.min(o.firstEventMs ?? o.now, o.now), o.timeZone);
    return dayPeriod(from, today, o.timeZone);
  }
  const [a, b] = range;
  if (ISO_DATE.test(a) && ISO_DATE.test(b)) {
    if (a > b) return { error: "The first date is after the second." };
    return dayPeriod(a, b, o.timeZone);
  }
  if (ISO_DATE.test(a) || ISO_DATE.test(b)) return { error: "Give two dates or two date-times, not one of each." };
  const startMs = Date.parse(a);
  const endMs = Date.parse(b);
  if (!(startMs < endMs)) return { error: "The start must be before the end." };
  return {
    startMs,
    endMs,
    from: localDay(startMs, o.timeZone),
    to: localDay(endMs - 1, o.timeZone),
    dayAligned: false,
  };
}

/** `day` one year earlier; 29 February becomes the 28th. */
function yearBefore(day: string): string {
  const prior = `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;
  return prior.endsWith("-02-29") ? prior.replace(/29$/, "28") : prior;
}

/**
 * The period a query compares with. `previous_period`: as many local days, ending the day before
 * (core/time.ts previousPeriod), or the same length of time just before for date-times.
 * `year_over_year`: the same local days (or instants) one year earlier.
 */
export function comparisonPeriod(period: Period, mode: CompareMode, timeZone: string): Period {
  if (period.dayAligned) {
    const p = mode === "previous_period" ? previousPeriod(period.from, period.to) : null;
    return p ? dayPeriod(p.from, p.to, timeZone) : dayPeriod(yearBefore(period.from), yearBefore(period.to), timeZone);
  }
  const shift =
    mode === "previous_period"
      ? (ms: number) => ms - (period.endMs - period.startMs)
      : (ms: number) => {
          const d = new Date(ms);
          d.setUTCFullYear(d.getUTCFullYear() - 1);
          return d.getTime();
        };
  const startMs = shift(period.startMs);
  const endMs = mode === "previous_period" ? period.startMs : shift(period.endMs);
  return { startMs, endMs, from: localDay(startMs, timeZone), to: localDay(endMs - 1, timeZone), dayAligned: false };
}

/** Whole local days in a period (a partial day counts). */
export const periodDays = (p: Period): number => daysBetween(p.from, p.to).length;

/** The instant of a UTC offset change in (lo, hi], found by bisection (offsets change on whole seconds). */
function transition(lo: number, hi: number, timeZone: string): number {
  const before = offsetMs(lo, timeZone);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetMs(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The site's UTC offset over [startMs, endMs), in pieces split at DST changes (sampled twice a day). */
export function offsetPieces(startMs: number, endMs: number, timeZone: string): OffsetPieces {
  const pieces: OffsetPieces = { boundaries: [], offsets: [offsetMs(startMs, timeZone)] };
  const step = DAY_MS / 2;
  for (let t = startMs; t < endMs; t += step) {
    const next = Math.min(t + step, endMs);
    const offset = offsetMs(next, timeZone);
    if (offset !== pieces.offsets.at(-1)) {
      pieces.boundaries.push(transition(t, next, timeZone));
      pieces.offsets.push(offset);
    }
  }
  return pieces;
}

function offsetAt(pieces: OffsetPieces, ms: number): number {
  let i = 0;
  while (i < pieces.boundaries.length && ms >= pieces.boundaries[i]!) i++;
  return pieces.offsets[i]!;
}

const WEEK_SHIFT_DAYS = 3; // day 0 (1970-01-01) was a Thursday; weeks start on Monday

/**
 * The SQL bucket key of an instant, as schema/queries/query-sql.ts computes it: local hours or days
 * since the epoch, Monday-weeks since the epoch, or the month's first day.
 */
export function bucketKey(unit: TimeUnit, ms: number, pieces: OffsetPieces): number | string {
  const local = ms + offsetAt(pieces, ms);
  if (unit === "hour") return Math.floor(local / HOUR_MS);
  const day = Math.floor(local / DAY_MS);
  if (unit === "day") return day;
  if (unit === "week") return Math.floor((day + WEEK_SHIFT_DAYS) / 7);
  return `${new Date(day * DAY_MS).toISOString().slice(0, 7)}-01`;
}

/**
 * A bucket key as Plausible labels it: "2026-03-08 14:00:00" (local hour), "2026-03-08" (day),
 * the Monday of the week, or the first of the month.
 */
export function bucketLabel(unit: TimeUnit, key: number | string): string {
  if (typeof key === "string") return key;
  if (unit === "hour") return new Date(key * HOUR_MS).toISOString().slice(0, 13).replace("T", " ") + ":00:00";
  const day = unit === "week" ? key * 7 - WEEK_SHIFT_DAYS : key;
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Every bucket label of a period, in order (meta.time_labels, and how comparison rows line up). */
export function timeLabels(unit: TimeUnit, period: Period, pieces: OffsetPieces, max: number): string[] {
  const first = bucketKey(unit, period.startMs, pieces);
  const last = bucketKey(unit, period.endMs - 1, pieces);
  const labels: string[] = [];
  if (typeof first === "string" && typeof last === "string") {
    for (let m = first; m <= last && labels.length <= max; m = `${monthsBack(addDays(m, 40), 0)}`) labels.push(m);
    return labels;
  }
  for (let k = first as number; k <= (last as number) && labels.length <= max; k++) labels.push(bucketLabel(unit, k));
  return labels;
}
