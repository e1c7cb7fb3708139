// POST /api/v1/rank and POST /api/v1/propensity: purchase probabilities from the propensity
// network in ORT, over features built by the same learnerItemFeatures() training used.
// A learner with no events yet is scored cold, as GET /api/v1/recommendations serves them: the
// features of a learner with no history (or, before any propensity model, the items' popularity).
import { type SiteDatabase, siteDatabase } from "../../schema/databases";
import { Hono } from "hono";
import type { z } from "@hono/zod-openapi";
import { priceOf } from "../../jobs/recs/data";
import { runNetwork } from "../../models/onnx/run";
import { catalogOf } from "../../schema/queries/items";
import { encodeAll, type FeatureRow } from "../../models/propensity/features";
import { learnerItemFeatures } from "../../models/propensity/learner";
import { ApiError } from "../shared/errors";
import { siteOf, type RecommendBindings } from "./env";
import { affinityOf } from "./candidates";
import {
  activeLoaded,
  baseRate,
  learnerOf,
  modelRef,
  served,
  type Learner,
  type PropensityMeta,
  type RecommenderMeta,
  type Served,
} from "./serving";
import { PropensityBody, type PropensityResult, RankBody, type RankResult } from "../shared/recommend-api";
import { jsonBody, learnerKey, parse } from "./validate";

export const scoringRoutes = new Hono<RecommendBindings>();

/** Prices of these items (major units) from the catalog; unknown ids are absent. */
async function pricesOf(db: SiteDatabase, siteId: string, ids: readonly string[]): Promise<Map<string, number | null>> {
  const catalog = await catalogOf(db, { siteId }, ids);
  return new Map([...catalog].map(([id, item]) => [id, priceOf(item)]));
}

/** The model's probabilities; the baseline's are the site's purchase rate, whatever the features. */
async function probabilities(answer: Served<PropensityMeta>, rows: FeatureRow[]): Promise<Float32Array> {
  if (answer.baseline) return new Float32Array(rows.length).fill(baseRate(answer.model!.row));
  const { meta, session } = answer.model;
  return runNetwork(session!, encodeAll(meta.encoder, rows), meta.encoder.width);
}

function rowsFor(learner: Learner, items: readonly string[], prices: Map<string, number | null>, now: number) {
  return items.map((id) => learnerItemFeatures(learner.sessions, learner.signals, id, prices.get(id) ?? null, now));
}

scoringRoutes.post("/api/v1/rank", async (c) => {
  const siteId = siteOf(c);
  const body = parse(RankBody, await jsonBody(c.req.raw));
  const prices = await pricesOf(siteDatabase(c.env, siteId), siteId, body.items);
  const unknown = body.items.map((id, i) => [id, i] as const).filter(([id]) => !prices.has(id));
  if (unknown.length) {
    throw new ApiError(
      400,
      "validation_failed",
      "Unknown items.",
      unknown.map(([, i]) => ({ path: `items.${i}`, message: "Not in the catalog." })),
    );
  }
  const learner = await learnerOf(c.env, siteId, learnerKey(body));
  const scored = { known: learner.known };
  const model = await activeLoaded<PropensityMeta>(c.env, siteId, "propensity");
  if (model) {
    const p = await probabilities({ baseline: false, model }, rowsFor(learner, body.items, prices, Date.now()));
    const ranked = body.items
      .map((id, i) => ({ id, probability: p[i]! }))
      .sort((a, b) => b.probability - a.probability);
    return c.json({
      ranked_by: "propensity",
      model: { id: model.row.id, version: model.row.version },
      learner: scored,
      items: ranked,
    } satisfies z.infer<typeof RankResult>);
  }
  // No promoted propensity model: the baseline orders by the recommender's affinity, if there is one.
  const recommender = await served<RecommenderMeta>(c.env, siteId, "recommender");
  if (recommender.model) {
    const affinity = await affinityOf(recommender.model, learner, recommender.baseline);
    const ranked = body.items
      .map((id) => ({ id, probability: null, affinity: affinity.get(id) ?? 0 }))
      .sort((a, b) => b.affinity - a.affinity);
    return c.json({
      ranked_by: "affinity",
      model: "baseline",
      learner: scored,
      items: ranked,
    } satisfies z.infer<typeof RankResult>);
  }
  // Nothing trained yet: every item scores 0 and keeps the order given.
  const items = body.items.map((id) => ({ id, probability: null, popularity: 0 }));
  return c.json({ ranked_by: "popularity", model: null, learner: scored, items } satisfies z.infer<typeof RankResult>);
});

scoringRoutes.post("/api/v1/propensity", async (c) => {
  const siteId = siteOf(c);
  const body = parse(PropensityBody, await jsonBody(c.req.raw));
  const answer = await served<PropensityMeta>(c.env, siteId, "propensity");
  if (!answer.model)
    throw new ApiError(409, "model_not_ready", "No propensity model has been trained for this site yet.");
  const view = modelRef(answer);
  if ("features" in body) {
    const [p] = await probabilities(answer, [body.features]);
    return c.json({
      probability: p!,
      model: view,
      item_id: null,
      learner: null,
      features: body.features,
    } satisfies z.infer<typeof PropensityResult>);
  }
  const learner = await learnerOf(c.env, siteId, learnerKey(body));
  // Without an item: the course they are closest to buying, among those they looked at and do not own
  // (none for a cold learner: then the probability of a purchase with no course in view).
  const considered = body.item_id
    ? [body.item_id]
    : [...new Set(learner.signals.map((s) => s.item))].filter((id) => !learner.owned.has(id));
  const items = considered.length ? considered : [""];
  const prices = await pricesOf(siteDatabase(c.env, siteId), siteId, items);
  const rows = rowsFor(learner, items, prices, Date.now());
  const p = await probabilities(answer, rows);
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return c.json({
    probability: p[best]!,
    model: view,
    item_id: items[best] || null,
    learner: { known: learner.known },
    features: rows[best]!,
  } satisfies z.infer<typeof PropensityResult>);
});
