// Money: currency codes, minor units, and conversion between currencies with a site's rate table.
// Pure. Every amount is stored as integer minor units (fen for CNY); a missing rate is reported,
// never silently treated as zero.

let currencyCodes: Set<string> | undefined;
/** ISO 4217 codes the runtime's Intl knows (workerd and Node both ship full ICU). */
export function isCurrencyCode(code: string): boolean {
  currencyCodes ??= new Set(Intl.supportedValuesOf("currency"));
  return currencyCodes.has(code);
}

const digitsByCode = new Map<string, number>();
/** Digits after the decimal point for a currency: 2 for CNY and USD, 0 for JPY and KRW. */
export function currencyDigits(code: string): number {
  // Cached: building an Intl.NumberFormat per call is slow, and reports convert every row's amounts.
  let digits = digitsByCode.get(code);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCode.set(code, digits);
  }
  return digits;
}

/** A decimal amount as integer minor units, rounded to the currency's precision: 199.9 CNY -> 19990, 5000 JPY -> 5000. */
/**
 * The largest amount any money field accepts, in major units. Above about 1.8e306 the conversion
 * to minor units overflows to Infinity; well before that, minor units stop being exact integers.
 * 1e9 of any currency is far above one order, one day's spend or one price.
 */
export const MAX_MONEY_AMOUNT = 1e9;

export function toMinor(amount: number, currency: string): number {
  return Math.round(amount * 10 ** currencyDigits(currency));
}

/** Minor units as a decimal amount of the currency (19990 CNY -> 199.9). */
export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

/** `n` rounded to `places` decimal places (null stays null): report amounts in major units, ratios. */
export function roundTo(n: number, places: number): number;
export function roundTo(n: number | null, places: number): number | null;
export function roundTo(n: number | null, places: number): number | null {
  return n === null ? null : Math.round(n * 10 ** places) / 10 ** places;
}

export type Digits = (currency: string) => number;

export interface RateTable {
  /** Rates per currency, sorted by date ascending: [date, units of reporting currency per unit]. */
  byCurrency: Map<string, [string, number][]>;
}

export function rateTable(rows: readonly { date: string; currency: string; rate: number }[]): RateTable {
  const byCurrency = new Map<string, [string, number][]>();
  for (const r of rows) {
    const list = byCurrency.get(r.currency) ?? [];
    list.push([r.date, r.rate]);
    byCurrency.set(r.currency, list);
  }
  for (const list of byCurrency.values()) list.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return { byCurrency };
}

/** The latest rate on or before `date` (rates carry forward, as accounting tables do). */
export function rateOn(table: RateTable, currency: string, date: string): number | undefined {
  const list = table.byCurrency.get(currency);
  if (!list) return undefined;
  let found: number | undefined;
  for (const [d, rate] of list) {
    if (d > date) break;
    found = rate;
  }
  return found;
}

/** Minor units of `from` on `date` in minor units of `to`, or undefined when no rate is known. */
export function convertMinor(
  amountMinor: number,
  from: string,
  to: string,
  date: string,
  table: RateTable,
  digits: Digits,
): number | undefined {
  if (from === to) return amountMinor;
  const rate = rateOn(table, from, date);
  if (rate === undefined) return undefined;
  return Math.round((amountMinor / 10 ** digits(from)) * rate * 10 ** digits(to));
}
