// ROI reports, answered from the rollup tables and imported costs (fast: no raw-event scans).
// GET /api/v1/reports/roi, GET /api/v1/reports/overview, POST /api/v1/reports/rebuild.
import { siteDatabase, type SiteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import Papa from "papaparse";
import { DIMENSIONS } from "../../../models/attribution/credit";
import { MODEL_NAMES } from "../../../models/attribution/paths";
import { metricChange, PERIODS } from "../../../models/attribution/roi";
import { getRollupState } from "../../../schema/queries/rollup";
import type { SiteScope } from "../../../schema/queries/scope";
import type { SiteRow } from "../../../schema/queries/sites";
import { roiFigures } from "../../../jobs/roi";
import { rollupSite } from "../../../jobs/rollup";
import { requireScope, siteScope } from "../auth";
import { addDays, DAY_MS, localDay } from "../../../core/time";
import { REPORT_MAX_DAYS } from "../../../schema/limits";
import type { AppBindings } from "../env";
import { ApiError, ErrorEnvelope } from "../../shared/errors";
import { siteOr404 } from "../lib/sites";
import { RoiOverview, RoiReport } from "../lib/roi-schemas";

export const reportRoutes = new OpenAPIHono<AppBindings>();
const errors = { content: { "application/json": { schema: ErrorEnvelope } } };

/** Reports count whole local days, so only a date will do; the error says so (not just "Invalid"). */
const ReportDay = z.iso.date({ error: "Use an ISO 8601 date, YYYY-MM-DD: a day in the site's time zone." });

const Range = z.object({
  site_id: z.string().optional(),
  from: ReportDay.optional().openapi({
    description: `First day (site's time zone), at most ${REPORT_MAX_DAYS} days before \`to\`. Default: 29 days before \`to\`.`,
  }),
  to: ReportDay.optional().openapi({ description: "Last day, inclusive. Default: today." }),
  model: z.enum(MODEL_NAMES).default("last_non_direct"),
});

export async function loadSite(c: { env: { DB: D1Database } }, scope: SiteScope): Promise<SiteRow> {
  return siteOr404(c.env.DB, scope);
}

/** How fresh the rollups are: events received up to this instant are counted (null: never rolled up). */
async function dataUntil(db: SiteDatabase, scope: SiteScope): Promise<string | null> {
  const state = await getRollupState(db, scope);
  return state ? new Date(state.watermark).toISOString() : null;
}

export function range(site: SiteRow, q: { from?: string; to?: string }) {
  const to = q.to ?? localDay(Date.now(), site.timezone);
  const from = q.from ?? addDays(to, -29);
  if (from > to)
    throw new ApiError(400, "validation_failed", "The range is empty.", [
      { path: "from", message: "Must not be after `to`." },
    ]);
  const days = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  if (days > REPORT_MAX_DAYS)
    throw new ApiError(400, "validation_failed", `The range is too long: at most ${REPORT_MAX_DAYS} days.`, [
      { path: "from", message: `${days} days; at most ${REPORT_MAX_DAYS}.` },
    ]);
  return { from, to };
}

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/reports/roi",
    tags: ["Reports"],
    summary:
      "ROI, ROAS, CAC, conversion rate, AOV, LTV and payback per channel, source, campaign or partner (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: {
      query: Range.extend({
        group_by: z.enum(DIMENSIONS).default("channel"),
        period: z.enum(PERIODS).default("total"),
        format: z.enum(["json", "csv"]).default("json"),
      }),
    },
    responses: {
      200: {
        description: "Rows per period and group, totals, and issues such as missing exchange rates",
        content: { "application/json": { schema: RoiReport }, "text/csv": { schema: z.string() } },
      },
      400: { description: "Bad query", ...errors },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const scope = siteScope(c, q.site_id);
    const site = await loadSite(c, scope);
    const { from, to } = range(site, q);
    const { groups, totals, issues } = await roiFigures(siteDatabase(c.env, site.id), {
      site,
      from,
      to,
      model: q.model,
      groupBy: q.group_by,
      period: q.period,
      distinctVisitors: true,
    });
    const rows = groups
      .map((g) => ({ period: g.period, [q.group_by]: g.key, ...g.metrics }))
      .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : b.revenue - a.revenue));
    if (q.format === "csv") {
      return c.body(Papa.unparse(rows, { escapeFormulae: true, newline: "\n" }) + "\n", 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="roi-${q.group_by}-${from}-${to}.csv"`,
      }) as never;
    }
    return c.json(
      {
        from,
        to,
        model: q.model,
        group_by: q.group_by,
        period: q.period,
        currency: site.currency,
        data_until: await dataUntil(siteDatabase(c.env, scope.siteId), scope),
        rows,
        totals,
        issues,
      },
      200,
    );
  },
);

reportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/reports/overview",
    tags: ["Reports"],
    summary: "Period totals against the previous period, and the channels by revenue (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: Range },
    responses: {
      200: { description: "Overview", content: { "application/json": { schema: RoiOverview } } },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const scope = siteScope(c, q.site_id);
    const site = await loadSite(c, scope);
    const { from, to } = range(site, q);
    const figures = await roiFigures(siteDatabase(c.env, site.id), {
      site,
      from,
      to,
      model: q.model,
      groupBy: "channel",
      compare: true,
      distinctVisitors: true,
    });
    const previous = figures.previous;
    const channels = figures.groups
      .map((g) => ({ channel: g.key, ...g.metrics }))
      .sort((a, b) => b.revenue - a.revenue);
    return c.json(
      {
        from,
        to,
        previous: { from: previous.from, to: previous.to },
        model: q.model,
        currency: site.currency,
        data_until: await dataUntil(siteDatabase(c.env, scope.siteId), scope),
        totals: figures.totals,
        previous_totals: previous.totals,
        change: metricChange(figures.totals, previous.totals),
        channels,
        issues: figures.issues,
      },
      200,
    );
  },
);

reportRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/reports/rebuild",
    tags: ["Reports"],
    summary: "Rebuild the site's rollups from raw events (admin scope; for repairs)",
    security: [{ bearer: [] }],
    middleware: [requireScope("admin")] as const,
    request: { query: z.object({ site_id: z.string().optional() }) },
    responses: {
      200: { description: "Days rebuilt", content: { "application/json": { schema: z.object({ days: z.number() }) } } },
    },
  }),
  async (c) => {
    const site = await loadSite(c, siteScope(c, c.req.valid("query").site_id));
    const { days } = await rollupSite(siteDatabase(c.env, site.id), site, Date.now(), { full: true });
    return c.json({ days }, 200);
  },
);
