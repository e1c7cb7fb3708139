// Recommendation, ranking, propensity and model endpoints live in the recommend Worker. The edge
// authenticates (read scope) and forwards over the service binding, naming the site in a header
// the recommend Worker trusts because it is reachable only through this binding.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import {
  Model,
  ModelHealth,
  ModelList,
  ModelPerformance,
  PerformanceQuery,
  PropensityBody,
  PropensityResult,
  RankBody,
  RankResult,
  RecommendationList,
  RecommendationsQuery,
  RetrainBody,
  RetrainResult,
  SimilarItems,
  SimilarQuery,
  SITE_HEADER,
} from "../../shared/recommend-api";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { errors, IdParam, json } from "../../shared/openapi";
import { MANUAL_RUN_LIMITS } from "../../../schema/limits";

export const recommendProxyRoutes = new OpenAPIHono<AppBindings>();

// Reading recommendations and scores needs `read`; retraining and promoting models need `admin`.
const paths: [method: "GET" | "POST", path: string, scope: "read" | "admin"][] = [
  ["GET", "/api/v1/recommendations", "read"],
  ["GET", "/api/v1/items/:id/similar", "read"],
  ["POST", "/api/v1/rank", "read"],
  ["POST", "/api/v1/propensity", "read"],
  ["GET", "/api/v1/models", "read"],
  ["GET", "/api/v1/models/performance", "read"],
  ["GET", "/api/v1/models/health", "read"],
  ["POST", "/api/v1/models/retrain", "admin"],
  ["POST", "/api/v1/models/:id/promote", "admin"],
];

for (const [method, path, scope] of paths) {
  recommendProxyRoutes.on(method, path, requireScope(scope), async (c) => {
    const site = siteScope(c);
    const headers = new Headers(c.req.raw.headers);
    headers.delete("authorization");
    headers.delete("cookie"); // a person's session stays at the edge
    headers.set(SITE_HEADER, site.siteId);
    return c.env.RECOMMEND.fetch(new Request(c.req.url, { method: c.req.method, headers, body: c.req.raw.body }));
  });
}

// The same endpoints in the OpenAPI document, with the schemas the recommend Worker validates and answers.
const doc = (
  method: "get" | "post",
  path: string,
  summary: string,
  request: Record<string, unknown>,
  response: z.ZodType,
  scope: "read" | "admin" = "read",
  description?: string,
  more: Record<number, { description: string }> = {},
) =>
  recommendProxyRoutes.openAPIRegistry.registerPath({
    method,
    path,
    summary: `${summary} (scope: ${scope})`,
    ...(description ? { description } : {}),
    tags: ["Recommendations"],
    security: [{ bearer: [] }],
    request,
    responses: {
      200: { description: "OK", ...json(response) },
      400: { description: "Invalid", ...errors },
      404: { description: "Unknown item or model (an unknown learner is a cold-start learner)", ...errors },
      ...Object.fromEntries(Object.entries(more).map(([status, r]) => [status, { ...r, ...errors }])),
    },
  });
const body = (schema: z.ZodType) => ({ body: { ...json(schema), required: true } });
doc(
  "get",
  "/api/v1/recommendations",
  "Top-k courses for a learner, with reasons and a rec_id",
  { query: RecommendationsQuery },
  RecommendationList,
);
doc(
  "get",
  "/api/v1/items/{id}/similar",
  "Courses bought together with this one",
  { params: IdParam, query: SimilarQuery },
  SimilarItems,
);
// Unknown learners are served cold here as in /recommendations: not an error.
const COLD_START =
  "A learner with no events yet (an unknown user_id or visitor_id) is a cold-start learner, not an error: " +
  "`learner.known` is false and they are scored with the features of a learner with no history.";
doc(
  "post",
  "/api/v1/rank",
  "Items ordered by purchase probability",
  body(RankBody),
  RankResult,
  "read",
  `${COLD_START} Before the first propensity model, items are ordered by the recommender's affinity for a learner ` +
    "it was trained on, else by popularity (trending). Items not in the catalog are a 400.",
);
doc(
  "post",
  "/api/v1/propensity",
  "Purchase probability for a learner (and course) or for features",
  body(PropensityBody),
  PropensityResult,
  "read",
  `${COLD_START} Without item_id: the course they are closest to buying among those they looked at and do not ` +
    "own; none for a cold learner (item_id null). 409 until the first propensity model is trained.",
);
doc("get", "/api/v1/models", "The model registry", {}, ModelList);
doc(
  "get",
  "/api/v1/models/performance",
  "Impressions, clicks, purchases and revenue per model version",
  { query: PerformanceQuery },
  ModelPerformance,
);
doc("get", "/api/v1/models/health", "Run a fixed probe model in the recommend Worker's model runtime", {}, ModelHealth);
doc(
  "post",
  "/api/v1/models/retrain",
  "Retrain now: select a recommender, promote only what beats its baseline",
  body(RetrainBody),
  RetrainResult,
  "admin",
  `At most ${MANUAL_RUN_LIMITS.retrain.runs} retrains per site in ${MANUAL_RUN_LIMITS.retrain.minutes} minutes ` +
    "(the daily retrain is not counted).",
  { 429: { description: "Too many retrains: retry after the Retry-After seconds" } },
);
doc(
  "post",
  "/api/v1/models/{id}/promote",
  "Make a model active (also: roll back)",
  { params: IdParam },
  Model,
  "admin",
);
