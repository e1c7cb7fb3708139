// Money, numbers and dates for a reader's locale. Pure. One formatter so every email and page
// agrees: currencies print with their narrow symbol (CNY as "¥22,845.00" in zh-CN and en alike,
// not "CN¥"), dates as the reader's locale writes them, in the site's time zone.
import type { Locale } from "./messages";

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

/** An amount in major units (22845 -> "¥22,845.00"); null prints as a dash. */
export function formatMoney(locale: Locale, currency: string, n: number | null): string {
  if (n === null) return "–";
  const f = cached(
    `m|${locale}|${currency}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: "currency",
        currency,
        currencyDisplay: "narrowSymbol",
        maximumFractionDigits: 2,
      }),
  );
  return f.format(n);
}

/** A count, at most two decimals, grouped as the locale groups digits. */
export function formatCount(locale: Locale, n: number | null): string {
  if (n === null) return "–";
  return cached(`c|${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 })).format(n);
}

/**
 * A local calendar day ("2026-11-20", already in the site's time zone) as the reader writes it:
 * "2026年11月20日" in zh-CN; English keeps ISO dates, which no reader misreads as month/day.
 */
export function formatDay(locale: Locale, day: string): string {
  if (locale === "en") return day;
  const f = cached(
    `d|${locale}`,
    () => new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }),
  );
  return f.format(new Date(`${day}T12:00:00Z`)); // noon UTC formatted in UTC: the day never shifts
}

/** An instant as a date and time in the site's time zone, for the reader's locale. */
export function formatDateTime(locale: Locale, timeZone: string, ms: number): string {
  const f = cached(
    `t|${locale}|${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }),
  );
  return f.format(new Date(ms));
}
