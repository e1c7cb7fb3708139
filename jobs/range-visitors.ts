// Unique visitors over a range of local days, counted once however many days or channels they came
// on (as Plausible and GA4 count them). The daily rollup keeps distinct visitors per day and
// channel, so adding its rows counts a visitor seen on three days three times: range totals ask the
// query API's own statement instead (POST /api/v1/query with `visitors`, which never reads the
// rollup), so the Overview and Acquisition pages show the same figure.
import type { SiteDatabase } from "../schema/databases";
import { QueryError, runQueryApi } from "./query";
import type { SiteRow } from "../schema/queries/sites";

/**
 * Distinct visitors with an event in [from, to] (local days, inclusive), or null when the range
 * holds more events than the query API scans (QUERY_MAX_SCAN_EVENTS): the caller keeps its own figure.
 */
export async function rangeVisitors(db: SiteDatabase, site: SiteRow, from: string, to: string, now = Date.now()) {
  try {
    const { results } = await runQueryApi(
      db,
      site,
      {
        metrics: ["visitors"],
        dimensions: [],
        filters: [],
        date_range: [from, to],
        compare: null,
        include: { time_labels: false, total_rows: false },
        pagination: { limit: 1, offset: 0 },
      },
      now,
    );
    return results[0]?.metrics[0] ?? 0;
  } catch (error) {
    if (!(error instanceof QueryError) || error.code !== "query_too_large") throw error;
    console.warn(`rangeVisitors: site ${site.id} ${from}..${to} too large to count exactly`, error);
    return null;
  }
}
