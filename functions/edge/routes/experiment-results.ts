// Experiment results: per metric (CUPED on by default, revenue in the site's currency), cumulative
// per day for charts, spend and ROAS per creative, and the creative budget allocation.
import { type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { DAY_MS } from "../../../core/time";
import { experimentData } from "../../../jobs/experiment-data";
import { ENGINES, type VariantResult } from "../../../models/experiments/analyze";
import { experimentResults } from "../../../models/experiments/results";
import { ALLOCATION_DRAWS, ALLOCATION_OBJECTIVES, thompsonAllocation } from "../../../models/experiments/allocation";
import { getExperiment } from "../../../schema/queries/experiments";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, iso, json, SiteQuery } from "../../shared/openapi";
import { siteOr404 } from "../lib/sites";
import { AllocationOutput, ExperimentResultsOutput } from "../lib/experiment-schemas";

export const experimentResultRoutes = new OpenAPIHono<AppBindings>();

const KeyParam = z.object({
  key: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "key", in: "path" } }),
});

async function find(db: SiteDatabase, scope: { siteId: string }, key: string) {
  const row = await getExperiment(db, scope, key);
  if (!row) throw new ApiError(404, "not_found", "No such experiment.");
  return row;
}

const toApi = (r: VariantResult) => ({
  variant: r.variant,
  effect: r.effect,
  se: r.se,
  ci: r.ci,
  p_value: r.pValue,
  chance_to_win: r.chanceToWin,
  risk: r.risk,
});

experimentResultRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/experiments/{key}/results",
    tags: ["Experiments"],
    summary: "Results per metric, and cumulative per day (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")],
    description:
      "Units are visitors with an exposure; purchases, sign-ups and revenue count from a unit's first exposure. " +
      "Revenue is per visitor in major units of the site's currency. p-values are Holm-adjusted across metrics.",
    request: {
      params: KeyParam,
      query: SiteQuery.extend({
        engine: z.enum(ENGINES).default("frequentist"),
        cuped: z
          .enum(["true", "false"])
          .default("true")
          .openapi({ description: "false: no CUPED adjustment (on by default, with the experiment's pre-period)" }),
      }),
    },
    responses: {
      200: { description: "Results", ...json(ExperimentResultsOutput) },
      404: { description: "Unknown", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const row = await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").key);
    const { engine, cuped } = c.req.valid("query");
    const to = row.stoppedAt ?? Date.now() + DAY_MS;
    // Creative tests: spend per variant where the import has that level, and ROAS on revenue after landing.
    const { rows, pre, cost, issues } = await experimentData(
      siteDatabase(c.env, scope.siteId),
      scope,
      site.currency,
      row,
      {
        to,
        cuped: cuped === "true",
      },
    );
    const metrics = [row.primaryMetric, ...row.guardrails.filter((g) => g !== row.primaryMetric)];
    const keys = row.variants.map((v) => v.key);
    const res = experimentResults(
      keys,
      row.variants.map((v) => v.weight),
      rows,
      metrics as Parameters<typeof experimentResults>[3],
      engine,
      pre !== null,
    );
    const roas = keys.map((k, i) => {
      const spent = cost[i];
      if (!spent) return null;
      const revenue = rows.filter((r) => r.variant === k).reduce((s, r) => s + r.revenue, 0);
      return revenue / spent;
    });
    return c.json(
      {
        experiment: row.key,
        engine,
        currency: site.currency,
        cuped: pre ? { pre_from: iso(pre[0]), pre_to: iso(pre[1]) } : null,
        issues,
        cost,
        roas,
        variants: keys,
        units: res.units,
        srm: { p_value: res.srm.pValue, warning: res.srm.warning },
        metrics: res.metrics.map((m) => ({
          metric: m.metric,
          means: m.means,
          cuped: m.cuped,
          results: m.results.map((r) => ({
            ...toApi(r),
            adjusted_p_value: r.adjustedPValue,
            variance_reduction: r.varianceReduction,
          })),
        })),
        daily: res.daily.map((d) => ({ day: d.day, units: d.units, results: d.results.map(toApi) })),
      },
      200,
    );
  },
);

experimentResultRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/experiments/{key}/allocation",
    tags: ["Experiments"],
    summary: "Thompson-sampling budget shares for a creative test's next day (read scope)",
    description:
      "Each creative's share is the posterior probability that it has the highest return per unit of cost " +
      "(revenue or conversions per 1 spent, Gamma posteriors, seeded Monte Carlo). Needs spend at the creative's " +
      "level (campaign or utm_id).",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")],
    request: {
      params: KeyParam,
      query: SiteQuery.extend({ objective: z.enum(ALLOCATION_OBJECTIVES).default("revenue") }),
    },
    responses: {
      200: { description: "Shares per creative", ...json(AllocationOutput) },
      404: { description: "Unknown", ...errors },
      409: { description: "Not a creative test, no spend at its level, or no spend yet (no_spend_yet)", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const site = await siteOr404(c.env.DB, scope);
    const row = await find(siteDatabase(c.env, scope.siteId), scope, c.req.valid("param").key);
    const { objective } = c.req.valid("query");
    if (row.kind !== "creative") throw new ApiError(409, "conflict", "Budget allocation is for creative tests.");
    const data = await experimentData(siteDatabase(c.env, scope.siteId), scope, site.currency, row, {
      to: row.stoppedAt ?? Date.now() + DAY_MS,
      cuped: false,
    });
    if (data.cost.some((x) => x === null))
      throw new ApiError(409, "conflict", "Spend is imported per campaign or utm_id, not per utm_content.");
    const keys = row.variants.map((v) => v.key);
    const arms = keys.map((k, i) => {
      const mine = data.rows.filter((r) => r.variant === k);
      return {
        cost: data.cost[i]!,
        conversions: mine.reduce((s, r) => s + r.purchasers, 0),
        revenue: mine.reduce((s, r) => s + r.revenue, 0),
      };
    });
    // Return per unit of spend is undefined before any spend: the priors alone would answer an
    // invented return and an even split.
    if (arms.every((a) => a.cost === 0))
      throw new ApiError(409, "no_spend_yet", "No spend is imported for these creatives yet.");
    const allocation = thompsonAllocation(arms, objective);
    return c.json(
      {
        experiment: row.key,
        objective,
        draws: ALLOCATION_DRAWS,
        currency: site.currency,
        issues: data.issues,
        variants: keys.map((variant, i) => ({
          variant,
          ...arms[i]!,
          expected_return: allocation.expected[i]!,
          share: allocation.shares[i]!,
        })),
      },
      200,
    );
  },
);
