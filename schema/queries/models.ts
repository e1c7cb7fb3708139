// The model registry's rows and the recommendation log. Model files live in R2 (jobs/recs/registry.ts
// stores and prunes them); exactly one model per (site, kind) is active, and promotion swaps it in
// one batch. Every query is scoped by site.
import type { SiteDatabase } from "../databases";
import { and, desc, eq, ne, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type ModelKind, models, recImpressions } from "../model-tables";

export type ModelRow = typeof models.$inferSelect;
export type ImpressionRow = typeof recImpressions.$inferInsert;

export async function activeModel(db: SiteDatabase, siteId: string, kind: ModelKind): Promise<ModelRow | null> {
  const [row] = await drizzle(db)
    .select()
    .from(models)
    .where(and(eq(models.siteId, siteId), eq(models.kind, kind), eq(models.status, "active")))
    .limit(1);
  return row ?? null;
}

/** The newest model of a kind, whatever its status: the baseline's data when none is active. */
export async function latestModel(db: SiteDatabase, siteId: string, kind: ModelKind): Promise<ModelRow | null> {
  const [row] = await drizzle(db)
    .select()
    .from(models)
    .where(and(eq(models.siteId, siteId), eq(models.kind, kind)))
    .orderBy(desc(models.version))
    .limit(1);
  return row ?? null;
}

export async function getModel(db: SiteDatabase, siteId: string, id: string): Promise<ModelRow | null> {
  const [row] = await drizzle(db)
    .select()
    .from(models)
    .where(and(eq(models.siteId, siteId), eq(models.id, id)))
    .limit(1);
  return row ?? null;
}

export async function listModels(db: SiteDatabase, siteId: string, limit = 50): Promise<ModelRow[]> {
  return drizzle(db)
    .select()
    .from(models)
    .where(eq(models.siteId, siteId))
    .orderBy(desc(models.createdAt), desc(models.version))
    .limit(limit);
}

/** The version the next model of this kind gets: one above the highest so far. */
export async function nextVersion(db: SiteDatabase, siteId: string, kind: ModelKind): Promise<number> {
  const [{ version }] = (await drizzle(db)
    .select({ version: sql<number>`coalesce(max(${models.version}), 0) + 1` })
    .from(models)
    .where(and(eq(models.siteId, siteId), eq(models.kind, kind)))) as [{ version: number }];
  return version;
}

export async function insertModel(db: SiteDatabase, row: ModelRow): Promise<void> {
  await drizzle(db).insert(models).values(row);
}

/** Makes `id` the active model of its kind; the one it replaces is retired (and can be promoted back). */
export async function promote(db: SiteDatabase, siteId: string, id: string, now: number): Promise<void> {
  const d = drizzle(db);
  const row = await getModel(db, siteId, id);
  if (!row) return;
  await d.batch([
    d
      .update(models)
      .set({ status: "retired" })
      .where(and(eq(models.siteId, siteId), eq(models.kind, row.kind), eq(models.status, "active"))),
    d
      .update(models)
      .set({ status: "active", promotedAt: now })
      .where(and(eq(models.siteId, siteId), eq(models.id, id))),
  ]);
}

export async function setStatus(
  db: SiteDatabase,
  siteId: string,
  id: string,
  status: ModelRow["status"],
  note: string,
) {
  await drizzle(db)
    .update(models)
    .set({ status, note })
    .where(and(eq(models.siteId, siteId), eq(models.id, id)));
}

/** Models of a kind that are not active, newest version first. */
export async function inactiveModels(db: SiteDatabase, siteId: string, kind: ModelKind) {
  return drizzle(db)
    .select({ id: models.id, r2Key: models.r2Key })
    .from(models)
    .where(and(eq(models.siteId, siteId), eq(models.kind, kind), ne(models.status, "active")))
    .orderBy(desc(models.version));
}

export async function deleteModel(db: SiteDatabase, siteId: string, id: string): Promise<void> {
  await drizzle(db)
    .delete(models)
    .where(and(eq(models.siteId, siteId), eq(models.id, id)));
}

/** Logs a served list, so clicks and purchases echoing its id credit the model that made it. */
export async function insertImpression(db: SiteDatabase, row: ImpressionRow): Promise<void> {
  await drizzle(db).insert(recImpressions).values(row);
}

/** A row of modelTraffic: lists shown per model, or clicks and purchases (type, revenue) per model. */
export interface TrafficRow {
  model_id: string | null;
  type?: string;
  n: number;
  revenue?: number;
}

/**
 * Since `from`: lists served per model (model_id null: no model, cold start), and clicks and
 * purchases carrying a list's id per model and event type, with purchase revenue in `currency` only.
 */
export async function modelTraffic(db: SiteDatabase, siteId: string, from: number, currency: string) {
  const [shown, acted] = await db.batch<TrafficRow>([
    db
      .prepare(
        "SELECT model_id, count(*) AS n FROM rec_impressions WHERE site_id = ?1 AND created_at >= ?2 GROUP BY model_id",
      )
      .bind(siteId, from),
    db
      .prepare(
        "SELECT i.model_id, e.type, count(*) AS n, coalesce(sum(CASE WHEN e.currency = ?3 THEN e.revenue_minor END), 0) AS revenue " +
          "FROM events e JOIN rec_impressions i ON i.site_id = e.site_id AND i.id = e.rec_id " +
          "WHERE e.site_id = ?1 AND e.ts >= ?2 AND e.superseded = 0 AND e.type IN ('click', 'purchase') " +
          "GROUP BY i.model_id, e.type",
      )
      .bind(siteId, from, currency),
  ]);
  return { shown: shown!.results, acted: acted!.results };
}
