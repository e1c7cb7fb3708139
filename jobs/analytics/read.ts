// Reading for the behaviour analyses: every read counts against a row budget (counted before its
// pages are fetched where counting is cheap, so an oversized request is refused before D1 streams
// anything), pages follow a keyset, and purchase revenue is put into the site's currency as the
// models require.
import type { SiteDatabase } from "../../schema/databases";
import { convertMinor, currencyDigits, rateTable, type RateTable } from "../../core/money";
import { localDay } from "../../core/time";
import type { AnalyticsRow, Keyset } from "../../schema/queries/analytics";
import type { SiteScope } from "../../schema/queries/scope";
import { allRates } from "../../schema/queries/spend";
import { ANALYSIS_PAGE_ROWS } from "../../schema/limits";

/** A read would pass its cap. `rows` is what it would have read; routes answer 400 with it. */
export class TooManyRowsError extends Error {
  override readonly name = "TooManyRowsError";
  constructor(
    readonly rows: number,
    readonly cap: number,
  ) {
    super(`This would read ${rows.toLocaleString("en-US")} rows; the limit is ${cap.toLocaleString("en-US")}.`);
  }
}

/** The rows one analysis may still read, shared by its reads. */
export class RowBudget {
  private used = 0;
  constructor(readonly cap: number) {}
  /** Counts `rows` against the budget; throws TooManyRowsError past the cap. */
  take(rows: number): void {
    this.used += rows;
    if (this.used > this.cap) throw new TooManyRowsError(this.used, this.cap);
  }
  get read(): number {
    return this.used;
  }
}

/**
 * Every page of a read. With its size known (`count`), the size is checked against the budget
 * before any page is fetched; with `count` null (a read whose count costs as much as the read),
 * each page is counted as it comes. `page(after, limit)` returns the rows after a key, `keyOf`
 * gives a row's key; a short page ends the read.
 */
export async function readPages<T, K>(
  budget: RowBudget,
  count: number | null,
  first: K,
  page: (after: K, limit: number) => Promise<T[]>,
  keyOf: (row: T) => K,
  pageRows = ANALYSIS_PAGE_ROWS,
): Promise<T[]> {
  if (count !== null) budget.take(count);
  const out: T[] = [];
  let after = first;
  // Rows written since the count could lengthen the read: it stops at the counted size.
  while (count === null || out.length < count) {
    const rows = await page(after, pageRows);
    if (count === null) budget.take(rows.length);
    for (const r of rows) out.push(r);
    if (rows.length < pageRows) break;
    after = keyOf(rows[rows.length - 1]!);
  }
  return out;
}

/** Where event and session pages start, and how the next page's key is read from a row. */
export const firstKey = (from: number): Keyset => ({ ts: from, id: "" });
export const eventKey = (row: AnalyticsRow): Keyset => ({ ts: row.ts, id: row.id });

/** Converts revenue to the site's currency: a row in another currency is converted at its local day's rate. */
export interface Revenue {
  /** Sets each row's revenueMinor in site currency (null when no rate is known); returns how many had no rate. */
  convert(rows: AnalyticsRow[]): number;
}

export async function siteRevenue(
  db: SiteDatabase,
  scope: SiteScope,
  site: { currency: string; timezone: string },
): Promise<Revenue> {
  const table: RateTable = rateTable(await allRates(db, scope));
  return {
    convert(rows) {
      let missing = 0;
      for (const r of rows) {
        if (r.revenueMinor === null || !r.currency || r.currency === site.currency) continue;
        const day = localDay(r.ts, site.timezone);
        const converted = convertMinor(r.revenueMinor, r.currency, site.currency, day, table, currencyDigits);
        if (converted === undefined) missing++;
        r.revenueMinor = converted ?? null;
        r.currency = site.currency;
      }
      return missing;
    },
  };
}

/** The note an analysis adds when some purchases had no exchange rate. */
export function missingRateNote(missing: number, currency: string): string[] {
  return missing > 0
    ? [
        `${missing} purchase${missing === 1 ? "" : "s"} in another currency had no exchange rate to ${currency} ` +
          "on its day and counted as 0 revenue: import rates with PUT /api/v1/fx-rates.",
      ]
    : [];
}
