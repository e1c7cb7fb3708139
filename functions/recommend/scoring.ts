// POST /api/v1/rank and POST /api/v1/propensity: purchase probabilities from the propensity
// network in ORT, over features built by the same learnerItemFeatures() training used.
// A learner with no events yet is scored cold, as GET /api/v1/recommendations serves them: the
// features of a learner with no history (or, before any propensity model, the items' popularity).
import { Hono } from "hono";
import type { z } from "@hono/zod-openapi";
import { priceOf } from "../../jobs/recs/data";
import { runMf, runNetwork } from "../../models/onnx/run";
import { catalogOf } from "../../schema/queries/items";
import { encode, encodeAll, type FeatureRow } from "../../models/propensity/features";
import { learnerItemFeatures } from "../../models/propensity/learner";
import { ApiError } from "../shared/errors";
import { siteOf, type RecommendBindings } from "./env";
import {
  activeLoaded,
  learnerOf,
  type Learner,
  type Loaded,
  type PropensityMeta,
  type RecommenderMeta,
} from "./serving";
import { PropensityBody, type PropensityResult, RankBody, type RankResult } from "../shared/recommend-api";
import { jsonBody, learnerKey, parse } from "./validate";

export const scoringRoutes = new Hono<RecommendBindings>();

/** Prices of these items (major units) from the catalog; unknown ids are absent. */
async function pricesOf(db: D1Database, siteId: string, ids: readonly string[]): Promise<Map<string, number | null>> {
  const catalog = await catalogOf(db, { siteId }, ids);
  return new Map([...catalog].map(([id, item]) => [id, priceOf(item)]));
}

async function probabilities(model: Loaded<PropensityMeta>, rows: FeatureRow[]): Promise<Float32Array> {
  const x = encodeAll(model.meta.encoder, rows);
  return runNetwork(model.session, x, model.meta.encoder.width);
}

function rowsFor(learner: Learner, items: readonly string[], prices: Map<string, number | null>, now: number) {
  return items.map((id) => learnerItemFeatures(learner.sessions, learner.signals, id, prices.get(id) ?? null, now));
}

scoringRoutes.post("/api/v1/rank", async (c) => {
  const siteId = siteOf(c);
  const body = parse(RankBody, await jsonBody(c.req.raw));
  const prices = await pricesOf(c.env.DB, siteId, body.items);
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
    const p = await probabilities(model, rowsFor(learner, body.items, prices, Date.now()));
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
  // Before the first propensity model: the recommender's affinity for a learner it was trained on,
  // else the items' popularity (trending), as recommendations fall back for a new learner.
  const recommender = await activeLoaded<RecommenderMeta>(c.env, siteId, "recommender");
  const user = recommender?.userIndex.get(learner.key);
  if (recommender && user !== undefined) {
    const affinity = new Map<string, number>();
    const n = recommender.meta.items.length;
    const { scores, items } = await runMf(recommender.session, user, new Float32Array(n), n);
    items.forEach((i, r) => affinity.set(recommender.meta.items[i]!, scores[r]!));
    const ranked = body.items
      .map((id) => ({ id, probability: null, affinity: affinity.get(id) ?? 0 }))
      .sort((a, b) => b.affinity - a.affinity);
    return c.json({
      ranked_by: "affinity",
      model: null,
      learner: scored,
      items: ranked,
    } satisfies z.infer<typeof RankResult>);
  }
  const popularity = (id: string) => {
    const i = recommender?.itemIndex.get(id);
    return i === undefined ? 0 : (recommender!.meta.trending[i] ?? 0);
  };
  const ranked = body.items
    .map((id) => ({ id, probability: null, popularity: popularity(id) }))
    .sort((a, b) => b.popularity - a.popularity);
  return c.json({
    ranked_by: "popularity",
    model: null,
    learner: scored,
    items: ranked,
  } satisfies z.infer<typeof RankResult>);
});

scoringRoutes.post("/api/v1/propensity", async (c) => {
  const siteId = siteOf(c);
  const body = parse(PropensityBody, await jsonBody(c.req.raw));
  const model = await activeLoaded<PropensityMeta>(c.env, siteId, "propensity");
  if (!model) throw new ApiError(409, "model_not_ready", "No propensity model has been trained for this site yet.");
  const view = { id: model.row.id, version: model.row.version };
  if ("features" in body) {
    const [p] = await runNetwork(model.session, encode(model.meta.encoder, body.features), model.meta.encoder.width);
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
  const prices = await pricesOf(c.env.DB, siteId, items);
  const rows = rowsFor(learner, items, prices, Date.now());
  const p = await probabilities(model, rows);
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
