// Request schemas of the recommendation API: validated in the recommend Worker, and registered in
// the edge Worker's OpenAPI document (routes/recommend-proxy.ts). Plain zod only, so the edge
// bundle can import them without ORT or tfjs.
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

/** The edge Worker names the authenticated site in this header when it calls the recommend Worker. */
export const SITE_HEADER = "x-wayfind-site";
