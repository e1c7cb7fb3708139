// Experiments (schema/experiment-tables.ts): CRUD scoped by site, and the per-variant, per-day
// sums that results are computed from.
import { and, asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { EXPOSURE_EVENT } from "../../core/experiment-assign";
import { experiments } from "../experiment-tables";
import type { SiteScope } from "./scope";

export type ExperimentRow = typeof experiments.$inferSelect;

export async function insertExperiment(d1: D1Database, row: ExperimentRow): Promise<boolean> {
  const res = await drizzle(d1).insert(experiments).values(row).onConflictDoNothing();
  return (res.meta.changes ?? 0) > 0;
}

export async function listExperiments(d1: D1Database, scope: SiteScope): Promise<ExperimentRow[]> {
  return drizzle(d1)
    .select()
    .from(experiments)
    .where(eq(experiments.siteId, scope.siteId))
    .orderBy(asc(experiments.createdAt), asc(experiments.key));
}

export async function getExperiment(d1: D1Database, scope: SiteScope, key: string): Promise<ExperimentRow | undefined> {
  const [row] = await drizzle(d1)
    .select()
    .from(experiments)
    .where(and(eq(experiments.siteId, scope.siteId), eq(experiments.key, key)));
  return row;
}

export async function updateExperiment(
  d1: D1Database,
  scope: SiteScope,
  key: string,
  patch: Partial<Omit<ExperimentRow, "siteId" | "key" | "createdAt">>,
): Promise<ExperimentRow | undefined> {
  const [row] = await drizzle(d1)
    .update(experiments)
    .set(patch)
    .where(and(eq(experiments.siteId, scope.siteId), eq(experiments.key, key)))
    .returning();
  return row;
}

/** Per variant and UTC day of first exposure: units, and sums over units of the outcomes after exposure. */
export interface VariantDayRow {
  variant: string;
  day: string;
  units: number;
  purchasers: number;
  signups: number;
  revenue: number;
  revenueSquares: number;
}

/**
 * A unit is a visitor; its variant is the one of its first exposure (SQLite's bare column beside
 * MIN()). Purchases and sign-ups count from that exposure on; superseded browser purchases do not.
 */
export async function experimentVariantDays(
  d1: D1Database,
  scope: SiteScope,
  key: string,
  from: number,
  to: number,
): Promise<VariantDayRow[]> {
  const { results } = await d1
    .prepare(
      `WITH exposed AS (
         SELECT visitor_id, MIN(ts) AS first_ts, json_extract(props, '$.variant') AS variant
         FROM events
         WHERE site_id = ?1 AND type = 'custom' AND name = ?2 AND json_extract(props, '$.experiment') = ?3
           AND ts >= ?4 AND ts < ?5
         GROUP BY visitor_id
       ), units AS (
         SELECT x.variant, x.first_ts,
           MAX(CASE WHEN o.type = 'purchase' THEN 1 ELSE 0 END) AS purchased,
           MAX(CASE WHEN o.type = 'signup' THEN 1 ELSE 0 END) AS signed_up,
           COALESCE(SUM(CASE WHEN o.type = 'purchase' THEN o.revenue_minor END), 0) AS revenue
         FROM exposed x
         LEFT JOIN events o ON o.site_id = ?1 AND o.visitor_id = x.visitor_id AND o.ts >= x.first_ts AND o.ts < ?5
           AND o.type IN ('purchase', 'signup') AND o.superseded = 0
         GROUP BY x.visitor_id
       )
       SELECT variant, strftime('%Y-%m-%d', first_ts / 1000, 'unixepoch') AS day, COUNT(*) AS units,
         SUM(purchased) AS purchasers, SUM(signed_up) AS signups, SUM(revenue) AS revenue,
         SUM(revenue * revenue) AS revenueSquares
       FROM units GROUP BY variant, day ORDER BY day, variant`,
    )
    .bind(scope.siteId, EXPOSURE_EVENT, key, from, to)
    .all<VariantDayRow>();
  return results;
}
