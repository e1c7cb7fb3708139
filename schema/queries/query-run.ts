// Runs the query API's statements: the compiled query, the cost guard's bounded count, and the
// realtime view. Every statement is scoped to one site (?1) and bounded by time.
import type { SiteDatabase } from "../databases";
import type { CompiledQuery } from "../../models/analytics/query-spec";
import { compileQuery, type SumsRow } from "./query-compile";
import type { SiteScope } from "./scope";

export type { SumsRow };

export async function runQuery(db: SiteDatabase, q: CompiledQuery): Promise<SumsRow[]> {
  const { sql, params } = compileQuery(q);
  const { results } = await db
    .prepare(sql)
    .bind(...params)
    .all<SumsRow>();
  return results;
}

/**
 * Events of a site in [startMs, endMs), counted up to `cap + 1` only: the cost guard's question
 * ("more than cap?") costs at most cap index entries, whatever the range.
 */
export async function countEventsUpTo(db: SiteDatabase, scope: SiteScope, startMs: number, endMs: number, cap: number) {
  const row = await db
    .prepare("SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE site_id = ?1 AND ts >= ?2 AND ts < ?3 LIMIT ?4)")
    .bind(scope.siteId, startMs, endMs, cap + 1)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export interface RealtimeCounts {
  visitors: number;
  visits: number;
  pageviews: number;
  events: number;
}

/** Who is on the site since `sinceMs`: totals, and the top pages and sources by visitors. */
export async function realtime(db: SiteDatabase, scope: SiteScope, sinceMs: number, top: number) {
  const where = "WHERE site_id = ?1 AND ts >= ?2";
  const [totals, pages, sources] = await db.batch<Record<string, string | number>>([
    db
      .prepare(
        "SELECT count(DISTINCT visitor_id) AS visitors, count(DISTINCT session_id) AS visits, " +
          "coalesce(sum(CASE WHEN type = 'pageview' THEN 1 ELSE 0 END), 0) AS pageviews, " +
          `coalesce(sum(CASE WHEN type <> 'engagement' THEN 1 ELSE 0 END), 0) AS events FROM events ${where}`,
      )
      .bind(scope.siteId, sinceMs),
    db
      .prepare(
        "SELECT path AS page, count(DISTINCT visitor_id) AS visitors, count(*) AS pageviews FROM events " +
          `${where} AND type = 'pageview' AND path IS NOT NULL GROUP BY path ORDER BY visitors DESC, pageviews DESC, page LIMIT ?3`,
      )
      .bind(scope.siteId, sinceMs, top),
    db
      .prepare(
        "SELECT source, count(DISTINCT visitor_id) AS visitors FROM events " +
          `${where} AND type <> 'engagement' GROUP BY source ORDER BY visitors DESC, source LIMIT ?3`,
      )
      .bind(scope.siteId, sinceMs, top),
  ]);
  return {
    totals: totals!.results[0] as unknown as RealtimeCounts,
    pages: pages!.results as unknown as { page: string; visitors: number; pageviews: number }[],
    sources: sources!.results as unknown as { source: string; visitors: number }[],
  };
}

/** The site's first event (for date_range "all"): one index probe. */
export async function firstEventTs(db: SiteDatabase, scope: SiteScope): Promise<number | null> {
  const row = await db
    .prepare("SELECT min(ts) AS ts FROM events WHERE site_id = ?1")
    .bind(scope.siteId)
    .first<{ ts: number | null }>();
  return row?.ts ?? null;
}
