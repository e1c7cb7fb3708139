// The model registry: files in R2 under models/{site}/{id}/, one row per model in D1
// (schema/queries/models.ts). Exactly one model per (site, kind) is active; promotion and rollback
// swap it in one D1 batch.
import type { ModelKind } from "../../schema/model-tables";
import {
  activeModel,
  deleteModel,
  getModel,
  inactiveModels,
  insertModel,
  listModels,
  type ModelRow,
  nextVersion,
  promote,
  setStatus,
} from "../../schema/queries/models";

export { activeModel, getModel, listModels, promote, setStatus, type ModelKind, type ModelRow };

export interface RegistryEnv {
  DB: D1Database;
  MODELS: R2Bucket;
}

/** Stores the files, then the row (a row never points at missing files). */
export async function saveModel(
  env: RegistryEnv,
  row: Omit<ModelRow, "version" | "r2Key" | "sizeBytes" | "promotedAt">,
  files: { onnx: Uint8Array; meta: unknown },
): Promise<ModelRow> {
  const version = await nextVersion(env.DB, row.siteId, row.kind);
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
  await insertModel(env.DB, full);
  return full;
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
  const inactive = await inactiveModels(env.DB, siteId, kind);
  const old = inactive.slice(keep); // at most keep + 1 rows here, as every retrain prunes
  for (const row of old) {
    await env.MODELS.delete([`${row.r2Key}/model.onnx`, `${row.r2Key}/meta.json`]);
    await deleteModel(env.DB, siteId, row.id);
  }
  return old.length;
}
