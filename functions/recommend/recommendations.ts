// GET /api/v1/recommendations and GET /api/v1/items/{id}/similar. Every list gets a rec_id that
// apps echo back on clicks and purchases (data-wayfind-rec, or rec_id on server events), so the
// model version behind it can be judged online (GET /api/v1/models/performance).
import { type SiteDatabase, siteDatabase } from "../../schema/databases";
import { Hono, type Context } from "hono";
import type { RecEndpoint } from "../../schema/model-tables";
import { siteCatalog } from "../../schema/queries/items";
import { insertImpression } from "../../schema/queries/models";
import { ApiError } from "../shared/errors";
import { ItemId } from "../shared/openapi";
import { addAlsoBought, addPersonal, addTrending, ListBuilder, type Recommended } from "./candidates";
import { siteOf, type RecommendBindings } from "./env";
import { learnerOf, modelRef, served, type RecommenderMeta } from "./serving";
import type { z } from "@hono/zod-openapi";
import {
  type RecommendationList,
  RecommendationsQuery,
  SimilarQuery,
  type SimilarItems,
} from "../shared/recommend-api";
import { learnerKey, parse } from "./validate";

export const recommendationRoutes = new Hono<RecommendBindings>();

interface CatalogView {
  published: Set<string>;
  categoryOf: Map<string, string | null>;
  /** Published ids, newest first. */
  newest: string[];
}

/** The catalog, read per request so an unpublish takes effect on the next one. */
async function catalogView(db: SiteDatabase, siteId: string): Promise<CatalogView> {
  const catalog = await siteCatalog(db, { siteId });
  const newest = catalog.filter((item) => item.published).map((item) => item.id);
  return { published: new Set(newest), categoryOf: new Map(catalog.map((i) => [i.id, i.category])), newest };
}

async function logList(
  c: Context<RecommendBindings>,
  siteId: string,
  endpoint: RecEndpoint,
  modelId: string | null,
  userKey: string | null,
  items: Recommended[],
): Promise<string> {
  const recId = `rec_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const insert = insertImpression(siteDatabase(c.env, siteId), {
    siteId,
    id: recId,
    modelId,
    endpoint,
    userKey,
    items: items.map((i) => i.id),
    createdAt: Date.now(),
  });
  c.executionCtx.waitUntil(insert.catch((err) => console.error("rec_impressions insert failed", err)));
  return recId;
}

recommendationRoutes.get("/api/v1/recommendations", async (c) => {
  const siteId = siteOf(c);
  const q = parse(RecommendationsQuery, c.req.query());
  const who = learnerKey(q);
  const [learner, catalog, answer] = await Promise.all([
    learnerOf(c.env, siteId, who),
    catalogView(siteDatabase(c.env, siteId), siteId),
    served<RecommenderMeta>(c.env, siteId, "recommender"),
  ]);
  const model = answer.model;
  if (q.context_item && !catalog.categoryOf.has(q.context_item) && !model?.itemIndex.has(q.context_item)) {
    throw new ApiError(404, "not_found", "No such item.", [{ path: "context_item", message: "Unknown item." }]);
  }
  const allowed = q.category
    ? new Set([...catalog.published].filter((id) => catalog.categoryOf.get(id) === q.category))
    : catalog.published;
  const excluded = (q.exclude ?? "").split(",").map((id) => id.trim());
  const blocked = new Set([...excluded.filter(Boolean), ...(q.context_item ? [q.context_item] : [])]);
  if (q.exclude_owned === "true" || q.exclude_owned === "1") for (const id of learner.owned) blocked.add(id);
  const list = new ListBuilder({ allowed, blocked }, q.k);
  if (model) {
    if (q.context_item) addAlsoBought(list, model, [q.context_item]);
    // The baseline is what follows: item-kNN over the learner's history, then trending.
    if (!answer.baseline) await addPersonal(list, model, learner);
    addAlsoBought(list, model, learner.liked);
    addTrending(list, model);
  }
  for (const id of catalog.newest) list.add(id, 0, "cold_start");
  const modelId = answer.baseline ? null : answer.model.row.id;
  const recId = await logList(c, siteId, "recommendations", modelId, learner.key, list.items);
  return c.json({
    rec_id: recId,
    model: modelRef(answer),
    learner: { known: learner.known, in_model: !answer.baseline && answer.model.userIndex.has(learner.key) },
    items: list.items,
  } satisfies z.infer<typeof RecommendationList>);
});

recommendationRoutes.get("/api/v1/items/:id/similar", async (c) => {
  const siteId = siteOf(c);
  const id = parse(ItemId, c.req.param("id"));
  const q = parse(SimilarQuery, c.req.query());
  const [catalog, answer] = await Promise.all([
    catalogView(siteDatabase(c.env, siteId), siteId),
    served<RecommenderMeta>(c.env, siteId, "recommender"),
  ]);
  const model = answer.model;
  if (!catalog.categoryOf.has(id)) {
    throw new ApiError(404, "not_found", "No such item.", [{ path: "id", message: "Unknown item." }]);
  }
  const category = catalog.categoryOf.get(id);
  const list = new ListBuilder({ allowed: catalog.published, blocked: new Set([id]) }, q.k);
  if (model) addAlsoBought(list, model, [id]);
  // Then the same category's trending courses, then its newest ones.
  const sameCategory = new Set([...catalog.published].filter((i) => catalog.categoryOf.get(i) === category));
  const fallback = new ListBuilder({ allowed: sameCategory, blocked: new Set([id]) }, q.k);
  if (model) addTrending(fallback, model);
  for (const newest of catalog.newest) fallback.add(newest, 0, "cold_start");
  for (const item of fallback.items) list.add(item.id, item.score, item.reason);
  const recId = await logList(c, siteId, "similar", answer.baseline ? null : answer.model.row.id, null, list.items);
  return c.json({
    rec_id: recId,
    model: modelRef(answer),
    item_id: id,
    items: list.items,
  } satisfies z.infer<typeof SimilarItems>);
});
