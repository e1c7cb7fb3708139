// Dropout risk and win-back (issue 16): the learners flagged at risk per weekly period and what
// became of them, the sites' outbound webhook endpoints, and one row per webhook delivery. The
// delivery's unique key (endpoint, event, subject, period) is what makes `learner.at_risk` go out
// once per learner and period however often the cron runs; its id is the webhook-id every retry reuses.
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const AT_RISK_OUTCOMES = ["came_back", "not_back"] as const;
export type AtRiskOutcome = (typeof AT_RISK_OUTCOMES)[number];
export const WEBHOOK_EVENTS = ["learner.at_risk"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** pending: not yet delivered (retried until MAX attempts); delivered: a 2xx; dead: gave up. */
export const DELIVERY_STATUSES = ["pending", "delivered", "dead"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const atRiskFlags = sqliteTable(
  "at_risk_flags",
  {
    siteId: text("site_id").notNull(),
    /** The learner key (user id, else the visitor id), as the dropout model names learners. */
    user: text("user").notNull(),
    /** The week the flag belongs to: its Monday (UTC), YYYY-MM-DD. */
    period: text("period").notNull(),
    probability: real("probability").notNull(),
    lastActivityAt: integer("last_activity_at").notNull(),
    flaggedAt: integer("flagged_at").notNull(),
    /** Reason codes, strongest first. */
    reasons: text("reasons", { mode: "json" }).$type<string[]>().notNull(),
    /** null until known: came back (learning activity within 14 days of the flag) or not. */
    outcome: text("outcome", { enum: AT_RISK_OUTCOMES }),
    cameBackAt: integer("came_back_at"),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.user, t.period] }),
    index("at_risk_flags_open").on(t.siteId, t.outcome, t.flaggedAt),
  ],
);

export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<WebhookEvent[]>().notNull(),
    /** The signing secret sealed with core/seal.ts (HMAC needs the secret itself, so no hash). */
    sealedSecret: text("sealed_secret").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    /** The webhook-id header: the same on every attempt, so receivers can drop repeats. */
    id: text("id").primaryKey(),
    siteId: text("site_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    event: text("event", { enum: WEBHOOK_EVENTS }).notNull(),
    /** Who the event is about (the learner key). */
    subject: text("subject").notNull(),
    period: text("period").notNull(),
    /** The JSON body, fixed at creation: every attempt sends the same bytes. */
    payload: text("payload").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    deliveredAt: integer("delivered_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_once").on(t.endpointId, t.event, t.subject, t.period),
    index("webhook_deliveries_due").on(t.status, t.nextAttemptAt),
  ],
);
