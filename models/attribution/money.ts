// Converting minor units between currencies with a site's rate table. Pure.
// A missing rate is reported, never silently treated as zero.

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
