// POST /api/v1/query: metrics by dimensions over a date range, in the shape of Plausible's Stats API
// v2; GET /api/v1/realtime: the last 30 minutes. Thin: jobs/query.ts plans and answers.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { MINUTE_MS } from "../../../core/time";
import { QueryError, runQueryApi } from "../../../jobs/query";
import { realtime } from "../../../schema/queries/query-run";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { QueryRequest, QueryResponse, RealtimeResponse } from "../lib/query-schemas";
import { siteOr404 } from "../lib/sites";
import { ApiError } from "../../shared/errors";
import { errors, json, SiteQuery } from "../../shared/openapi";

export const queryRoutes = new OpenAPIHono<AppBindings>();

/** Realtime looks this far back, and lists this many pages and sources. */
export const REALTIME_WINDOW_MS = 30 * MINUTE_MS;
const REALTIME_TOP = 10;

const iso = (ms: number) => new Date(ms).toISOString();

queryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/query",
    tags: ["Analytics"],
    summary: "Metrics by dimensions, filters and date range, Plausible Stats API v2 style (read scope)",
    description:
      "Visitors, visits, page views, bounce rate, visit duration, engaged time, conversions, revenue, cost, ROI and ROAS " +
      "by visit, event, segment and time dimensions in the site's time zone, with nested and/or/not filters, a comparison " +
      "period and pagination. Answered from the daily rollup when it holds every figure asked for, else from raw events.",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { body: { required: true, ...json(QueryRequest) } },
    responses: {
      200: { description: "Rows of dimension values and metrics", ...json(QueryResponse) },
      400: { description: "A bad query (validation_failed) or one too costly to answer (query_too_large)", ...errors },
      403: { description: "The key belongs to another site", ...errors },
      404: { description: "No such site", ...errors },
    },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const site = await siteOr404(c.env.DB, siteScope(c, input.site_id));
    let answer: Awaited<ReturnType<typeof runQueryApi>>;
    try {
      answer = await runQueryApi(siteDatabase(c.env, site.id), site, input, Date.now());
    } catch (err) {
      if (err instanceof QueryError) throw new ApiError(400, err.code, err.message, err.issues, { cause: err });
      throw err;
    }
    const { plan, results } = answer;
    const range = (p: { period: { from: string; to: string; startMs: number; endMs: number; dayAligned: boolean } }) =>
      (p.period.dayAligned ? [p.period.from, p.period.to] : [iso(p.period.startMs), iso(p.period.endMs)]) as [
        string,
        string,
      ];
    return c.json(
      {
        results,
        meta: {
          currency: site.currency,
          time_zone: site.timezone,
          date_range: range(plan.main),
          comparison_date_range: plan.comparison ? range(plan.comparison) : null,
          total_rows: answer.total,
          ...(input.include.time_labels && { time_labels: plan.main.labels ?? [] }),
          ...(input.include.time_labels && plan.comparison && { comparison_time_labels: plan.comparison.labels ?? [] }),
          source: answer.useRollup ? ("rollup" as const) : ("events" as const),
          data_until: answer.useRollup && answer.dataUntil !== null ? iso(answer.dataUntil) : null,
          warnings: answer.warnings,
        },
        query: { ...input, site_id: site.id, date_range: range(plan.main), order_by: plan.orderBy },
      },
      200,
    );
  },
);

queryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/realtime",
    tags: ["Analytics"],
    summary: "Visitors, visits and events of the last 30 minutes, with the top pages and sources (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery },
    responses: {
      200: { description: "The last 30 minutes", ...json(RealtimeResponse) },
      403: { description: "The key belongs to another site", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c, c.req.valid("query").site_id);
    await siteOr404(c.env.DB, scope);
    const now = Date.now();
    const since = now - REALTIME_WINDOW_MS;
    const r = await realtime(siteDatabase(c.env, scope.siteId), scope, since, REALTIME_TOP);
    return c.json(
      {
        since: iso(since),
        until: iso(now),
        visitors: r.totals.visitors,
        visits: r.totals.visits,
        pageviews: r.totals.pageviews,
        events: r.totals.events,
        top_pages: r.pages,
        top_sources: r.sources,
      },
      200,
    );
  },
);
