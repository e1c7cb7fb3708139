// Request and response schemas of the experiment endpoints (the stateless calculator first).
import { z } from "@hono/zod-openapi";
import { ALLOCATION_OBJECTIVES } from "../../../models/experiments/allocation";
import { ENGINES } from "../../../models/experiments/analyze";
import { EXPERIMENT_METRICS } from "../../../models/experiments/results";
import { EXPERIMENT_KINDS, EXPERIMENT_STATUSES } from "../../../schema/experiment-tables";

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

const metric = z.enum(EXPERIMENT_METRICS);
const ExperimentKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 letters, digits, _ or -");

export const ExperimentInput = z
  .object({
    key: ExperimentKey.openapi({ example: "pricing-page" }),
    name: z.string().min(1).max(200),
    kind: z.enum(EXPERIMENT_KINDS).default("onsite"),
    variants: z
      .array(z.string().min(1).max(128))
      .min(2)
      .max(MAX_VARIANTS)
      .openapi({ example: ["a", "b"] }),
    weights: z.array(z.number().min(0).max(1)).optional().openapi({ description: "Must sum to 1; equal when absent" }),
    hypothesis: z.string().max(2000).optional(),
    primary_metric: metric.default("purchase"),
    guardrails: z.array(metric).max(EXPERIMENT_METRICS.length).default([]),
    creative_field: z.enum(["utm_content", "utm_campaign", "utm_id"]).optional(),
    cuped_days: z
      .number()
      .int()
      .min(0)
      .max(90)
      .optional()
      .openapi({ description: "CUPED pre-period in days before the start; 0 turns CUPED off (default 14)" }),
  })
  .openapi("ExperimentInput");

/** A draft's editable fields (key and kind are fixed at creation); the defaults of creation do not apply. */
export const ExperimentPatch = z
  .object({
    name: z.string().min(1).max(200),
    variants: z.array(z.string().min(1).max(128)).min(2).max(MAX_VARIANTS),
    weights: z.array(z.number().min(0).max(1)),
    hypothesis: z.string().max(2000).nullable(),
    primary_metric: metric,
    guardrails: z.array(metric).max(EXPERIMENT_METRICS.length),
    creative_field: z.enum(["utm_content", "utm_campaign", "utm_id"]).nullable(),
    cuped_days: z.number().int().min(0).max(90),
  })
  .partial()
  .openapi("ExperimentPatch");

export const Experiment = z
  .object({
    key: z.string(),
    name: z.string(),
    kind: z.enum(EXPERIMENT_KINDS),
    status: z.enum(EXPERIMENT_STATUSES),
    variants: z.array(z.object({ key: z.string(), weight: z.number() })),
    hypothesis: z.string().nullable(),
    primary_metric: metric,
    guardrails: z.array(metric),
    creative_field: z.string().nullable(),
    winner: z.string().nullable(),
    decision: z.string().nullable(),
    cuped_days: z.number().int().openapi({ description: "CUPED pre-period in days (0: off)" }),
    started_at: z.string().nullable(),
    stopped_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Experiment");

export const StopInput = z
  .object({ winner: z.string().min(1).max(128).optional(), decision: z.string().max(2000).optional() })
  .openapi("ExperimentStop");

export const AssignInput = z
  .object({
    user_id: z.string().min(1).max(256).optional(),
    visitor_id: z.string().min(1).max(256).optional(),
  })
  .openapi("ExperimentAssignInput");

export const Assignment = z
  .object({ experiment: z.string(), variant: z.string(), status: z.enum(EXPERIMENT_STATUSES) })
  .openapi("ExperimentAssignment");

/** A purchase or spend left out of revenue or cost for want of an exchange rate (as ROI reports it). */
const FxIssue = z
  .object({ code: z.literal("missing_fx_rate"), currency: z.string(), date: z.string() })
  .openapi("ExperimentFxIssue");

const Result = AnalyzeResult.extend({
  adjusted_p_value: z.number().nullable(),
  variance_reduction: z
    .number()
    .nullable()
    .openapi({ description: "CUPED: 1 − (SE_cuped / SE_unadjusted)², the share of the effect's variance removed" }),
});
export const ExperimentResultsOutput = z
  .object({
    experiment: z.string(),
    engine: z.enum(ENGINES),
    currency: z.string().openapi({ description: "Revenue is per visitor in major units of this, the site's currency" }),
    cuped: z
      .object({ pre_from: z.string(), pre_to: z.string() })
      .nullable()
      .openapi({ description: "The pre-period CUPED read each unit's covariate from; null when off" }),
    issues: z
      .array(FxIssue)
      .openapi({ description: "Purchases (or creative spend) left out for want of an exchange rate" }),
    variants: z.array(z.string()),
    cost: z
      .array(z.number().nullable())
      .openapi({ description: "Creative tests: imported spend per variant (campaign or utm_id level), else null" }),
    roas: z.array(z.number().nullable()).openapi({ description: "Revenue after landing ÷ spend, per variant" }),
    units: z.array(z.number()),
    srm: Srm,
    metrics: z.array(
      z.object({
        metric,
        means: z.array(z.number().nullable()).openapi({ description: "Per variant; null without units" }),
        cuped: z
          .boolean()
          .openapi({ description: "Whether CUPED adjusted this metric (bounce rate has no covariate)" }),
        results: z.array(Result),
      }),
    ),
    daily: z.array(z.object({ day: z.string(), units: z.array(z.number()), results: z.array(AnalyzeResult) })),
  })
  .openapi("ExperimentResults");

export const AllocationOutput = z
  .object({
    experiment: z.string(),
    objective: z.enum(ALLOCATION_OBJECTIVES),
    draws: z.number().int().openapi({ description: "Monte Carlo draws (seeded: the same data gives the same shares)" }),
    currency: z.string(),
    issues: z.array(FxIssue),
    variants: z.array(
      z.object({
        variant: z.string(),
        cost: z.number().openapi({ description: "Spend so far, in the site's currency" }),
        conversions: z.number().int().openapi({ description: "Visitors who purchased after landing" }),
        revenue: z.number(),
        expected_return: z.number().openapi({ description: "Posterior mean of revenue (or conversions) per 1 spent" }),
        share: z.number().openapi({ description: "Suggested share of the next day's budget; shares sum to 1" }),
      }),
    ),
  })
  .openapi("ExperimentAllocation");
