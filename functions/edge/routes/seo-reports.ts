// GET /api/v1/seo/revenue and /api/v1/seo/opportunities: organic revenue by landing page and query,
// and keyword opportunities valued in money (major units of the site's currency).
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { toMajor } from "../../../core/money";
import { seoOpportunities, seoRankingModel, seoRevenue } from "../../../jobs/seo/report";
import { RANKING_FEATURES } from "../../../models/seo/ranking";
import { expectedCtr } from "../../../models/seo/ctr";
import { AUDIT_CHECKS, SEVERITIES } from "../../../models/seo/audit";
import { findings } from "../../../schema/queries/seo-audit";
import type { Opportunity } from "../../../models/seo/opportunities";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ErrorEnvelope } from "../../shared/errors";
import { siteOr404 } from "../lib/sites";
import { range } from "./reports";

export const seoReportRoutes = new OpenAPIHono<AppBindings>();
const errors = { content: { "application/json": { schema: ErrorEnvelope } } };
const Day = z.iso.date({ error: "Use an ISO 8601 date, YYYY-MM-DD: a day in the site's time zone." });
const Range = z.object({
  site_id: z.string().optional(),
  from: Day.optional().openapi({ description: "First day (site's time zone). Default: 29 days before `to`." }),
  to: Day.optional().openapi({ description: "Last day, inclusive. Default: today." }),
});
const money = z.number().openapi({ description: "Major units of the report's currency." });
const nullable = z.number().nullable();
const Search = { clicks: z.number(), impressions: z.number(), ctr: nullable, position: nullable };
const Issue = z.object({ code: z.literal("missing_fx_rate"), currency: z.string(), date: z.string() });

const Revenue = z
  .object({
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    pages: z.array(
      z.object({
        page: z.string().openapi({ description: "Landing path." }),
        sessions: z.number(),
        signups: z.number(),
        purchases: z.number(),
        revenue: money,
        ...Search,
      }),
    ),
    queries: z.array(
      z.object({
        query: z.string(),
        revenue: money.openapi({
          description: "Estimate: each page's revenue shared by the query's share of its clicks.",
        }),
        ...Search,
      }),
    ),
    issues: z.array(Issue),
  })
  .openapi("SeoRevenue");

const OpportunityItem = z.object({
  query: z.string(),
  page: z.string(),
  clicks: z.number(),
  impressions: z.number(),
  ctr: z.number(),
  position: z.number(),
  expected_ctr: z.number(),
  target_position: z.number(),
  value: money.openapi({
    description: "impressions × (expected CTR at target − CTR) × conversion rate × value per conversion",
  }),
});
const Opportunities = z
  .object({
    from: z.string(),
    to: z.string(),
    currency: z.string(),
    curve: z.object({
      source: z.enum(["fitted", "published"]),
      a: z.number(),
      b: z.number().openapi({ description: "Fitted CTR = a + b·ln(position); 0 and 0 for the published curve." }),
      points: z.number(),
      expected_ctr: z.array(z.number()).openapi({ description: "Expected CTR at positions 1-10." }),
    }),
    conversion_rate: z.number().openapi({ description: "Organic purchases per organic session, site-wide." }),
    value_per_conversion: money,
    striking_distance: z.array(OpportunityItem),
    low_ctr: z.array(OpportunityItem),
    cannibalisation: z.array(
      z.object({
        query: z.string(),
        impressions: z.number(),
        pages: z.array(
          z.object({ page: z.string(), clicks: z.number(), impressions: z.number(), position: z.number() }),
        ),
      }),
    ),
    unranked_keywords: z.array(
      z.object({
        keyword: z.string(),
        volume: z.number(),
        difficulty: z.number(),
        expected_ctr: z.number(),
        value: money.openapi({ description: "A month's value at the target position (volume is monthly)." }),
      }),
    ),
    issues: z.array(Issue),
  })
  .openapi("SeoOpportunities");

seoReportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/seo/revenue",
    tags: ["SEO"],
    summary: "Organic revenue by landing page and by query, with clicks, impressions, CTR and position (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: Range },
    responses: {
      200: { description: "Organic revenue", content: { "application/json": { schema: Revenue } } },
      400: { description: "Bad range", ...errors },
    },
  }),
  async (c) => {
    const site = await siteOr404(c.env.DB, siteScope(c));
    const { from, to } = range(site, c.req.valid("query"));
    const report = await seoRevenue(siteDatabase(c.env, site.id), { site, from, to });
    const major = (minor: number) => toMajor(minor, site.currency);
    return c.json(
      {
        from,
        to,
        currency: site.currency,
        pages: report.pages.map(({ revenue_minor, ...p }) => ({ ...p, revenue: major(revenue_minor) })),
        queries: report.queries.map(({ revenue_minor, ...q }) => ({ ...q, revenue: major(revenue_minor) })),
        issues: report.issues,
      },
      200,
    );
  },
);

seoReportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/seo/opportunities",
    tags: ["SEO"],
    summary:
      "Keyword opportunities in money: striking distance, CTR below the curve, cannibalisation, researched keywords not yet ranked (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: Range },
    responses: {
      200: { description: "Opportunities", content: { "application/json": { schema: Opportunities } } },
      400: { description: "Bad range", ...errors },
    },
  }),
  async (c) => {
    const site = await siteOr404(c.env.DB, siteScope(c));
    const { from, to } = range(site, c.req.valid("query"));
    const { curve, siteValue, lists, issues } = await seoOpportunities(siteDatabase(c.env, site.id), {
      site,
      from,
      to,
    });
    const major = (minor: number) => toMajor(minor, site.currency);
    const item = ({ value_minor, ...o }: Opportunity) => ({ ...o, value: major(value_minor) });
    return c.json(
      {
        from,
        to,
        currency: site.currency,
        curve: { ...curve, expected_ctr: Array.from({ length: 10 }, (_, i) => expectedCtr(curve, i + 1)) },
        conversion_rate: siteValue.conversionRate,
        value_per_conversion: major(Math.round(siteValue.valuePerConversionMinor)),
        striking_distance: lists.striking_distance.map(item),
        low_ctr: lists.low_ctr.map(item),
        cannibalisation: lists.cannibalisation,
        unranked_keywords: lists.unranked_keywords.map(({ value_minor, ...k }) => ({
          ...k,
          value: major(value_minor),
        })),
        issues,
      },
      200,
    );
  },
);

const Finding = z.object({
  url: z.string(),
  check: z.enum(AUDIT_CHECKS),
  severity: z.enum(SEVERITIES),
  message: z.string(),
});
const AuditReport = z
  .object({
    audited_at: z.string().nullable().openapi({ description: "When the latest audit ran; null if none has." }),
    counts: z.object({ error: z.number(), warning: z.number(), info: z.number() }),
    findings: z.array(Finding),
  })
  .openapi("SeoAudit");

seoReportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/seo/audit",
    tags: ["SEO"],
    summary: "The latest on-page audit's findings, errors first (read scope). The audit runs weekly.",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: z.object({ site_id: z.string().optional() }) },
    responses: {
      200: { description: "Findings", content: { "application/json": { schema: AuditReport } } },
      404: { description: "No such site", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    await siteOr404(c.env.DB, scope);
    const rows = await findings(siteDatabase(c.env, scope.siteId), scope);
    const counts = { error: 0, warning: 0, info: 0 };
    for (const r of rows) counts[r.severity]++;
    const at = rows[0]?.audited_at;
    return c.json(
      {
        audited_at: at === undefined ? null : new Date(at).toISOString(),
        counts,
        findings: rows.map(({ url, check, severity, message }) => ({ url, check, severity, message })),
      },
      200,
    );
  },
);

const RankingModel = z
  .object({
    from: z.string(),
    to: z.string(),
    rows: z.number().openapi({ description: "(query, page) rows whose page the latest audit read." }),
    skipped: z
      .string()
      .nullable()
      .openapi({ description: "Why no model was fitted (too few rows, collinear features)." }),
    model: z
      .object({
        n_train: z.number(),
        n_holdout: z.number(),
        intercept: z.number(),
        coefficients: z.array(
          z.object({ feature: z.enum(RANKING_FEATURES), estimate: z.number(), standard_error: z.number() }),
        ),
        train_r2: z.number().nullable(),
        holdout_r2: z.number().nullable(),
        note: z.string(),
      })
      .nullable(),
  })
  .openapi("SeoRankingModel");

seoReportRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/seo/ranking-model",
    tags: ["SEO"],
    summary:
      "Least squares of position on on-page and query features, with standard errors and holdout R²: correlation, not proof (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: Range },
    responses: {
      200: {
        description: "The fitted model, or why none was",
        content: { "application/json": { schema: RankingModel } },
      },
      400: { description: "Bad range", ...errors },
    },
  }),
  async (c) => {
    const site = await siteOr404(c.env.DB, siteScope(c));
    const { from, to } = range(site, c.req.valid("query"));
    return c.json({ from, to, ...(await seoRankingModel(siteDatabase(c.env, site.id), { site, from, to })) }, 200);
  },
);
