// Partner scorecards and the ranked partner list: the site's ratings, measured performance, a
// composite score with the program's weights, and flags for partners going bad.
import { siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  compositeScores,
  CRITERIA,
  FLAG_CODES,
  flags,
  METRICS,
  performance,
  type PartnerFacts,
} from "../../../models/partners/scorecard";
import { getProgram, listPartners, type PartnerRow } from "../../../schema/queries/partners";
import { emptyFacts, partnerFacts } from "../../../schema/queries/scorecards";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { siteOr404 } from "../lib/sites";
import { ApiError } from "../../shared/errors";
import { errors, IdParam, json } from "../../shared/openapi";
import { toMajor } from "../../../core/money";
import { PARTNER_STATUSES, PARTNER_TYPES } from "../../../schema/partner-tables";
import { Partner, partnerView } from "./partners";
import { DAY_MS } from "../../../core/time";

export const scorecardRoutes = new OpenAPIHono<AppBindings>();

const Window = z.object({
  site_id: z.string().optional(),
  days: z.coerce.number().int().min(1).max(3650).default(365).openapi({ description: "Performance window." }),
});

async function scorecards(c: Parameters<typeof siteScope>[0], days: number) {
  const scope = siteScope(c);
  const site = await siteOr404(c.env.DB, scope);
  const now = Date.now();
  const [partners, facts, program] = await Promise.all([
    listPartners(siteDatabase(c.env, scope.siteId), scope),
    partnerFacts(siteDatabase(c.env, scope.siteId), scope, now - days * DAY_MS, now),
    getProgram(siteDatabase(c.env, scope.siteId), scope),
  ]);
  const factsOf = (p: PartnerRow): PartnerFacts => facts.get(p.id) ?? emptyFacts();
  const inputs = partners.map((p) => ({
    id: p.id,
    ratings: p.ratings,
    performance: performance(factsOf(p)),
  }));
  const scores = compositeScores(inputs, program.scoreWeights);
  const origin = new URL(c.req.url).origin;
  return partners.map((p, i) => {
    const perf = inputs[i]!.performance;
    const score = scores.get(p.id)!;
    return {
      ...partnerView(p, origin),
      score: score.score,
      components: score.components,
      performance: {
        clicks: perf.clicks,
        visitors: perf.visitors,
        conversions: perf.conversions,
        revenue: toMajor(perf.revenue_minor, site.currency),
        commissions: toMajor(perf.commissions_minor, site.currency),
        conversion_rate: perf.conversion_rate,
        epc: perf.epc_minor === null ? null : toMajor(perf.epc_minor, site.currency),
        refund_rate: perf.refund_rate,
        retention_90d: perf.retention_90d,
        lesson_completion: perf.lesson_completion,
        commission_roi: perf.commission_roi,
        currency: site.currency,
      },
      flags: flags(factsOf(p)),
    };
  });
}

const nullableRatio = z.number().nullable();
const Scorecard = Partner.extend({
  rank: z.number().int().openapi({ description: "1 = best by the sort asked for (the scorecard: by score)." }),
  score: z.number().nullable().openapi({ description: "Composite 0-100; null with no rating and no data yet." }),
  components: z
    .object(Object.fromEntries([...CRITERIA, ...METRICS].map((k) => [k, z.number().optional()])))
    .openapi({ description: "Each criterion's share in [0, 1]; absent where the partner has no data." }),
  performance: z.object({
    clicks: z.number().int(),
    visitors: z
      .number()
      .int()
      .openapi({ description: "Referred visitors: visits carrying one of the partner's codes." }),
    conversions: z.number().int(),
    revenue: z.number(),
    commissions: z.number(),
    conversion_rate: nullableRatio.openapi({
      description: "Share of referred visitors who then bought through the partner (0-1).",
    }),
    epc: z.number().nullable().openapi({ description: "Commission earned per click, in `currency`." }),
    refund_rate: nullableRatio,
    retention_90d: nullableRatio,
    lesson_completion: nullableRatio,
    commission_roi: nullableRatio,
    currency: z.string(),
  }),
  flags: z.array(z.object({ code: z.enum(FLAG_CODES), message: z.string() })),
}).openapi("PartnerScorecard");

scorecardRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/partners",
    tags: ["Partners"],
    summary: "Partners with scores, ranked (sort=score) or by creation, revenue or conversions (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: {
      query: Window.extend({
        sort: z.enum(["score", "created", "revenue", "conversions"]).default("created"),
        status: z.enum(PARTNER_STATUSES).optional(),
        type: z.enum(PARTNER_TYPES).optional(),
      }),
    },
    responses: { 200: { description: "Partners", ...json(z.object({ data: z.array(Scorecard) })) } },
  }),
  async (c) => {
    const q = c.req.valid("query");
    let rows = (await scorecards(c, q.days)).filter(
      (r) => (!q.status || r.status === q.status) && (!q.type || r.type === q.type),
    );
    const by = {
      created: () => 0,
      score: (a: (typeof rows)[number], b: (typeof rows)[number]) => (b.score ?? -1) - (a.score ?? -1),
      revenue: (a: (typeof rows)[number], b: (typeof rows)[number]) => b.performance.revenue - a.performance.revenue,
      conversions: (a: (typeof rows)[number], b: (typeof rows)[number]) =>
        b.performance.conversions - a.performance.conversions,
    }[q.sort];
    rows = [...rows].sort(by);
    return c.json({ data: rows.map((r, i) => ({ rank: i + 1, ...r })) }, 200);
  },
);

scorecardRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/partners/{id}/scorecard",
    tags: ["Partners"],
    summary: "One partner's scorecard: ratings, performance, composite score, rank and flags (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: IdParam, query: Window },
    responses: {
      200: { description: "Scorecard", ...json(Scorecard.extend({ of: z.number().int() })) },
      404: { description: "Unknown", ...errors },
    },
  }),
  async (c) => {
    const all = await scorecards(c, c.req.valid("query").days);
    const ranked = [...all].sort((a, b) => (b.score ?? -1) - (a.score ?? -1));
    const index = ranked.findIndex((r) => r.id === c.req.valid("param").id);
    if (index < 0) throw new ApiError(404, "not_found", "No such partner.");
    return c.json({ ...ranked[index]!, rank: index + 1, of: ranked.length }, 200);
  },
);
