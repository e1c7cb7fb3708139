// Request and response schemas of the recommendation API: requests are validated in the recommend
// Worker, responses are its handlers' declared types, and both are registered in the edge Worker's
// OpenAPI document (routes/recommend-proxy.ts). Plain zod only, so the edge bundle can import them
// without ORT or tfjs.
import { z } from "@hono/zod-openapi";
import { LEARNER_ITEM_SPEC } from "../../models/propensity/learner";
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

export const RetrainBody = z
  .object({
    epochs: z.number().int().min(0).max(200).optional(),
    dim: z.number().int().min(2).max(128).optional(),
    propensity_epochs: z.number().int().min(1).max(200).optional(),
  })
  .strict()
  .openapi("RetrainRequest");

export const PerformanceQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });

// ---- Responses ----

const ModelRef = z
  .object({ id: z.string(), version: z.number().int() })
  .openapi("ModelRef", { description: "The model version that produced the answer." });

export const RecommendedItem = z.object({
  id: z.string(),
  score: z.number(),
  reason: z.enum(["personal", "also_bought", "trending", "cold_start"]).openapi({
    description:
      "personal: matrix factorisation; also_bought: bought with the context item or the learner's own; " +
      "trending: popular lately; cold_start: newest items.",
  }),
});

const RecId = z.string().openapi({ description: "Echo it back on clicks and purchases (rec_id) to credit the list." });

export const RecommendationList = z
  .object({
    rec_id: RecId,
    model: ModelRef.nullable(),
    learner: z.object({
      known: z.boolean().openapi({ description: "Any events from this learner." }),
      in_model: z.boolean().openapi({ description: "The active model was trained on this learner." }),
    }),
    items: z.array(RecommendedItem),
  })
  .openapi("RecommendationList");

export const SimilarItems = z
  .object({ rec_id: RecId, model: ModelRef.nullable(), item_id: z.string(), items: z.array(RecommendedItem) })
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
      ranked_by: z.literal("affinity").openapi({
        description: "No propensity model yet: the recommender's scores for a learner it was trained on.",
      }),
      model: z.null(),
      learner: ScoredLearner,
      items: z.array(z.object({ id: z.string(), probability: z.null(), affinity: z.number() })),
    }),
    z.object({
      ranked_by: z.literal("popularity").openapi({
        description:
          "No propensity model yet and a learner the recommender has not seen: the items' trending scores (0 " +
          "without a recommender), ties in the order given.",
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
    model: ModelRef,
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
const TrainingCheck = {
  value: z.number().nullable().openapi({ description: "The holdout metric promotion compares; null: no holdout." }),
  train_ms: z.number(),
  export_max_abs_diff: z
    .number()
    .openapi({ description: "Largest difference between the exported ONNX model and the trained one." }),
};

/** What training measured, per model kind (jobs/recs/train.ts, jobs/recs/train-propensity.ts). */
export const ModelMetrics = z
  .union([
    z.object({
      metric: z.literal("ndcg@10"),
      ...TrainingCheck,
      holdout: z.object({
        model: RankingMetrics,
        popularity: RankingMetrics,
        item_knn: RankingMetrics,
        learners: z.number().int(),
      }),
      learners: z.number().int(),
      items: z.number().int(),
      interactions: z.number().int(),
      dim: z.number().int(),
      epochs: z.number().int(),
      ms_per_epoch: z.number(),
    }),
    z.object({
      metric: z.literal("auc"),
      ...TrainingCheck,
      holdout: z.object({ auc: z.number().nullable(), examples: z.number().int() }),
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
    kind: z.string().openapi({ description: "recommender | propensity" }),
    version: z.number().int(),
    status: z.string().openapi({ description: "candidate | active | retired | rejected" }),
    data_from: z.string(),
    data_to: z.string(),
    metrics: ModelMetrics,
    size_bytes: z.number().int(),
    created_at: z.string(),
    promoted_at: z.string().nullable(),
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
        model_id: z.string().nullable().openapi({ description: "null: lists served with no model (cold start)." }),
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

/** The edge Worker names the authenticated site in this header when it calls the recommend Worker. */
export const SITE_HEADER = "x-wayfind-site";
