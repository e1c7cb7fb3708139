// Dropout risk and win-back (issue 16). The at-risk list is scored in the recommend Worker (ORT):
// the edge authenticates (read scope) and forwards it over the RECOMMEND service binding, as the
// other recommend proxies do. Outcomes (did flagged learners come back?) and the webhook endpoints
// that receive `learner.at_risk` are the edge's own (D1).
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { SITE_HEADER } from "../../../core/service";
import { firstWeek, WIN_BACK_WINDOW_DAYS } from "../../../jobs/learners/period";
import {
  newWebhookSecret,
  sealWebhookSecret,
  webhookSealingKey,
  webhookUrlProblem,
} from "../../../jobs/learners/webhooks";
import { outcomesByPeriod } from "../../../schema/queries/at-risk";
import {
  deleteEndpoint,
  deliveryCounts,
  insertEndpoint,
  listEndpoints,
  type EndpointRow,
} from "../../../schema/queries/webhooks";
import { randomToken } from "../../../core/hash";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import {
  AtRiskList,
  AtRiskOutcomes,
  AtRiskQuery,
  CreatedEndpoint,
  Endpoint,
  EndpointBody,
  OutcomesQuery,
} from "../../shared/learners-api";
import { errors, IdParam, iso, json, SiteQuery } from "../../shared/openapi";
import { siteOr404 } from "../lib/sites";

export const learnerRoutes = new OpenAPIHono<AppBindings>();

learnerRoutes.get("/api/v1/learners/at-risk", requireScope("read"), async (c) => {
  const site = siteScope(c);
  const headers = new Headers(c.req.raw.headers);
  headers.delete("authorization");
  headers.delete("cookie"); // a person's session stays at the edge
  headers.set(SITE_HEADER, site.siteId);
  return c.env.RECOMMEND.fetch(new Request(c.req.url, { method: "GET", headers }));
});
learnerRoutes.openAPIRegistry.registerPath({
  method: "get",
  path: "/api/v1/learners/at-risk",
  summary: "Learners likely to stop, with the reasons (scope: read)",
  description:
    "Learners with learning activity in the last 14 days who have not finished, scored by the site's promoted " +
    "dropout model (the probability of no learning activity in the next 14 days). Each reason is a feature whose " +
    "reset to its training mean lowers the probability most. 409 model_not_ready until a dropout model is promoted.",
  tags: ["Learners"],
  security: [{ bearer: [] }],
  request: { query: AtRiskQuery },
  responses: {
    200: { description: "Most at risk first", ...json(AtRiskList) },
    400: { description: "Invalid", ...errors },
    404: { description: "Unknown course", ...errors },
    409: { description: "No promoted dropout model yet", ...errors },
  },
});

learnerRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/learners/at-risk/outcomes",
    tags: ["Learners"],
    summary: "Win-back: how many flagged learners came back within 14 days, per week (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: OutcomesQuery },
    responses: {
      200: { description: "Per week, newest first", ...json(AtRiskOutcomes) },
      400: { description: "Invalid", ...errors },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const site = await siteOr404(c.env.DB, siteScope(c, q.site_id));
    const now = Date.now();
    const rows = await outcomesByPeriod(siteDatabase(c.env, site.id), { siteId: site.id }, firstWeek(now, q.weeks));
    const rate = (back: number, lost: number) => (back + lost ? back / (back + lost) : null);
    const totals = { flagged: 0, came_back: 0, not_back: 0 };
    for (const r of rows)
      ((totals.flagged += r.flagged), (totals.came_back += r.came_back), (totals.not_back += r.not_back));
    return c.json(
      {
        window_days: WIN_BACK_WINDOW_DAYS,
        win_back_rate: rate(totals.came_back, totals.not_back),
        totals,
        data: rows.map((r) => ({
          ...r,
          pending: r.flagged - r.came_back - r.not_back,
          win_back_rate: rate(r.came_back, r.not_back),
        })),
      },
      200,
    );
  },
);

type Counts = z.infer<typeof Endpoint>["deliveries"];
function endpointView(row: EndpointRow, counts: Counts | undefined): z.infer<typeof Endpoint> {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    created_at: iso(row.createdAt),
    deliveries: counts ?? { pending: 0, delivered: 0, dead: 0 },
  };
}

learnerRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/webhook-endpoints",
    tags: ["Learners"],
    summary: "Add an endpoint for outbound webhooks (learner.at_risk); its signing secret is shown once (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery, body: { ...json(EndpointBody), required: true } },
    responses: {
      201: { description: "Created", ...json(CreatedEndpoint) },
      400: { description: "Invalid", ...errors },
      503: { description: "No key to seal the secret with", ...errors },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const site = await siteOr404(c.env.DB, siteScope(c, q.site_id));
    const body = c.req.valid("json");
    const problem = webhookUrlProblem(body.url);
    if (problem)
      throw new ApiError(400, "validation_failed", "This URL cannot receive webhooks.", [
        { path: "url", message: problem },
      ]);
    const key = webhookSealingKey(c.env);
    if (!key) throw new ApiError(503, "not_configured", "Set the SIGNING_KEY secret to sign webhooks.");
    const id = `we_${randomToken(16)}`;
    const secret = newWebhookSecret();
    const row: EndpointRow = {
      id,
      url: body.url,
      events: [...new Set(body.events)],
      sealedSecret: await sealWebhookSecret(key, site.id, id, secret),
      createdAt: Date.now(),
    };
    await insertEndpoint(siteDatabase(c.env, site.id), { siteId: site.id }, row);
    return c.json({ ...endpointView(row, undefined), secret }, 201);
  },
);

learnerRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/webhook-endpoints",
    tags: ["Learners"],
    summary: "The site's webhook endpoints and their delivery counts (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: SiteQuery },
    responses: { 200: { description: "Endpoints", ...json(z.object({ data: z.array(Endpoint) })) } },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const site = await siteOr404(c.env.DB, siteScope(c, q.site_id));
    const scope = { siteId: site.id };
    const counts = new Map<string, Counts>();
    for (const r of await deliveryCounts(siteDatabase(c.env, scope.siteId), scope)) {
      const e = counts.get(r.endpointId) ?? { pending: 0, delivered: 0, dead: 0 };
      e[r.status] = r.n;
      counts.set(r.endpointId, e);
    }
    const rows = await listEndpoints(siteDatabase(c.env, scope.siteId), scope);
    return c.json({ data: rows.map((r) => endpointView(r, counts.get(r.id))) }, 200);
  },
);

learnerRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/api/v1/webhook-endpoints/{id}",
    tags: ["Learners"],
    summary: "Remove an endpoint; its pending deliveries are dropped (admin scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { params: IdParam, query: SiteQuery },
    responses: {
      204: { description: "Removed" },
      404: { description: "No such endpoint", ...errors },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const site = await siteOr404(c.env.DB, siteScope(c, q.site_id));
    if (!(await deleteEndpoint(siteDatabase(c.env, site.id), { siteId: site.id }, c.req.valid("param").id))) {
      throw new ApiError(404, "not_found", "No such webhook endpoint.", [{ path: "id", message: "Unknown endpoint." }]);
    }
    return c.body(null, 204);
  },
);
