// Scheduled ROI emails and threshold alerts: subscriptions, alert rules, unsubscribes, and the send
// log that makes every (subscription or rule, period, recipient) go out at most once.
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { LOCALES } from "../core/messages";
import { MODEL_NAMES } from "../models/attribution/paths";
import { ALERT_KINDS, type Section } from "../models/reports/lists";
import { FREQUENCIES } from "../models/reports/schedule";

export const SEND_STATUSES = ["sending", "sent", "failed", "dead"] as const;

export const reportSubscriptions = sqliteTable(
  "report_subscriptions",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    name: text("name").notNull(),
    /** Addresses, lower-case. */
    recipients: text("recipients", { mode: "json" }).$type<string[]>().notNull(),
    frequency: text("frequency", { enum: FREQUENCIES }).notNull(),
    /** ISO weekday for weekly reports: 1 Monday .. 7 Sunday. */
    weekday: integer("weekday"),
    /** Local hour (0-23) in `timezone` when the report goes out. */
    hour: integer("hour").notNull(),
    timezone: text("timezone").notNull(),
    model: text("model", { enum: MODEL_NAMES }).notNull(),
    sections: text("sections", { mode: "json" }).$type<Section[]>().notNull(),
    /** The recipients' language; null reads the site's locale at send time. */
    language: text("language", { enum: LOCALES }),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);

export const alertRules = sqliteTable(
  "alert_rules",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    kind: text("kind", { enum: ALERT_KINDS }).notNull(),
    channel: text("channel"),
    threshold: real("threshold").notNull().default(0),
    windowDays: integer("window_days").notNull().default(7),
    recipients: text("recipients", { mode: "json" }).$type<string[]>().notNull(),
    timezone: text("timezone").notNull(),
    model: text("model", { enum: MODEL_NAMES }).notNull(),
    /** The recipients' language; null reads the site's locale at send time. */
    language: text("language", { enum: LOCALES }),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);

/** A recipient who clicked unsubscribe on a subscription's or an alert rule's email. */
export const mailUnsubscribes = sqliteTable(
  "mail_unsubscribes",
  {
    siteId: text("site_id").notNull(),
    listId: text("list_id").notNull(),
    email: text("email").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.listId, t.email] })],
);

/**
 * One row per (subscription or alert rule, period, recipient): inserting it claims the send, so
 * retries and overlapping cron runs never send twice. Failures keep the row with a retry time.
 */
export const mailSends = sqliteTable(
  "mail_sends",
  {
    siteId: text("site_id").notNull(),
    listId: text("list_id").notNull(),
    period: text("period").notNull(),
    recipient: text("recipient").notNull(),
    status: text("status", { enum: SEND_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(1),
    claimedAt: integer("claimed_at").notNull(),
    nextAttemptAt: integer("next_attempt_at"),
    lastError: text("last_error"),
    messageId: text("message_id"),
    sentAt: integer("sent_at"),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.listId, t.period, t.recipient] }),
    index("mail_sends_status_next").on(t.status, t.nextAttemptAt),
  ],
);
