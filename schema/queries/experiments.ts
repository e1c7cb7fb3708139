// Experiments (schema/experiment-tables.ts): CRUD scoped by site, and the per-variant, per-day
// sums that results are computed from.
import type { SiteDatabase } from "../databases";
import { and, asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { EXPOSURE_EVENT } from "../../core/experiment-assign";
import { experiments } from "../experiment-tables";
import type { SiteScope } from "./scope";

export type ExperimentRow = typeof experiments.$inferSelect;

export async function insertExperiment(d1: SiteDatabase, row: ExperimentRow): Promise<boolean> {
  const res = await drizzle(d1).insert(experiments).values(row).onConflictDoNothing();
  return (res.meta.changes ?? 0) > 0;
}

export async function listExperiments(d1: SiteDatabase, scope: SiteScope): Promise<ExperimentRow[]> {
  return drizzle(d1)
    .select()
    .from(experiments)
    .where(eq(experiments.siteId, scope.siteId))
    .orderBy(asc(experiments.createdAt), asc(experiments.key));
}

export async function getExperiment(
  d1: SiteDatabase,
  scope: SiteScope,
  key: string,
): Promise<ExperimentRow | undefined> {
  const [row] = await drizzle(d1)
    .select()
    .from(experiments)
    .where(and(eq(experiments.siteId, scope.siteId), eq(experiments.key, key)));
  return row;
}

export async function updateExperiment(
  d1: SiteDatabase,
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
  /** Purchase revenue in minor units of the site's currency (converted at the rate of the purchase's UTC day). */
  revenue: number;
  revenueSquares: number;
  /** Guardrails: units with a refund after exposure, and units whose exposure session saw one page or none. */
  refunders: number;
  bounces: number;
  /** CUPED: the same outcomes in the pre-period (per unit), and Σ post·pre over units. */
  prePurchasers: number;
  purchaseProducts: number;
  preSignups: number;
  signupProducts: number;
  preRefunders: number;
  refundProducts: number;
  preRevenue: number;
  preRevenueSquares: number;
  revenueProducts: number;
  /** Purchases left out for want of an exchange rate, as "CUR:YYYY-MM-DD" joined by commas (null when none). */
  missingFx: string | null;
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

/** What results read besides the exposures: the CUPED pre-period and the currency revenue is reported in. */
export interface OutcomeWindow {
  from: number;
  to: number;
  /** [start, end) of the pre-period in ms; equal bounds turn CUPED's covariate off. */
  pre: [number, number];
  /** The site's currency, and 10^(digits(site) − digits(c)) per currency c that has rates. */
  currency: string;
  factors: Record<string, number>;
}

/**
 * A purchase's revenue in minor units of the site's currency, rounded as core/money.ts convertMinor
 * rounds: the latest fx_rates row on or before the purchase's UTC day; NULL when there is none.
 */
const converted = (e: string) =>
  `(CASE WHEN ${e}.currency IS NULL OR ${e}.currency = ?8 THEN ${e}.revenue_minor ELSE round(${e}.revenue_minor * ` +
  `(SELECT f.rate FROM fx_rates f WHERE f.site_id = ?1 AND f.currency = ${e}.currency ` +
  `AND f.date <= strftime('%Y-%m-%d', ${e}.ts / 1000, 'unixepoch') ORDER BY f.date DESC LIMIT 1) * ` +
  `coalesce(json_extract(?9, '$.' || ${e}.currency), 1)) END)`;

/**
 * A unit is a visitor; its variant is the one of its first exposure (SQLite's bare column beside
 * MIN()). Purchases and sign-ups count from that exposure on; superseded browser purchases do not.
 * The same visitors' outcomes in the pre-period are CUPED's covariate.
 */
export async function experimentVariantDays(
  d1: SiteDatabase,
  scope: SiteScope,
  source: ExposureSource,
  window: OutcomeWindow,
): Promise<VariantDayRow[]> {
  let exposed: string;
  let params: unknown[];
  const { from, to } = window;
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
    params = [scope.siteId, from, to, JSON.stringify(source.values), null];
  }
  params.push(window.pre[0], window.pre[1], window.currency, JSON.stringify(window.factors));
  const { results } = await d1
    .prepare(
      `WITH exposed AS (${exposed}), pre AS (
         SELECT p.visitor_id,
           MAX(p.type = 'purchase') AS purchased, MAX(p.type = 'signup') AS signed_up, MAX(p.type = 'refund') AS refunded,
           COALESCE(SUM(CASE WHEN p.type = 'purchase' THEN ${converted("p")} END), 0) AS revenue
         FROM events p
         WHERE p.site_id = ?1 AND p.ts >= ?6 AND p.ts < ?7 AND p.type IN ('purchase', 'signup', 'refund')
           AND p.superseded = 0 AND p.visitor_id IN (SELECT visitor_id FROM exposed)
         GROUP BY p.visitor_id
       ), units AS (
         SELECT x.variant, x.first_ts,
           MAX(CASE WHEN o.type = 'purchase' THEN 1 ELSE 0 END) AS purchased,
           MAX(CASE WHEN o.type = 'signup' THEN 1 ELSE 0 END) AS signed_up,
           MAX(CASE WHEN o.type = 'refund' THEN 1 ELSE 0 END) AS refunded,
           COALESCE(SUM(CASE WHEN o.type = 'purchase' THEN ${converted("o")} END), 0) AS revenue,
           GROUP_CONCAT(CASE WHEN o.type = 'purchase' AND o.revenue_minor IS NOT NULL AND ${converted("o")} IS NULL
             THEN o.currency || ':' || strftime('%Y-%m-%d', o.ts / 1000, 'unixepoch') END) AS missing_fx,
           (SELECT COALESCE(MAX(s.pageviews), 0) <= 1 FROM sessions s WHERE s.site_id = ?1 AND s.id = x.session_id) AS bounced,
           COALESCE(MAX(b.purchased), 0) AS pre_purchased, COALESCE(MAX(b.signed_up), 0) AS pre_signed_up,
           COALESCE(MAX(b.refunded), 0) AS pre_refunded, COALESCE(MAX(b.revenue), 0) AS pre_revenue
         FROM exposed x
         LEFT JOIN pre b ON b.visitor_id = x.visitor_id
         LEFT JOIN events o ON o.site_id = ?1 AND o.visitor_id = x.visitor_id AND o.ts >= x.first_ts AND o.ts < ?3
           AND o.type IN ('purchase', 'signup', 'refund') AND o.superseded = 0
         GROUP BY x.visitor_id
       )
       SELECT variant, strftime('%Y-%m-%d', first_ts / 1000, 'unixepoch') AS day, COUNT(*) AS units,
         SUM(purchased) AS purchasers, SUM(signed_up) AS signups, SUM(revenue) AS revenue,
         SUM(revenue * revenue) AS revenueSquares, SUM(refunded) AS refunders, SUM(bounced) AS bounces,
         SUM(pre_purchased) AS prePurchasers, SUM(purchased * pre_purchased) AS purchaseProducts,
         SUM(pre_signed_up) AS preSignups, SUM(signed_up * pre_signed_up) AS signupProducts,
         SUM(pre_refunded) AS preRefunders, SUM(refunded * pre_refunded) AS refundProducts,
         SUM(pre_revenue) AS preRevenue, SUM(pre_revenue * pre_revenue) AS preRevenueSquares,
         SUM(revenue * pre_revenue) AS revenueProducts, GROUP_CONCAT(missing_fx) AS missingFx
       FROM units GROUP BY variant, day ORDER BY day, variant`,
    )
    .bind(...params)
    .all<VariantDayRow>();
  return results;
}

/**
 * Imported spend per creative, day and currency, in minor units of that currency, for the fields the
 * spend import carries (campaign and utm_id; ad content is not a spend level, so utm_content has none).
 */
export async function creativeCosts(
  d1: SiteDatabase,
  scope: SiteScope,
  field: CreativeField,
  values: string[],
  days: { from: string; to: string },
): Promise<{ value: string; date: string; currency: string; costMinor: number }[] | null> {
  const column = field === "utm_campaign" ? "campaign" : field === "utm_id" ? "utm_id" : null;
  if (!column) return null;
  const { results } = await d1
    .prepare(
      `SELECT ${column} AS value, date, currency, SUM(cost_minor) AS costMinor FROM costs
       WHERE site_id = ?1 AND ${column} IN (SELECT value FROM json_each(?2)) AND date >= ?3 AND date <= ?4
       GROUP BY ${column}, date, currency`,
    )
    .bind(scope.siteId, JSON.stringify(values), days.from, days.to)
    .all<{ value: string; date: string; currency: string; costMinor: number }>();
  return results;
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
