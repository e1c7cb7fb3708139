// Payment notifications received from Stripe, WeChat Pay and Alipay (README "Payments in"): each
// site's configured providers, what their deliveries came to, the notifications seen, and the
// payments they named (order and learner, refunded total), so retries, renewals and refunds find them.
import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { PAYMENT_PROVIDERS, WEBHOOK_OUTCOMES } from "../models/payments/types";
import { sites } from "./tables";

/** Identifiers that are not secret, shown back to admins (credentials never are). */
export interface PaymentAccount {
  mchid?: string;
  serial?: string;
  appId?: string;
  toleranceSeconds?: number;
}

export const paymentProviders = sqliteTable(
  "payment_providers",
  {
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    provider: text("provider", { enum: PAYMENT_PROVIDERS }).notNull(),
    /** SHA-256 (hex) of the webhook URL's path token: how a notification finds its site. */
    tokenHash: text("token_hash").notNull().unique(),
    /** The credentials and the path token, sealed with PAYMENTS_KEY (core/seal.ts). */
    sealed: text("sealed").notNull(),
    account: text("account", { mode: "json" }).$type<PaymentAccount>().notNull().default({}),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.provider] })],
);

/** Deliveries per outcome (accepted, duplicate, bad_signature…), with the last one's time and reason. */
export const paymentWebhookCounts = sqliteTable(
  "payment_webhook_counts",
  {
    siteId: text("site_id").notNull(),
    provider: text("provider", { enum: PAYMENT_PROVIDERS }).notNull(),
    outcome: text("outcome", { enum: WEBHOOK_OUTCOMES }).notNull(),
    count: integer("count").notNull().default(0),
    lastAt: integer("last_at").notNull(),
    lastMessage: text("last_message"),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.provider, t.outcome] })],
);

/** Notification ids already processed (Stripe event id, WeChat id, Alipay notify_id): redeliveries stop here. */
export const paymentNotifications = sqliteTable(
  "payment_notifications",
  {
    siteId: text("site_id").notNull(),
    provider: text("provider", { enum: PAYMENT_PROVIDERS }).notNull(),
    notificationId: text("notification_id").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.provider, t.notificationId] })],
);

/**
 * A provider id (payment intent, invoice, out_trade_no, customer, subscription, charge) and what it
 * leads to: the order, the learner, the purchase event made for it, and its refunded total so far
 * (providers that report totals, not increments). Money records: kept like commissions.
 */
export const paymentRefs = sqliteTable(
  "payment_refs",
  {
    siteId: text("site_id").notNull(),
    provider: text("provider", { enum: PAYMENT_PROVIDERS }).notNull(),
    ref: text("ref").notNull(),
    orderId: text("order_id"),
    userId: text("user_id"),
    visitorId: text("visitor_id"),
    currency: text("currency"),
    purchaseEventId: text("purchase_event_id"),
    refundedMinor: integer("refunded_minor").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.provider, t.ref] })],
);
