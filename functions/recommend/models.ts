// The model registry API: list, retrain now, promote (and so roll back) by hand, and how each
// model version performs online: impressions, clicks, purchases and revenue from its lists.
import { siteDatabase } from "../../schema/databases";
import { Hono } from "hono";
import { getModel, listModels, promote, setStatus, type ModelRow } from "../../jobs/recs/registry";
import { retrainSite } from "../../jobs/recs/train";
import { toMajor } from "../../core/money";
import { modelTraffic } from "../../schema/queries/models";
import { limitedRun } from "../shared/manual-runs";
import { getSite } from "../../schema/queries/sites";
import { ApiError } from "../shared/errors";
import { siteOf, type RecommendBindings } from "./env";
import type { z } from "@hono/zod-openapi";
import {
  type Model,
  type ModelList,
  ModelMetrics,
  type ModelPerformance,
  PerformanceQuery,
  RetrainBody,
  type RetrainResult,
} from "../shared/recommend-api";
import { jsonBody, parse } from "./validate";
import { DAY_MS } from "../../core/time";

export const modelRoutes = new Hono<RecommendBindings>();

export function modelView(row: ModelRow): Model {
  // The registry column is typed loosely (schema/ cannot see the API schemas); parse to the documented shape.
  const metrics = ModelMetrics.parse(row.metrics);
  return {
    id: row.id,
    kind: row.kind,
    version: row.version,
    status: row.status,
    data_from: new Date(row.dataFrom).toISOString(),
    data_to: new Date(row.dataTo).toISOString(),
    metrics,
    size_bytes: row.sizeBytes,
    created_at: new Date(row.createdAt).toISOString(),
    promoted_at: row.promotedAt === null ? null : new Date(row.promotedAt).toISOString(),
    decision: metrics.promotion.decision,
    reason: metrics.promotion.reason,
    note: row.note,
  };
}

modelRoutes.get("/api/v1/models", async (c) => {
  const siteId = siteOf(c);
  const rows = await listModels(siteDatabase(c.env, siteId), siteId);
  return c.json({ data: rows.map(modelView) } satisfies z.infer<typeof ModelList>);
});

modelRoutes.post("/api/v1/models/retrain", async (c) => {
  const siteId = siteOf(c);
  const body = parse(RetrainBody, await jsonBody(c.req.raw, {}));
  const mf = {
    ...(body.epochs !== undefined && { epochs: body.epochs }),
    ...(body.dim !== undefined && { dim: body.dim }),
  };
  // A retrain holds the isolate for seconds: a site gets a few per hour (MANUAL_RUN_LIMITS).
  const outcomes = await limitedRun(siteDatabase(c.env, siteId), siteId, "retrain", () =>
    retrainSite(c.env, siteId, Date.now(), {
      mf,
      candidates: body.candidates,
      propensityEpochs: body.propensity_epochs,
    }),
  );
  return c.json({
    data: outcomes.map((o) => ({
      kind: o.kind,
      promoted: o.promoted,
      reason: o.reason,
      model: o.model ? modelView(o.model) : null,
    })),
  } satisfies z.infer<typeof RetrainResult>);
});

modelRoutes.post("/api/v1/models/:id/promote", async (c) => {
  const siteId = siteOf(c);
  const id = c.req.param("id");
  const row = await getModel(siteDatabase(c.env, siteId), siteId, id);
  if (!row) throw new ApiError(404, "not_found", "No such model.", [{ path: "id", message: "Unknown model." }]);
  if (row.status === "active") throw new ApiError(409, "already_active", "This model is already active.");
  const now = Date.now();
  await promote(siteDatabase(c.env, siteId), siteId, id, now);
  await setStatus(
    siteDatabase(c.env, siteId),
    siteId,
    id,
    "active",
    `promoted by hand at ${new Date(now).toISOString()}`,
  );
  return c.json(modelView((await getModel(siteDatabase(c.env, siteId), siteId, id))!));
});

modelRoutes.get("/api/v1/models/performance", async (c) => {
  const siteId = siteOf(c);
  const q = parse(PerformanceQuery, c.req.query());
  const from = Date.now() - q.days * DAY_MS;
  const site = await getSite(c.env.DB, { siteId });
  const currency = site?.currency ?? "CNY";
  const { shown, acted } = await modelTraffic(siteDatabase(c.env, siteId), siteId, from, currency);
  const byModel = new Map<string | null, { impressions: number; clicks: number; purchases: number; revenue: number }>();
  const entry = (id: string | null) => {
    let e = byModel.get(id);
    if (!e) byModel.set(id, (e = { impressions: 0, clicks: 0, purchases: 0, revenue: 0 }));
    return e;
  };
  for (const r of shown) entry(r.model_id).impressions = r.n;
  for (const r of acted) {
    const e = entry(r.model_id);
    if (r.type === "click") e.clicks = r.n;
    else {
      e.purchases = r.n;
      e.revenue = toMajor(r.revenue ?? 0, currency);
    }
  }
  const versions = new Map((await listModels(siteDatabase(c.env, siteId), siteId, 200)).map((m) => [m.id, m.version]));
  return c.json({
    currency,
    days: q.days,
    data: [...byModel].map(([id, e]) => ({
      model_id: id,
      version: id ? (versions.get(id) ?? null) : null,
      ...e,
      ctr: e.impressions ? e.clicks / e.impressions : null,
      conversion: e.impressions ? e.purchases / e.impressions : null,
    })),
  } satisfies z.infer<typeof ModelPerformance>);
});
