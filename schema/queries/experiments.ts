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
  /** Guardrails: units with a refund after exposure, and units whose exposure session saw one page or none. */
  refunders: number;
  bounces: number;
}

/** Creative tests: the landing field whose values are the variants, and where it is stored. */
export const CREATIVE_FIELDS = {
  utm_content: { table: "sessions", column: "content", ts: "started_at", session: "id" },
  utm_campaign: { table: "sessions", column: "campaign", ts: "started_at", session: "id" },
  utm_id: { table: "events", column: "utm_id", ts: "ts", session: "session_id" },
} as const;
export type CreativeField = keyof typeof CREATIVE_FIELDS;

/** Which units were exposed, and to what: an on-site exposure event, or a landing carrying the creative. */
export type ExposureSource =
  { kind: "event"; key: string } | { kind: "creative"; field: CreativeField; values: string[] };

/**
 * A unit is a visitor; its variant is the one of its first exposure (SQLite's bare column beside
 * MIN()). Purchases and sign-ups count from that exposure on; superseded browser purchases do not.
 */
export async function experimentVariantDays(
  d1: D1Database,
  scope: SiteScope,
  source: ExposureSource,
  from: number,
  to: number,
): Promise<VariantDayRow[]> {
  let exposed: string;
  let params: unknown[];
  if (source.kind === "event") {
    exposed = `SELECT visitor_id, MIN(ts) AS first_ts, json_extract(props, '$.variant') AS variant, session_id
         FROM events
         WHERE site_id = ?1 AND type = 'custom' AND name = ?4 AND json_extract(props, '$.experiment') = ?5
           AND ts >= ?2 AND ts < ?3
         GROUP BY visitor_id`;
    params = [scope.siteId, from, to, EXPOSURE_EVENT, source.key];
  } else {
    // Table and column come from the fixed CREATIVE_FIELDS map, never from the request.
    const f = CREATIVE_FIELDS[source.field];
    exposed = `SELECT visitor_id, MIN(${f.ts}) AS first_ts, ${f.column} AS variant, ${f.session} AS session_id
         FROM ${f.table}
         WHERE site_id = ?1 AND ${f.column} IN (SELECT value FROM json_each(?4)) AND ${f.ts} >= ?2 AND ${f.ts} < ?3
         GROUP BY visitor_id`;
    params = [scope.siteId, from, to, JSON.stringify(source.values)];
  }
  const { results } = await d1
    .prepare(
      `WITH exposed AS (${exposed}), units AS (
         SELECT x.variant, x.first_ts,
           MAX(CASE WHEN o.type = 'purchase' THEN 1 ELSE 0 END) AS purchased,
           MAX(CASE WHEN o.type = 'signup' THEN 1 ELSE 0 END) AS signed_up,
           MAX(CASE WHEN o.type = 'refund' THEN 1 ELSE 0 END) AS refunded,
           COALESCE(SUM(CASE WHEN o.type = 'purchase' THEN o.revenue_minor END), 0) AS revenue,
           (SELECT COALESCE(MAX(s.pageviews), 0) <= 1 FROM sessions s WHERE s.site_id = ?1 AND s.id = x.session_id) AS bounced
         FROM exposed x
         LEFT JOIN events o ON o.site_id = ?1 AND o.visitor_id = x.visitor_id AND o.ts >= x.first_ts AND o.ts < ?3
           AND o.type IN ('purchase', 'signup', 'refund') AND o.superseded = 0
         GROUP BY x.visitor_id
       )
       SELECT variant, strftime('%Y-%m-%d', first_ts / 1000, 'unixepoch') AS day, COUNT(*) AS units,
         SUM(purchased) AS purchasers, SUM(signed_up) AS signups, SUM(revenue) AS revenue,
         SUM(revenue * revenue) AS revenueSquares, SUM(refunded) AS refunders, SUM(bounced) AS bounces
       FROM units GROUP BY variant, day ORDER BY day, variant`,
    )
    .bind(...params)
    .all<VariantDayRow>();
  return results;
}

/**
 * Imported spend per creative, in minor units of `currency`, for the fields the spend import
 * carries (campaign and utm_id; ad content is not a spend level, so utm_content has none).
 */
export async function creativeCosts(
  d1: D1Database,
  scope: SiteScope,
  field: CreativeField,
  values: string[],
  days: { from: string; to: string },
  currency: string,
): Promise<Map<string, number> | null> {
  const column = field === "utm_campaign" ? "campaign" : field === "utm_id" ? "utm_id" : null;
  if (!column) return null;
  const { results } = await d1
    .prepare(
      `SELECT ${column} AS value, SUM(cost_minor) AS cost FROM costs
       WHERE site_id = ?1 AND ${column} IN (SELECT value FROM json_each(?2)) AND date >= ?3 AND date <= ?4 AND currency = ?5
       GROUP BY ${column}`,
    )
    .bind(scope.siteId, JSON.stringify(values), days.from, days.to, currency)
    .all<{ value: string; cost: number }>();
  return new Map(results.map((r) => [r.value, r.cost]));
}

/** Where an experiment's exposures come from: its exposure events, or landings carrying its creatives. */
export function exposureSource(row: ExperimentRow): ExposureSource {
  if (row.kind === "onsite") return { kind: "event", key: row.key };
  return {
    kind: "creative",
    field: (row.creativeField ?? "utm_content") as CreativeField,
    values: row.variants.map((v) => v.key),
  };
}
