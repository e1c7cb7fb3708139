// Search performance, keyword research, and the organic landing-page figures the SEO reports join
// them to. Imports replace whole days of one table (source + dims), so a re-import never doubles.
import type { SiteDatabase } from "../databases";
import { chunkByJsonBytes, JSON_PARAM_BUDGET_BYTES } from "../limits";
import type { KeywordRow, SearchRow, SearchSource } from "../../models/seo/imports";
import type { SiteScope } from "./scope";

const INSERT_ROWS =
  "INSERT INTO search_performance (site_id, source, dims, date, query, page, country, device, clicks, impressions, position, imported_at) " +
  "SELECT ?1, ?2, ?3, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), " +
  "json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]'), json_extract(j.value, '$[6]'), " +
  "json_extract(j.value, '$[7]'), ?4 FROM json_each(?5) AS j WHERE true " +
  // The same keys twice in one import: the last row wins, as it would on re-import.
  "ON CONFLICT (site_id, source, dims, date, query, page, country, device) DO UPDATE SET " +
  "clicks = excluded.clicks, impressions = excluded.impressions, position = excluded.position";

/** Replaces every day the rows cover, for this source and set of keys, in one transaction. */
export async function replaceSearchDays(
  db: SiteDatabase,
  scope: SiteScope,
  source: SearchSource,
  dims: string,
  rows: readonly SearchRow[],
  importedAt: number,
): Promise<void> {
  const days = [...new Set(rows.map((r) => r.date))];
  const tuples = rows.map((r) => [r.date, r.query, r.page, r.country, r.device, r.clicks, r.impressions, r.position]);
  const statements = [
    ...chunkByJsonBytes(days, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
      db
        .prepare(
          "DELETE FROM search_performance WHERE site_id = ?1 AND source = ?2 AND dims = ?3 AND date IN (SELECT value FROM json_each(?4))",
        )
        .bind(scope.siteId, source, dims, JSON.stringify(chunk)),
    ),
    ...chunkByJsonBytes(tuples, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
      db.prepare(INSERT_ROWS).bind(scope.siteId, source, dims, importedAt, JSON.stringify(chunk)),
    ),
  ];
  if (statements.length) await db.batch(statements);
}

export interface SearchSum {
  query: string;
  page: string;
  clicks: number;
  impressions: number;
  position: number;
}

/**
 * Sums over [from, to] per (query, page) of both consoles, country and device summed over.
 * `pairs` come from tables that carried both keys, `pages` from page-only tables. Positions are
 * impression-weighted.
 */
export async function searchSums(db: SiteDatabase, scope: SiteScope, from: string, to: string) {
  const sql = (where: string) =>
    "SELECT query, page, SUM(clicks) AS clicks, SUM(impressions) AS impressions, " +
    "COALESCE(SUM(position * impressions) / NULLIF(SUM(impressions), 0), AVG(position)) AS position " +
    `FROM search_performance WHERE site_id = ?1 AND date BETWEEN ?2 AND ?3 AND ${where} GROUP BY query, page`;
  const [pairs, pages, queries] = await db.batch<SearchSum>([
    db.prepare(sql("query != '' AND page != ''")).bind(scope.siteId, from, to),
    db.prepare(sql("query = '' AND page != ''")).bind(scope.siteId, from, to),
    db.prepare(sql("query != '' AND page = ''")).bind(scope.siteId, from, to),
  ]);
  return { pairs: pairs!.results, pages: pages!.results, queries: queries!.results };
}

export async function upsertKeywords(
  db: SiteDatabase,
  scope: SiteScope,
  rows: readonly KeywordRow[],
  importedAt: number,
) {
  const sql =
    "INSERT INTO keyword_research (site_id, keyword, volume, difficulty, imported_at) SELECT ?1, " +
    "json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), ?2 " +
    "FROM json_each(?3) AS j WHERE true ON CONFLICT (site_id, keyword) DO UPDATE SET " +
    "volume = excluded.volume, difficulty = excluded.difficulty, imported_at = excluded.imported_at";
  const tuples = rows.map((r) => [r.keyword, r.volume, r.difficulty]);
  const statements = chunkByJsonBytes(tuples, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
    db.prepare(sql).bind(scope.siteId, importedAt, JSON.stringify(chunk)),
  );
  if (statements.length) await db.batch(statements);
}

export async function keywords(db: SiteDatabase, scope: SiteScope): Promise<KeywordRow[]> {
  const { results } = await db
    .prepare("SELECT keyword, volume, difficulty FROM keyword_research WHERE site_id = ?1 ORDER BY volume DESC")
    .bind(scope.siteId)
    .all<KeywordRow>();
  return results;
}

export interface LandingRow {
  path: string;
  sessions: number;
  signups: number;
  purchases: number;
}
export interface LandingRevenueRow {
  path: string;
  day: string;
  currency: string;
  revenue_minor: number;
}

/**
 * Organic Search sessions started in [fromMs, toMs) per landing path, with the sign-ups and
 * purchases in them, and purchase revenue per path, day and currency (the caller converts).
 * Superseded browser purchases (a server-reported one replaced them) are not counted twice.
 */
export async function organicLanding(db: SiteDatabase, scope: SiteScope, fromMs: number, toMs: number) {
  const organic =
    "SELECT id, landing_path FROM sessions WHERE site_id = ?1 AND channel = 'Organic Search' " +
    "AND started_at >= ?2 AND started_at < ?3 AND landing_path IS NOT NULL";
  const [counts, revenue] = await db.batch([
    db
      .prepare(
        `WITH s AS (${organic}) SELECT s.landing_path AS path, COUNT(DISTINCT s.id) AS sessions, ` +
          "COUNT(DISTINCT CASE WHEN e.type = 'signup' THEN e.id END) AS signups, " +
          "COUNT(DISTINCT CASE WHEN e.type = 'purchase' THEN e.id END) AS purchases " +
          "FROM s LEFT JOIN events e ON e.site_id = ?1 AND e.session_id = s.id " +
          "AND e.type IN ('signup', 'purchase') AND e.superseded = 0 GROUP BY s.landing_path",
      )
      .bind(scope.siteId, fromMs, toMs),
    db
      .prepare(
        `WITH s AS (${organic}) SELECT s.landing_path AS path, date(e.ts / 1000, 'unixepoch') AS day, ` +
          "e.currency AS currency, SUM(e.revenue_minor) AS revenue_minor FROM s JOIN events e ON e.site_id = ?1 " +
          "AND e.session_id = s.id AND e.type = 'purchase' AND e.superseded = 0 AND e.revenue_minor IS NOT NULL " +
          "GROUP BY s.landing_path, day, e.currency",
      )
      .bind(scope.siteId, fromMs, toMs),
  ]);
  return {
    counts: counts!.results as unknown as LandingRow[],
    revenue: revenue!.results as unknown as LandingRevenueRow[],
  };
}
