// The model registry and the recommendation log: model files live in R2 (MODELS bucket), their
// metadata here; every served recommendation list is logged so clicks and purchases carrying
// its id can be credited to the model version that produced it.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const MODEL_KINDS = ["recommender", "propensity", "dropout"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
/** candidate (just trained), active (served), retired (was active), rejected (worse than active). */
export const MODEL_STATUSES = ["candidate", "active", "retired", "rejected"] as const;
export const REC_ENDPOINTS = ["recommendations", "similar", "rank"] as const;
export type RecEndpoint = (typeof REC_ENDPOINTS)[number];

/** What training measured; `value` is the holdout metric promotion compares (null: no holdout). */
export type ModelMetrics = { value: number | null } & Record<string, unknown>;

export const models = sqliteTable(
  "models",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    kind: text("kind", { enum: MODEL_KINDS }).notNull(),
    version: integer("version").notNull(),
    status: text("status", { enum: MODEL_STATUSES }).notNull(),
    /** The training data window, epoch ms. */
    dataFrom: integer("data_from").notNull(),
    dataTo: integer("data_to").notNull(),
    /** Holdout metrics, sizes, training time, export check. */
    metrics: text("metrics", { mode: "json" }).$type<ModelMetrics>().notNull(),
    /** R2 prefix holding model.onnx and meta.json. */
    r2Key: text("r2_key").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    createdAt: integer("created_at").notNull(),
    promotedAt: integer("promoted_at"),
    note: text("note"),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] }), index("models_site_kind_status").on(t.siteId, t.kind, t.status)],
);

export const recImpressions = sqliteTable(
  "rec_impressions",
  {
    siteId: text("site_id").notNull(),
    /** The recommendation id returned to the app and echoed back on clicks and purchases. */
    id: text("id").notNull(),
    modelId: text("model_id"),
    endpoint: text("endpoint", { enum: REC_ENDPOINTS }).notNull(),
    userKey: text("user_key"),
    /** Item ids, in the order shown. */
    items: text("items", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] }), index("rec_impressions_site_created").on(t.siteId, t.createdAt)],
);
