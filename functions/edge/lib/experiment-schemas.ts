// Request and response schemas of the experiment endpoints (the stateless calculator first).
import { z } from "@hono/zod-openapi";
import { ENGINES } from "../../../models/experiments/analyze";

/** More variants than this split traffic too thinly to read; the envelope says so. */
export const MAX_VARIANTS = 10;
export const METRIC_TYPES = ["mean", "proportion"] as const;

const count = z.number().int().min(0).max(1e12);
const finite = z.number().finite();

/** One variant's data: a mean metric's n/sum/sum_squares or a proportion's n/conversions, optionally with CUPED pre-period sums. */
export const AnalyzeVariant = z
  .object({
    n: count,
    sum: finite.optional(),
    sum_squares: finite.min(0).optional(),
    conversions: count.optional(),
    pre: z
      .object({
        sum: finite.optional(),
        sum_squares: finite.min(0).optional(),
        conversions: count.optional(),
        sum_products: finite,
      })
      .optional()
      .openapi({ description: "CUPED: the same units' pre-period metric and Σ post·pre" }),
  })
  .openapi("AnalyzeVariant");

export const AnalyzeInput = z
  .object({
    metric_type: z.enum(METRIC_TYPES),
    engine: z.enum(ENGINES).default("frequentist"),
    relative: z.boolean().default(true),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    weights: z
      .array(z.number().min(0).max(1))
      .optional()
      .openapi({ description: "Configured split, for SRM; must sum to 1" }),
    prior: z
      .object({ mean: finite, variance: z.number().positive() })
      .optional()
      .openapi({ description: "Bayesian: a proper Gaussian prior on the effect (improper flat when absent)" }),
    sequential_n: z.number().int().positive().optional().openapi({ description: "Sequential: N*, default 5000" }),
    variants: z.array(AnalyzeVariant).min(2).max(MAX_VARIANTS).openapi({ description: "The first is control" }),
  })
  .openapi("AnalyzeInput");

const Interval = z.tuple([z.number(), z.number()]);

export const AnalyzeResult = z
  .object({
    variant: z.number().int(),
    effect: z.number().nullable(),
    se: z.number().nullable().openapi({ description: "Standard error (posterior sd for Bayesian)" }),
    ci: Interval.nullable(),
    p_value: z.number().nullable(),
    chance_to_win: z.number().nullable(),
    risk: Interval.nullable().openapi({ description: "Expected loss of choosing [control, treatment]" }),
  })
  .openapi("AnalyzeResult");

export const Srm = z.object({ p_value: z.number(), warning: z.boolean() }).openapi("Srm");

export const AnalyzeOutput = z.object({ results: z.array(AnalyzeResult), srm: Srm }).openapi("AnalyzeOutput");
