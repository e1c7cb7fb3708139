// The one place numbers, money, ratios and dates become text: Intl in the UI's language, money in
// the site's currency, instants in the site's time zone. Pages never call Intl or toFixed themselves.
import type { Language } from "./i18n";

export interface Formatter {
  locale: Language;
  currency: string;
  timeZone: string;
  /** Counts and plain figures: 12,345 (fractional ones, like attributed conversions, to 1 decimal). */
  number(n: number | null | undefined): string;
  /** Major units of the site's currency. */
  money(n: number | null | undefined): string;
  /** A ratio as a percentage: 0.253 → 25.3%. */
  percent(ratio: number | null | undefined): string;
  /** A model's holdout figure (NDCG, AUC): four decimals, as they differ in the third. */
  score(n: number | null | undefined): string;
  /** A rating (or a change in one) to one decimal, always shown: 4 → "4.0", as 4.1 → "4.1". */
  rating(n: number | null | undefined): string;
  /** A relative change with its sign: 0.12 → +12.0%. */
  change(ratio: number | null | undefined): string;
  /** A difference of two ratios in percentage points, with its sign, without the unit: 2.841 → +284.1. */
  points(difference: number | null | undefined): string;
  /** A local day "YYYY-MM-DD" (already in the site's calendar): no time zone shift. */
  day(day: string): string;
  /** The same, month and day only (chart axes). */
  shortDay(day: string): string;
  /** An instant (ISO string or epoch ms) in the site's time zone, to the minute. */
  dateTime(at: string | number): string;
  /** How long ago, e.g. "5 minutes ago". */
  ago(at: string | number, now?: number): string;
  /** A duration in seconds, in its largest whole-ish unit: "45 sec", "3.5 min", "2 hr", "1.5 days". */
  duration(seconds: number | null | undefined): string;
}

const DASH = "–";
const cache = new Map<string, Formatter>();

/** Today's local day in a time zone, as "YYYY-MM-DD" (for date pickers and range presets). */
export function todayIn(timeZone: string, now = Date.now()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** `day` moved by `days` whole days ("YYYY-MM-DD" in, out). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function formatter(locale: Language, currency: string, timeZone: string): Formatter {
  const id = `${locale}|${currency}|${timeZone}`;
  const hit = cache.get(id);
  if (hit) return hit;
  // signDisplay "negative": a tiny negative that rounds to zero reads "0", not "-0".
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: "negative" });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: "negative" });
  const money = new Intl.NumberFormat(locale, { style: "currency", currency });
  const score = new Intl.NumberFormat(locale, { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  const rating = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "negative",
  });
  const percent = new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  const change = new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  });
  const points = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  });
  const day = new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" });
  const shortDay = new Intl.DateTimeFormat(locale, { timeZone: "UTC", month: "numeric", day: "numeric" });
  const dateTime = new Intl.DateTimeFormat(locale, {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const units = (["second", "minute", "hour", "day"] as const).map(
    (unit) => new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 }),
  );
  const ok = (n: number | null | undefined): n is number => typeof n === "number" && Number.isFinite(n);
  const ms = (at: string | number) => (typeof at === "number" ? at : Date.parse(at));
  const f: Formatter = {
    locale,
    currency,
    timeZone,
    number: (n) => (ok(n) ? (Number.isInteger(n) ? integer : decimal).format(n) : DASH),
    money: (n) => (ok(n) ? money.format(n) : DASH),
    percent: (r) => (ok(r) ? percent.format(r) : DASH),
    score: (n) => (ok(n) ? score.format(n) : DASH),
    rating: (n) => (ok(n) ? rating.format(n) : DASH),
    change: (r) => (ok(r) ? change.format(r) : DASH),
    points: (d) => (ok(d) ? points.format(d * 100) : DASH),
    day: (d) => day.format(new Date(`${d}T00:00:00Z`)),
    shortDay: (d) => shortDay.format(new Date(`${d}T00:00:00Z`)),
    dateTime: (at) => dateTime.format(ms(at)),
    ago: (at, now = Date.now()) => {
      const seconds = Math.round((ms(at) - now) / 1000);
      const abs = Math.abs(seconds);
      if (abs < 60) return relative.format(seconds, "second");
      if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
      if (abs < 86_400) return relative.format(Math.round(seconds / 3600), "hour");
      return relative.format(Math.round(seconds / 86_400), "day");
    },
    duration: (s) => {
      if (!ok(s)) return DASH;
      const [sec, min, hr, day] = units as [Intl.NumberFormat, Intl.NumberFormat, Intl.NumberFormat, Intl.NumberFormat];
      if (s < 60) return sec.format(s);
      if (s < 3600) return min.format(s / 60);
      if (s < 86_400) return hr.format(s / 3600);
      return day.format(s / 86_400);
    },
  };
  cache.set(id, f);
  return f;
}
