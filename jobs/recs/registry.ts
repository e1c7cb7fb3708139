// The model registry: files in R2 under models/{site}/{id}/, one row per model in D1. Exactly one
// model per (site, kind) is active; promotion and rollback swap it in one D1 batch.
import { and, desc, eq, ne, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { models } from "../../schema/tables";

export type ModelKind = "recommender" | "propensity";
export type ModelRow = typeof models.$inferSelect;

export interface RegistryEnv {
  DB: D1Database;
  MODELS: R2Bucket;
}

export async function activeModel(db: D1Database, siteId: string, kind: ModelKind): Promise<ModelRow | null> {
  const [row] = await drizzle(db)
    .select()
    .from(models)
    .where(and(eq(models.siteId, siteId), eq(models.kind, kind), eq(models.status, "active")))
    .limit(1);
  return row ?? null;
}

export async function getModel(db: D1Database, siteId: string, id: string): Promise<ModelRow | null> {
  const [row] = await drizzle(db)
    .select()
    .from(models)
    .where(and(eq(models.siteId, siteId), eq(models.id, id)))
    .limit(1);
  return row ?? null;
}

export async function listModels(db: D1Database, siteId: string, limit = 50): Promise<ModelRow[]> {
  return drizzle(db)
    .select()
    .from(models)
    .where(eq(models.siteId, siteId))
    .orderBy(desc(models.createdAt), desc(models.version))
    .limit(limit);
}

/** Stores the files, then the row (a row never points at missing files). */
export async function saveModel(
  env: RegistryEnv,
  row: Omit<ModelRow, "version" | "r2Key" | "sizeBytes" | "promotedAt">,
  files: { onnx: Uint8Array; meta: unknown },
): Promise<ModelRow> {
  const db = drizzle(env.DB);
  const [{ version }] = (await db
    .select({ version: sql<number>`coalesce(max(${models.version}), 0) + 1` })
    .from(models)
    .where(and(eq(models.siteId, row.siteId), eq(models.kind, row.kind)))) as [{ version: number }];
  const r2Key = `models/${row.siteId}/${row.id}`;
  const meta = new TextEncoder().encode(JSON.stringify(files.meta));
  await env.MODELS.put(`${r2Key}/model.onnx`, files.onnx);
  await env.MODELS.put(`${r2Key}/meta.json`, meta);
  const full: ModelRow = {
    ...row,
    version,
    r2Key,
    sizeBytes: files.onnx.byteLength + meta.byteLength,
    promotedAt: null,
  };
  await db.insert(models).values(full);
  return full;
}

/** Makes `id` the active model of its kind; the one it replaces is retired (and can be promoted back). */
export async function promote(db: D1Database, siteId: string, id: string, now: number): Promise<void> {
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

export async function setStatus(db: D1Database, siteId: string, id: string, status: string, note: string) {
  await drizzle(db)
    .update(models)
    .set({ status, note })
    .where(and(eq(models.siteId, siteId), eq(models.id, id)));
}

export async function loadFiles<Meta>(env: RegistryEnv, row: ModelRow): Promise<{ onnx: Uint8Array; meta: Meta }> {
  const [onnx, meta] = await Promise.all([
    env.MODELS.get(`${row.r2Key}/model.onnx`),
    env.MODELS.get(`${row.r2Key}/meta.json`),
  ]);
  if (!onnx || !meta) throw new Error(`Model files missing in R2 for ${row.id}`);
  return { onnx: new Uint8Array(await onnx.arrayBuffer()), meta: (await meta.json()) as Meta };
}

/** Model versions kept per site and kind besides the active one: enough to roll back, bounded R2 use. */
export const KEEP_MODEL_VERSIONS = 10;

/** Deletes the files and rows of all but the newest `keep` inactive models of a kind. */
export async function pruneModels(
  env: RegistryEnv,
  siteId: string,
  kind: ModelKind,
  keep = KEEP_MODEL_VERSIONS,
): Promise<number> {
  const d = drizzle(env.DB);
  const inactive = await d
    .select({ id: models.id, r2Key: models.r2Key })
    .from(models)
    .where(and(eq(models.siteId, siteId), eq(models.kind, kind), ne(models.status, "active")))
    .orderBy(desc(models.version));
  const old = inactive.slice(keep); // at most keep + 1 rows here, as every retrain prunes
  for (const row of old) {
    await env.MODELS.delete([`${row.r2Key}/model.onnx`, `${row.r2Key}/meta.json`]);
    await d.delete(models).where(and(eq(models.siteId, siteId), eq(models.id, row.id)));
  }
  return old.length;
}
