// What an event may look like, for the public collector and the server API alike.
// The zod schemas validate requests and generate the OpenAPI document.
import { z } from "@hono/zod-openapi";
import { EVENT_TYPES, LEARNING_EVENT_TYPES, LEARNING_PROPS as P, type LearningEventType } from "../../../core/event";
import { isCurrencyCode, MAX_MONEY_AMOUNT } from "../../../core/money";
import { DAY_MS } from "../../../core/time";

export { EVENT_TYPES };

/** Public collector: one request from the snippet. */
export const PUBLIC_MAX_EVENTS = 50;
export const PUBLIC_MAX_BODY_BYTES = 64 * 1024;
/** Public events may be queued offline by the snippet, but not for longer than this. */
export const PUBLIC_MAX_AGE_MS = 7 * DAY_MS;
/** Server API: back ends and payment webhooks. */
export const SERVER_MAX_EVENTS = 1000;
export const SERVER_MAX_BODY_BYTES = 1024 * 1024;
/** Server events may be back-filled, up to this age. */
export const SERVER_MAX_AGE_MS = 2 * 365 * DAY_MS;
/** Clocks drift: a timestamp this far ahead of ours is still accepted. */
export const MAX_CLOCK_SKEW_MS = 10 * 60_000;

export const CurrencyCode = z
  .string()
  .refine(isCurrencyCode, { message: "Not an ISO 4217 currency code (e.g. CNY, USD)." })
  .openapi({ example: "CNY" });

/** A money amount in major units, bounded (core/money.ts MAX_MONEY_AMOUNT) so minor units stay exact. */
export const MoneyAmount = z.number().finite().nonnegative().max(MAX_MONEY_AMOUNT);

const shortText = (max: number) => z.string().trim().min(1).max(max);
export const PropValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);

/** A line of a purchase or cart event. */
export const Item = z.object({
  id: shortText(128),
  name: z.string().max(300).optional(),
  price: MoneyAmount.optional(),
  quantity: z.number().int().positive().max(10_000).optional(),
});

/** The props a learning event needs (core/event.ts LEARNING_PROPS), as [key, message] issues. */
function learningIssues(type: LearningEventType, props: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  const id = (key: string, why: string) => {
    const v = props[key];
    if (v === undefined || v === null) out.push([key, `Required ${why}.`]);
    else if (typeof v !== "string" || !/^[A-Za-z0-9_.:-]{1,128}$/.test(v))
      out.push([key, "1-128 letters, digits or _.:- (the catalog id)."]);
  };
  const num = (key: string, min: number, max: number, int = false) => {
    const v = props[key];
    if (v === undefined || v === null) return false;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v)))
      out.push([key, `${int ? "An integer" : "A number"} from ${min} to ${max}.`]);
    return true;
  };
  id(P.course, "for learning events");
  if (type !== "certificate" && type !== "rating") id(P.lesson, `for ${type}`);
  else if (props[P.lesson] !== undefined) id(P.lesson, "");
  if (type === "lesson_progress") {
    const hasPercent = num(P.percent, 0, 100);
    const hasSeconds = num(P.seconds, 0, 1e7);
    if (!hasPercent && !hasSeconds) out.push([P.percent, "Required for lesson_progress: percent (0-100) or seconds."]);
  }
  if (type === "quiz_submit") {
    if (!num(P.score, 0, 100)) out.push([P.score, "Required for quiz_submit: 0-100."]);
    if (typeof props[P.passed] !== "boolean") out.push([P.passed, "Required for quiz_submit: true or false."]);
  }
  if (type === "rating") {
    if (!num(P.stars, 1, 5, true)) out.push([P.stars, "Required for rating: an integer from 1 to 5."]);
    const comment = props[P.comment];
    if (comment !== undefined && comment !== null && (typeof comment !== "string" || comment.length > 1000))
      out.push([P.comment, "Text of at most 1000 characters."]);
  }
  return out;
}

export const EventInput = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, "1-64 letters, digits or _.:- (the client's idempotency key).")
      .openapi({ description: "Client event id: resending the same id never stores the event twice." }),
    type: z.enum(EVENT_TYPES),
    name: shortText(100).optional().openapi({ description: "Custom event name (required for `custom`)." }),
    ts: z
      .union([z.number().int().positive(), z.iso.datetime({ offset: true })])
      .optional()
      .openapi({ description: "Milliseconds since the epoch or an ISO 8601 time. Defaults to the time received." }),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    referrer: z.string().max(2048).optional(),
    title: z.string().max(512).optional(),
    user_id: shortText(128).optional(),
    visitor_id: shortText(128).optional().openapi({
      description: "First-party visitor id (snippet in cookie mode) or the back end's own anonymous id.",
    }),
    screen: z
      .string()
      .regex(/^\d{2,5}x\d{2,5}$/)
      .optional(),
    language: z.string().max(35).optional(),
    engaged_ms: z.number().int().min(0).max(DAY_MS).optional(),
    revenue: MoneyAmount.optional().openapi({ description: "In major units, e.g. 199.00." }),
    currency: CurrencyCode.optional(),
    order_id: shortText(128).optional(),
    items: z.array(Item).max(100).optional(),
    rec_id: shortText(64).optional().openapi({ description: "Recommendation id that led to this event." }),
    partner_code: z
      .string()
      .regex(/^[A-Za-z0-9_-]{2,64}$/, "2-64 letters, digits, _ or -.")
      .optional()
      .openapi({ description: "A referral code given at checkout (app promo code); `?ref=` on the URL works too." }),
    props: z
      .record(z.string().max(64), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
      .refine((p) => Object.keys(p).length <= 30, { message: "At most 30 properties." })
      // A rating's comment may hold 1000 characters; every other text value 500.
      .superRefine((p, ctx) => {
        for (const [k, v] of Object.entries(p))
          if (typeof v === "string" && v.length > 500 && k !== P.comment)
            ctx.addIssue({ code: "custom", path: [k], message: "At most 500 characters." });
      })
      .optional(),
  })
  .superRefine((e, ctx) => {
    const need = (field: keyof typeof e, why: string) => {
      if (e[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: `Required ${why}.` });
    };
    if (e.type === "custom") need("name", "for custom events");
    if (e.type === "engagement") need("engaged_ms", "for engagement events");
    if (e.type === "pageview") need("url", "for page views");
    if (e.type === "purchase") {
      need("order_id", "for purchases");
      need("revenue", "for purchases");
      need("currency", "for purchases");
    }
    if (e.type === "refund") need("order_id", "for refunds");
    if (e.revenue !== undefined && e.currency === undefined) need("currency", "when revenue is given");
    if ((LEARNING_EVENT_TYPES as readonly string[]).includes(e.type))
      learningIssues(e.type as LearningEventType, e.props ?? {}).forEach(([key, message]) =>
        ctx.addIssue({ code: "custom", path: ["props", key], message }),
      );
  })
  .openapi("Event");
export type EventInput = z.infer<typeof EventInput>;

export const PublicBatch = z
  .object({
    site: z.string().min(1).max(64).openapi({ description: "The site's public key (data-site in the snippet tag)." }),
    events: z
      .array(z.unknown())
      .min(1)
      .openapi({ description: `1 to ${PUBLIC_MAX_EVENTS} events (schema: Event).` }),
  })
  .openapi("PublicBatch");

export const ServerEventInput = EventInput.and(
  z.object({
    ip: z
      .union([z.ipv4(), z.ipv6()])
      .optional()
      .openapi({ description: "Client IP for the cookieless visitor id; never stored." }),
    user_agent: z.string().max(1024).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
  }),
).openapi("ServerEvent");
export type ServerEventInput = z.infer<typeof ServerEventInput>;

export const ServerBatch = z
  .object({
    events: z
      .array(z.unknown())
      .min(1)
      .openapi({ description: `1 to ${SERVER_MAX_EVENTS} events (schema: ServerEvent).` }),
  })
  .openapi("ServerBatch");

/** Why an accepted-but-not-stored event was left out (policy, not invalid input). */
export const DROP_REASONS = ["bot", "do_not_track"] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export const BatchResult = z
  .object({
    accepted: z
      .number()
      .int()
      .openapi({ description: "Events queued for storage (duplicates of stored ids included)." }),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        code: z.string(),
        issues: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
    dropped: z
      .number()
      .int()
      .openapi({ description: "Events not stored by policy: bots, or DNT/GPC when the site honours it." }),
    dropped_reasons: z
      .array(
        z.object({
          index: z.number().int().openapi({ description: "The event's position in `events`." }),
          reason: z.enum(DROP_REASONS).openapi({
            description:
              "bot: the user agent is a bot's (curl and headless browsers included; counted as bot hits); " +
              "do_not_track: DNT or GPC sent and the site has respect_dnt on.",
          }),
          message: z.string(),
        }),
      )
      .openapi({ description: "Why each dropped event was left out, one entry per dropped event." }),
  })
  .openapi("BatchResult");

/** Normalises a validated timestamp to epoch ms. */
export function timestampMs(ts: EventInput["ts"], receivedAt: number): number {
  if (ts === undefined) return receivedAt;
  return typeof ts === "number" ? ts : Date.parse(ts);
}
