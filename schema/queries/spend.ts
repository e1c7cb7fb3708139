// Ad spend and exchange rates. Both upsert by natural key, so a re-import replaces, never doubles.
import type { SiteDatabase } from "../databases";
import { and, asc, eq, gte, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { chunkByJsonBytes, JSON_PARAM_BUDGET_BYTES } from "../limits";
import { costs, fxRates } from "../tables";
import type { SiteScope } from "./scope";

export type CostRow = Omit<typeof costs.$inferInsert, "siteId">;

const UPSERT_COSTS =
  "INSERT INTO costs (site_id, date, source, medium, campaign, utm_id, channel, cost_minor, currency, impressions, clicks, imported_at) " +
  "SELECT ?1, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), " +
  "json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]'), json_extract(j.value, '$[6]'), " +
  "json_extract(j.value, '$[7]'), json_extract(j.value, '$[8]'), json_extract(j.value, '$[9]'), json_extract(j.value, '$[10]') " +
  "FROM json_each(?2) AS j WHERE true ON CONFLICT (site_id, date, source, medium, campaign) DO UPDATE SET " +
  "utm_id = excluded.utm_id, channel = excluded.channel, cost_minor = excluded.cost_minor, currency = excluded.currency, " +
  "impressions = excluded.impressions, clicks = excluded.clicks, imported_at = excluded.imported_at";

export async function upsertCosts(db: SiteDatabase, scope: SiteScope, rows: CostRow[]): Promise<void> {
  const tuples = rows.map((r) => [
    r.date,
    r.source,
    r.medium,
    r.campaign,
    r.utmId ?? null,
    r.channel,
    r.costMinor,
    r.currency,
    r.impressions ?? null,
    r.clicks ?? null,
    r.importedAt,
  ]);
  const statements = chunkByJsonBytes(tuples, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
    db.prepare(UPSERT_COSTS).bind(scope.siteId, JSON.stringify(chunk)),
  );
  if (statements.length) await db.batch(statements);
}

export async function costsBetween(d1: SiteDatabase, scope: SiteScope, from: string, to: string) {
  return drizzle(d1)
    .select()
    .from(costs)
    .where(and(eq(costs.siteId, scope.siteId), gte(costs.date, from), lte(costs.date, to)))
    .orderBy(asc(costs.date));
}

export async function upsertRates(
  db: SiteDatabase,
  scope: SiteScope,
  rows: { date: string; currency: string; rate: number }[],
) {
  const sql =
    "INSERT INTO fx_rates (site_id, date, currency, rate) SELECT ?1, json_extract(j.value, '$[0]'), " +
    "json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]') FROM json_each(?2) AS j WHERE true " +
    "ON CONFLICT (site_id, currency, date) DO UPDATE SET rate = excluded.rate";
  const tuples = rows.map((r) => [r.date, r.currency, r.rate]);
  const statements = chunkByJsonBytes(tuples, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
    db.prepare(sql).bind(scope.siteId, JSON.stringify(chunk)),
  );
  if (statements.length) await db.batch(statements);
}

export async function allRates(d1: SiteDatabase, scope: SiteScope) {
  return drizzle(d1)
    .select()
    .from(fxRates)
    .where(eq(fxRates.siteId, scope.siteId))
    .orderBy(asc(fxRates.currency), asc(fxRates.date));
}
