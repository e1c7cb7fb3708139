// Experiments: the stateless calculator (POST /api/v1/experiments/analyze) over summary statistics.
import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import { analyze, type VariantStat } from "../../../models/experiments/analyze";
import type { ArmStat } from "../../../models/experiments/moments";
import { requireScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError, type Issue } from "../../shared/errors";
import { errors, json } from "../../shared/openapi";
import { AnalyzeInput, AnalyzeOutput } from "../lib/experiment-schemas";

export const experimentRoutes = new OpenAPIHono<AppBindings>();

type Input = z.infer<typeof AnalyzeInput>;

/** The body's variants as statistics, or every field at fault in the envelope. */
function toStats(body: Input): VariantStat[] {
  const issues: Issue[] = [];
  const arm = (v: { n: number; sum?: number; sum_squares?: number; conversions?: number }, path: string): ArmStat => {
    if (body.metric_type === "mean") {
      if (v.sum === undefined) issues.push({ path: `${path}.sum`, message: "A mean metric needs sum." });
      if (v.sum_squares === undefined)
        issues.push({ path: `${path}.sum_squares`, message: "A mean metric needs sum_squares." });
      // No n values with this sum have a smaller sum of squares (the variance would be negative).
      else if (v.sum !== undefined && v.n > 0 && v.sum_squares < (v.sum * v.sum) / v.n - 1e-9 * Math.abs(v.sum_squares))
        issues.push({ path: `${path}.sum_squares`, message: "sum_squares cannot be below sum² / n." });
      return { kind: "mean", n: v.n, sum: v.sum ?? 0, sumSquares: v.sum_squares ?? 0 };
    }
    if (v.conversions === undefined)
      issues.push({ path: `${path}.conversions`, message: "A proportion metric needs conversions." });
    else if (v.conversions > v.n) issues.push({ path: `${path}.conversions`, message: "More conversions than units." });
    return { kind: "proportion", n: v.n, conversions: v.conversions ?? 0 };
  };
  const withPre = body.variants.filter((v) => v.pre).length;
  if (withPre && withPre < body.variants.length)
    issues.push({ path: "variants", message: "CUPED needs pre for every variant or none." });
  if (body.weights) {
    if (body.weights.length !== body.variants.length)
      issues.push({ path: "weights", message: "One weight per variant." });
    if (Math.abs(body.weights.reduce((s, w) => s + w, 0) - 1) > 1e-6)
      issues.push({ path: "weights", message: "Weights must sum to 1." });
  }
  const stats = body.variants.map((v, i): VariantStat => {
    const post = arm(v, `variants.${i}`);
    if (!v.pre || withPre < body.variants.length) return post;
    return { post, pre: arm({ n: v.n, ...v.pre }, `variants.${i}.pre`), sumProducts: v.pre.sum_products };
  });
  if (issues.length) throw new ApiError(400, "validation_failed", "The request did not validate.", issues);
  return stats;
}

experimentRoutes.openapi(
  createRoute({
    method: "post",
    path: "/api/v1/experiments/analyze",
    tags: ["Experiments"],
    summary: "Analyze summary statistics of an A/B test (read scope)",
    description:
      "GrowthBook gbstats definitions: Welch t on the relative effect with delta-method variance (frequentist), " +
      "confidence sequences (sequential, N* = 5000), Gaussian posterior (bayesian); CUPED when every variant has `pre`. " +
      "The first variant is control. Fields an engine does not produce are null.",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { body: { ...json(AnalyzeInput), required: true } },
    responses: {
      200: { description: "One result per treatment, and the sample-ratio check", ...json(AnalyzeOutput) },
      400: { description: "Invalid input", ...errors },
    },
  }),
  (c) => {
    const body = c.req.valid("json");
    const analysis = analyze(toStats(body), {
      engine: body.engine,
      relative: body.relative,
      alpha: body.alpha,
      weights: body.weights,
      prior: body.prior,
      sequentialN: body.sequential_n,
    });
    return c.json(
      {
        results: analysis.results.map((r) => ({
          variant: r.variant,
          effect: r.effect,
          se: r.se,
          ci: r.ci,
          p_value: r.pValue,
          chance_to_win: r.chanceToWin,
          risk: r.risk,
        })),
        srm: { p_value: analysis.srm.pValue, warning: analysis.srm.warning },
      },
      200,
    );
  },
);
