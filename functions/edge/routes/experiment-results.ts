// Experiment results: per metric (CUPED on by default, revenue in the site's currency), cumulative
// per day for charts, spend and ROAS per creative, and the creative budget allocation.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { DAY_MS, utcDay } from "../../../core/time";
import { currencyDigits } from "../../../core/money";
import { experimentData } from "../../../jobs/experiment-data";
import { ENGINES, type VariantResult } from "../../../models/experiments/analyze";
import { experimentResults } from "../../../models/experiments/results";
import { creativeCosts, type CreativeField, getExperiment } from "../../../schema/queries/experiments";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, iso, json, SiteQuery } from "../../shared/openapi";
import { siteOr404 } from "../lib/sites";
import { ExperimentResultsOutput } from "../lib/experiment-schemas";

export const experimentResultRoutes = new OpenAPIHono<AppBindings>();

const KeyParam = z.object({
  key: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "key", in: "path" } }),
});

async function find(db: D1Database, scope: { siteId: string }, key: string) {
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
    const row = await find(c.env.DB, scope, c.req.valid("param").key);
    const { engine, cuped } = c.req.valid("query");
    const from = row.startedAt ?? row.createdAt;
    const to = row.stoppedAt ?? Date.now() + DAY_MS;
    const scale = 10 ** currencyDigits(site.currency);
    const { rows, pre, issues } = await experimentData(c.env.DB, scope, site.currency, row, {
      to,
      cuped: cuped === "true",
    });
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
    // Creative tests: spend per variant where the import has that level, and ROAS on revenue after landing.
    const costs =
      row.kind === "creative"
        ? await creativeCosts(
            c.env.DB,
            scope,
            (row.creativeField ?? "utm_content") as CreativeField,
            keys,
            { from: utcDay(from), to: utcDay(to) },
            site.currency,
          )
        : null;
    const cost = keys.map((k) => (costs ? (costs.get(k) ?? 0) / scale : null));
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
