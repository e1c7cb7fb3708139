// The model registry: files in R2 under models/{site}/{id}/ (model.onnx, absent for models served
// by plain TypeScript, and meta.json), one row per model in D1 (schema/queries/models.ts). At most
// one model per (site, kind) is active; promotion and rollback swap it in one D1 batch.
import { siteDatabase } from "../../schema/databases";
import { describeError } from "../../core/errors";
import type { ModelKind } from "../../schema/model-tables";
import type { CandidateName } from "../../models/recs/candidates";
import {
  activeModel,
  deleteModel,
  getModel,
  inactiveModels,
  insertModel,
  latestModel,
  listModels,
  type ModelRow,
  nextVersion,
  promote,
  setStatus,
} from "../../schema/queries/models";

export { activeModel, getModel, latestModel, listModels, promote, setStatus, type ModelKind, type ModelRow };

/** What a recommender's meta.json holds: enough to serve it, and the baseline, without ORT. */
export interface RecommenderMeta {
  /** The candidate selection chose: mf and ease are served through model.onnx, the others from here. */
  algorithm: CandidateName;
  items: string[];
  /** The learners it was trained on. */
  users: string[];
  /** Per item: signal weight decayed by age (the baseline's and new learners' list). */
  trending: number[];
  /** Item-kNN neighbours (the baseline's "also bought"), with the tuned neighbour count. */
  neighbours: { items: number[][]; weights: number[][] };
  /** Per item: learners with it among their positives (served when algorithm is popularity). */
  popularity: number[];
}

export interface RegistryEnv {
  DB: D1Database;
  MODELS: R2Bucket;
}

/**
 * Stores the files, then the row (a row never points at missing files). If R2 or D1 fails part way,
 * the files already stored are deleted again, so a failed retrain leaves no half-registered version
 * behind (the active model keeps serving), and the error is logged and thrown to the caller.
 */
export async function saveModel(
  env: RegistryEnv,
  row: Omit<ModelRow, "version" | "r2Key" | "sizeBytes" | "promotedAt">,
  files: { onnx: Uint8Array | null; meta: unknown },
): Promise<ModelRow> {
  const r2Key = `models/${row.siteId}/${row.id}`;
  const stored: string[] = [];
  try {
    const version = await nextVersion(siteDatabase(env, row.siteId), row.siteId, row.kind);
    const meta = new TextEncoder().encode(JSON.stringify(files.meta));
    if (files.onnx) {
      await env.MODELS.put(`${r2Key}/model.onnx`, files.onnx);
      stored.push(`${r2Key}/model.onnx`);
    }
    await env.MODELS.put(`${r2Key}/meta.json`, meta);
    stored.push(`${r2Key}/meta.json`);
    const full: ModelRow = {
      ...row,
      version,
      r2Key,
      sizeBytes: (files.onnx?.byteLength ?? 0) + meta.byteLength,
      promotedAt: null,
    };
    await insertModel(siteDatabase(env, full.siteId), full);
    return full;
  } catch (err) {
    const context = { siteId: row.siteId, kind: row.kind, modelId: row.id, error: describeError(err) };
    console.error("model registry: model not registered", context);
    if (stored.length > 0) {
      await env.MODELS.delete(stored).catch((cleanup: unknown) =>
        console.error("model registry: files left in R2", {
          ...context,
          keys: stored,
          cleanup: describeError(cleanup),
        }),
      );
    }
    throw err;
  }
}

/** A model's files; `onnx` is null for a model served without ORT (or when only the meta is wanted). */
export async function loadFiles<Meta>(
  env: RegistryEnv,
  row: ModelRow,
  what: { onnx: boolean } = { onnx: true },
): Promise<{ onnx: Uint8Array | null; meta: Meta }> {
  const [onnx, meta] = await Promise.all([
    what.onnx ? env.MODELS.get(`${row.r2Key}/model.onnx`) : null,
    env.MODELS.get(`${row.r2Key}/meta.json`),
  ]);
  if (!meta) throw new Error(`Model files missing in R2 for ${row.id}`);
  return { onnx: onnx ? new Uint8Array(await onnx.arrayBuffer()) : null, meta: (await meta.json()) as Meta };
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
  const inactive = await inactiveModels(siteDatabase(env, siteId), siteId, kind);
  const old = inactive.slice(keep); // at most keep + 1 rows here, as every retrain prunes
  for (const row of old) {
    await env.MODELS.delete([`${row.r2Key}/model.onnx`, `${row.r2Key}/meta.json`]);
    await deleteModel(siteDatabase(env, siteId), siteId, row.id);
  }
  return old.length;
}
