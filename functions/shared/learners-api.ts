// Dropout risk and win-back (issue 16): the at-risk list (validated and answered by the recommend
// Worker, documented by the edge), its outcomes, and the webhook endpoints. Plain zod only, so the
// edge bundle can import them without ORT or tfjs.
import { z } from "@hono/zod-openapi";
import { DROPOUT_SPEC } from "../../models/dropout/learner";
import { MAX_REASONS } from "../../models/dropout/reasons";
import { WEBHOOK_EVENTS } from "../../schema/learner-tables";
import { FLAG_THRESHOLD } from "../../jobs/learners/period";
import { ItemId } from "./openapi";

export const MAX_AT_RISK = 500;

export const AtRiskQuery = z.object({
  site_id: z.string().optional(),
  course: ItemId.optional().openapi({ description: "Only learners with learning activity in this course." }),
  threshold: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(FLAG_THRESHOLD)
    .openapi({ description: "Lowest dropout probability listed, 0-1." }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_AT_RISK)
    .default(50)
    .openapi({ description: `How many learners, 1-${MAX_AT_RISK}, most at risk first.` }),
});

export const ReasonCode = z.enum(DROPOUT_SPEC.numeric as [string, ...string[]]).openapi("AtRiskReasonCode", {
  description: "A dropout feature, as a code the dashboard translates.",
});

export const AtRiskLearner = z
  .object({
    user_id: z.string().openapi({ description: "Your user id, else the anonymous visitor id." }),
    last_activity_at: z.string().openapi({ description: "The learner's last learning event." }),
    courses: z.array(z.string()).openapi({ description: "Courses with the learner's learning activity." }),
    probability: z.number().openapi({
      description:
        "Probability of no learning activity in the next 14 days, or none in a bought course left unfinished.",
    }),
    reasons: z
      .array(
        z.object({
          code: ReasonCode,
          label: z.string().openapi({ description: "The feature in plain English." }),
          value: z.number().openapi({ description: "The learner's value of it." }),
          impact: z.number().openapi({
            description: "How much lower the probability would be with this feature at its training mean.",
          }),
        }),
      )
      .max(MAX_REASONS)
      .openapi({ description: "The features that drive the score most, strongest first." }),
  })
  .openapi("AtRiskLearner");

export const AtRiskList = z
  .object({
    model: z.object({ id: z.string(), version: z.number().int() }),
    as_of: z.string(),
    course_id: z.string().nullable(),
    threshold: z.number(),
    scored: z.number().int().openapi({ description: "Learners scored (active in the last 14 days, not finished)." }),
    data: z.array(AtRiskLearner),
  })
  .openapi("AtRiskList");

export const OutcomesQuery = z.object({
  site_id: z.string().optional(),
  weeks: z.coerce.number().int().min(1).max(52).default(8).openapi({ description: "Periods (weeks) back." }),
});

const rate = z.number().nullable().openapi({ description: "came_back / (came_back + not_back); null: none settled." });
export const AtRiskOutcomes = z
  .object({
    window_days: z.number().int(),
    win_back_rate: rate,
    totals: z.object({ flagged: z.number().int(), came_back: z.number().int(), not_back: z.number().int() }),
    data: z.array(
      z.object({
        period: z.string().openapi({ description: "The week's Monday (UTC)." }),
        flagged: z.number().int(),
        came_back: z.number().int(),
        not_back: z.number().int(),
        pending: z.number().int().openapi({ description: "Flagged less than 14 days ago and not back yet." }),
        win_back_rate: rate,
      }),
    ),
  })
  .openapi("AtRiskOutcomes");

export const EndpointBody = z
  .object({
    url: z.url().max(2000).openapi({
      description:
        "https to a public host; http(s) to localhost and 127.0.0.1 for local development. Private, loopback, link-local, CGNAT, multicast and internal hosts are refused.",
    }),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).default(["learner.at_risk"]),
  })
  .strict()
  .openapi("WebhookEndpointInput");

export const Endpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    created_at: z.string(),
    deliveries: z.object({ pending: z.number().int(), delivered: z.number().int(), dead: z.number().int() }),
  })
  .openapi("WebhookEndpoint");

export const CreatedEndpoint = Endpoint.extend({
  secret: z.string().openapi({
    description:
      "whsec_<base64>: shown once. Verify webhook-signature as Standard Webhooks do: " +
      "v1,base64(HMAC-SHA256(base64-decoded secret, `${webhook-id}.${webhook-timestamp}.${body}`)).",
  }),
}).openapi("WebhookEndpointCreated");
