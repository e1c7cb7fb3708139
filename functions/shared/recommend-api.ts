// Request and response schemas of the recommendation API: requests are validated in the recommend
// Worker, responses are its handlers' declared types, and both are registered in the edge Worker's
// OpenAPI document (routes/recommend-proxy.ts). Plain zod only, so the edge bundle can import them
// without ORT or tfjs.
import { z } from "@hono/zod-openapi";
import { LEARNER_ITEM_SPEC } from "../../models/propensity/learner";
import { CANDIDATES } from "../../models/recs/candidates";
import { ItemId } from "./openapi";

export const MAX_K = 100;
export const MAX_RANK_ITEMS = 100;

const LearnerFields = {
  user_id: z.string().trim().min(1).max(128).optional().openapi({ description: "Your learner id." }),
  visitor_id: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .optional()
    .openapi({ description: "An anonymous visitor id, when there is no user id." }),
};
const K = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_K)
  .default(10)
  .openapi({ description: `How many items, 1-${MAX_K}.` });

export const RecommendationsQuery = z.object({
  ...LearnerFields,
  k: K,
  context_item: ItemId.optional().openapi({ description: "A course on screen: courses bought with it come first." }),
  category: z.string().trim().min(1).max(128).optional(),
  exclude_owned: z.enum(["true", "false", "1", "0"]).default("true"),
  exclude: z.string().max(4000).optional().openapi({ description: "Comma-separated item ids to leave out." }),
});
export const SimilarQuery = z.object({ k: K });

export const RankBody = z
  .object({
    ...LearnerFields,
    items: z
      .array(ItemId)
      .min(1)
      .max(MAX_RANK_ITEMS)
      .refine((ids) => new Set(ids).size === ids.length, { message: "Item ids must be unique." }),
  })
  .openapi("RankRequest");

const featureValue = z.union([z.number().finite(), z.string().max(128), z.boolean()]);
export const PropensityBody = z
  .union([
    z.object({ ...LearnerFields, item_id: ItemId.optional() }).strict(),
    z
      .object({
        features: z.partialRecord(
          z.enum([...LEARNER_ITEM_SPEC.numeric, ...LEARNER_ITEM_SPEC.categorical]),
          featureValue,
        ),
      })
      .strict(),
  ])
  .openapi("PropensityRequest");

const Candidate = z.enum(CANDIDATES);

export const RetrainBody = z
  .object({
    epochs: z.number().int().min(0).max(200).optional().openapi({ description: "MF epochs (fixed instead of tuned)." }),
    dim: z.number().int().min(2).max(128).optional().openapi({ description: "MF dimension (fixed instead of tuned)." }),
    candidates: z
      .array(Candidate)
      .min(1)
      .optional()
      .openapi({ description: "Recommenders selection may choose (default: all). The baselines are measured anyway." }),
    propensity_epochs: z.number().int().min(1).max(200).optional(),
  })
  .strict()
  .openapi("RetrainRequest");

export const PerformanceQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });

// ---- Responses ----

const ModelRef = z
  .object({ id: z.string(), version: z.number().int() })
  .openapi("ModelRef", { description: "The model version that produced the answer." });
const Baseline = z.literal("baseline").openapi({
  description:
    "No model has beaten its baseline yet (see GET /api/v1/models, decision and reason), so the baseline answered: " +
    "recommendations from item-kNN and trending, ranking by affinity, propensity as the site's purchase rate.",
});
/** Who answered: a promoted model version, or the baseline. */
const AnsweredBy = z.union([ModelRef, Baseline]);

export const RecommendedItem = z.object({
  id: z.string(),
  score: z.number(),
  reason: z.enum(["personal", "also_bought", "trending", "cold_start"]).openapi({
    description:
      "personal: the active model (matrix factorisation or EASE); also_bought: bought with the context item or " +
      "the learner's own (item-kNN); trending: popular lately; cold_start: newest items.",
  }),
});

const RecId = z.string().openapi({ description: "Echo it back on clicks and purchases (rec_id) to credit the list." });

export const RecommendationList = z
  .object({
    rec_id: RecId,
    model: AnsweredBy,
    learner: z.object({
      known: z.boolean().openapi({ description: "Any events from this learner." }),
      in_model: z.boolean().openapi({ description: "The active model was trained on this learner." }),
    }),
    items: z.array(RecommendedItem),
  })
  .openapi("RecommendationList");

export const SimilarItems = z
  .object({ rec_id: RecId, model: AnsweredBy, item_id: z.string(), items: z.array(RecommendedItem) })
  .openapi("SimilarItems");

/** Who was scored: a learner with no events yet is a cold-start learner, not an error. */
const ScoredLearner = z.object({
  known: z.boolean().openapi({ description: "Any events from this learner; false: scored cold." }),
});

export const RankResult = z
  .union([
    z.object({
      ranked_by: z.literal("propensity"),
      model: ModelRef,
      learner: ScoredLearner,
      items: z.array(z.object({ id: z.string(), probability: z.number() })),
    }),
    z.object({
      ranked_by: z
        .literal("affinity")
        .openapi({ description: "No promoted propensity model: the baseline, the recommender's scores." }),
      model: Baseline,
      learner: ScoredLearner,
      items: z.array(z.object({ id: z.string(), probability: z.null(), affinity: z.number() })),
    }),
    z.object({
      ranked_by: z.literal("popularity").openapi({
        description: "No propensity model and no recommender trained yet: every item scores 0, in the order given.",
      }),
      model: z.null(),
      learner: ScoredLearner,
      items: z.array(z.object({ id: z.string(), probability: z.null(), popularity: z.number() })),
    }),
  ])
  .openapi("RankResult");

/** Feature values of one (learner, item) row, as the propensity model saw them. */
const Features = z.partialRecord(
  z.enum([...LEARNER_ITEM_SPEC.numeric, ...LEARNER_ITEM_SPEC.categorical]),
  featureValue.nullable(),
);

export const PropensityResult = z
  .object({
    probability: z.number(),
    model: AnsweredBy,
    item_id: z.string().nullable().openapi({
      description: "The course scored; null when features were given, or when the learner looked at no course yet.",
    }),
    learner: ScoredLearner.nullable().openapi({ description: "null when features were given." }),
    features: Features,
  })
  .openapi("PropensityResult");

const RankingMetrics = z.object({
  "precision@10": z.number(),
  "recall@10": z.number(),
  "ndcg@10": z.number(),
  coverage: z.number(),
});
const Verdict = z
  .object({
    decision: z.enum(["promoted", "rejected"]),
    reason: z.string(),
    baseline: z
      .string()
      .openapi({ description: "item_knn or popularity (recommender); logistic_regression (propensity)." }),
    baseline_value: z.number().nullable().openapi({ description: "The baseline's holdout figure." }),
    required: z
      .number()
      .nullable()
      .openapi({ description: "The figure the model needed to reach (null: no holdout)." }),
  })
  .openapi("PromotionVerdict", { description: "The promotion rule's verdict when the model was trained." });
const TrainingCheck = {
  value: z.number().nullable().openapi({ description: "The model's holdout figure (null: no holdout)." }),
  train_ms: z.number(),
  export_max_abs_diff: z
    .number()
    .openapi({ description: "Largest difference between the exported ONNX model and the trained one." }),
  promotion: Verdict,
};
const Params = z.record(z.string(), z.number());
const PerCandidate = z.object({
  popularity: RankingMetrics.optional(),
  item_knn: RankingMetrics.optional(),
  ease: RankingMetrics.optional(),
  mf: RankingMetrics.optional(),
});

/** What training measured, per model kind (jobs/recs/train.ts, jobs/recs/train-propensity.ts). */
export const ModelMetrics = z
  .union([
    z.object({
      metric: z.literal("ndcg@10"),
      ...TrainingCheck,
      candidate: Candidate.openapi({ description: "The recommender selection chose." }),
      params: Params.openapi({ description: "Its tuned hyperparameters." }),
      selection: z
        .object({
          reason: z.string(),
          learners: z.number().int().openapi({ description: "Learners in the validation split." }),
          params: z.object({
            popularity: Params.optional(),
            item_knn: Params.optional(),
            ease: Params.optional(),
            mf: Params.optional(),
          }),
          validation: PerCandidate,
          trials: z.array(z.object({ candidate: Candidate, params: Params, "ndcg@10": z.number() })),
          skipped: z.object({
            popularity: z.string().optional(),
            item_knn: z.string().optional(),
            ease: z.string().optional(),
            mf: z.string().optional(),
          }),
        })
        .openapi({ description: "Selection on a time split of the training period (never the holdout)." }),
      holdout: PerCandidate.extend({ model: RankingMetrics, learners: z.number().int() }).openapi({
        description: "The chosen model and every candidate, refitted with its tuned hyperparameters, on the holdout.",
      }),
      learners: z.number().int(),
      items: z.number().int(),
      interactions: z.number().int(),
    }),
    z.object({
      metric: z.literal("auc"),
      ...TrainingCheck,
      holdout: z.object({
        auc: z.number().nullable(),
        logistic_regression: z.number().nullable(),
        examples: z.number().int(),
      }),
      examples: z.number().int(),
      positives: z.number().int(),
      inputs: z.number().int(),
    }),
  ])
  .openapi("ModelMetrics");
export type ModelMetrics = z.infer<typeof ModelMetrics>;

export const Model = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ description: "recommender | propensity | dropout" }),
    version: z.number().int(),
    status: z.string().openapi({ description: "candidate | active | retired | rejected" }),
    data_from: z.string(),
    data_to: z.string(),
    metrics: ModelMetrics,
    size_bytes: z.number().int(),
    created_at: z.string(),
    promoted_at: z.string().nullable(),
    decision: z.enum(["promoted", "rejected"]).openapi({
      description: "The promotion rule's verdict at training time (a model may be promoted by hand later).",
    }),
    reason: z.string().openapi({ description: "Why it was or was not promoted." }),
    note: z.string().nullable(),
  })
  .openapi("Model");
export type Model = z.infer<typeof Model>;

export const ModelList = z.object({ data: z.array(Model) });

export const RetrainResult = z.object({
  data: z.array(
    z.object({
      kind: z.string(),
      promoted: z.boolean(),
      reason: z.string().openapi({ description: "Why it was or was not promoted; model is null without enough data." }),
      model: z.union([Model, z.null()]),
    }),
  ),
});

export const ModelPerformance = z
  .object({
    currency: z.string(),
    days: z.number().int(),
    data: z.array(
      z.object({
        model_id: z
          .string()
          .nullable()
          .openapi({ description: "null: lists served by the baseline (no promoted model)." }),
        version: z.number().int().nullable(),
        impressions: z.number().int(),
        clicks: z.number().int(),
        purchases: z.number().int(),
        revenue: z.number().openapi({ description: "In `currency`." }),
        ctr: z.number().nullable(),
        conversion: z.number().nullable(),
      }),
    ),
  })
  .openapi("ModelPerformance");

export const ModelHealth = z.object({
  ok: z.boolean(),
  runtime: z.string(),
  site_id: z.string().nullable(),
  probe: z.object({ probability: z.number(), expected: z.number() }),
  ms: z.number(),
});

export { SITE_HEADER } from "../../core/service";
