// Partner program tables: partners, their referral links and clicks, commission rules, commission
// records and payouts, plus the course catalog (creators' items and categories drive rules).
// Money is integer minor units of the site's currency throughout.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { BINDINGS, RULE_BASES, RULE_KINDS, type Tier } from "../models/partners/commission";
import type { Criterion, PartnerRatings } from "../models/partners/scorecard";

export const PARTNER_TYPES = ["creator", "affiliate", "vendor", "advertiser"] as const;
export const PARTNER_STATUSES = ["applied", "active", "paused", "ended"] as const;
export const COMMISSION_KINDS = ["referral", "second_level", "creator_share", "clawback"] as const;
export const COMMISSION_STATUSES = ["held", "pending", "approved", "paid", "reversed", "rejected"] as const;
export const PAYOUT_STATUSES = ["pending", "paid"] as const;

/** One row per site: how referrals bind and when commissions are approved. Absent = defaults. */
export const partnerPrograms = sqliteTable("partner_programs", {
  siteId: text("site_id").primaryKey(),
  /** "first": the first referrer keeps the learner for binding_days; "last": last referrer within cookie_days. */
  binding: text("binding", { enum: BINDINGS }).notNull().default("last"),
  bindingDays: integer("binding_days").notNull().default(365),
  cookieDays: integer("cookie_days").notNull().default(30),
  /** 2 turns on second-level shares (二级分销) for parents of referring partners. */
  levels: integer("levels").notNull().default(1),
  holdingDays: integer("holding_days").notNull().default(30),
  payoutMinimumMinor: integer("payout_minimum_minor").notNull().default(0),
  /** {criterion: weight} for the composite scorecard score. */
  scoreWeights: text("score_weights", { mode: "json" })
    .$type<Partial<Record<Criterion, number>>>()
    .notNull()
    .default({}),
  updatedAt: integer("updated_at").notNull(),
});

export const partners = sqliteTable(
  "partners",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    type: text("type", { enum: PARTNER_TYPES }).notNull(),
    name: text("name").notNull(),
    email: text("email"),
    status: text("status", { enum: PARTNER_STATUSES }).notNull(),
    parentId: text("parent_id"),
    /** Commission rules may target a group ("gold affiliates") instead of one partner. */
    groupName: text("group_name"),
    /** The partner's own learner account: purchases by it are self-referrals and earn nothing. */
    userId: text("user_id"),
    /** The default referral code (also a row in partner_links). */
    code: text("code").notNull(),
    /** {professionalism, reputation, resources, cooperation, responsiveness}: 1-5 each. */
    ratings: text("ratings", { mode: "json" }).$type<PartnerRatings>().notNull().default({}),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] }), index("partners_site_parent").on(t.siteId, t.parentId)],
);

/** Referral codes, unique across the deployment because /r/:code names no site. Stored lower-case. */
export const partnerLinks = sqliteTable(
  "partner_links",
  {
    code: text("code").primaryKey(),
    siteId: text("site_id").notNull(),
    partnerId: text("partner_id").notNull(),
    targetUrl: text("target_url").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("partner_links_site_partner").on(t.siteId, t.partnerId)],
);

/** Human clicks on /r/:code (bots are counted in bot_hits instead). */
export const partnerClicks = sqliteTable(
  "partner_clicks",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    partnerId: text("partner_id").notNull(),
    code: text("code").notNull(),
    ts: integer("ts").notNull(),
    visitorId: text("visitor_id").notNull(),
    referrerHost: text("referrer_host"),
    country: text("country"),
    device: text("device").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.id] }),
    index("partner_clicks_site_partner_ts").on(t.siteId, t.partnerId, t.ts),
  ],
);

export const commissionRules = sqliteTable(
  "commission_rules",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    /** Owner: one partner, a partner group, or neither (the site's default rule). */
    partnerId: text("partner_id"),
    partnerGroup: text("partner_group"),
    /** "referral": the referring partner (level 1) or its parent (level 2); "creator": share of own items. */
    basis: text("basis", { enum: RULE_BASES }).notNull(),
    level: integer("level").notNull().default(1),
    kind: text("kind", { enum: RULE_KINDS }).notNull(),
    rateBps: integer("rate_bps"),
    flatMinor: integer("flat_minor"),
    itemId: text("item_id"),
    category: text("category"),
    /** [{fromMinor, rateBps?, flatMinor?}]: rate by the partner's month-to-date sales. */
    tiers: text("tiers", { mode: "json" }).$type<Tier[]>().notNull().default([]),
    /** null: every referred purchase; 0: the learner's first purchase only; N: purchases within N months. */
    recurringMonths: integer("recurring_months"),
    holdingDays: integer("holding_days"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);

export const partnerCommissions = sqliteTable(
  "partner_commissions",
  {
    siteId: text("site_id").notNull(),
    /** Deterministic (order, partner, kind): settling an order twice can never pay twice. */
    id: text("id").notNull(),
    partnerId: text("partner_id").notNull(),
    orderId: text("order_id").notNull(),
    kind: text("kind", { enum: COMMISSION_KINDS }).notNull(),
    /** A clawback's commission. */
    parentId: text("parent_id"),
    ruleId: text("rule_id"),
    /** The purchaser: user id, else visitor id. */
    learner: text("learner").notNull(),
    /** The purchase event settled; a server purchase superseding it later has the order recomputed. */
    purchaseEventId: text("purchase_event_id"),
    purchaseTs: integer("purchase_ts").notNull(),
    /** Local day of the purchase in the site's time zone (ROI cost date). */
    day: text("day").notNull(),
    baseMinor: integer("base_minor").notNull(),
    /** As computed at purchase; amount_minor falls with refunds while pending. */
    grossAmountMinor: integer("gross_amount_minor").notNull(),
    amountMinor: integer("amount_minor").notNull(),
    /** Share of the order refunded so far, in parts per million (net revenue for scorecards). */
    refundedPpm: integer("refunded_ppm").notNull().default(0),
    status: text("status", { enum: COMMISSION_STATUSES }).notNull(),
    reason: text("reason"),
    holdUntil: integer("hold_until").notNull(),
    payoutId: text("payout_id"),
    channel: text("channel"),
    source: text("source"),
    campaign: text("campaign"),
    partnerCode: text("partner_code"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.id] }),
    index("commissions_site_order").on(t.siteId, t.orderId),
    index("commissions_site_partner_status").on(t.siteId, t.partnerId, t.status),
    index("commissions_site_day").on(t.siteId, t.day),
    index("commissions_site_payout").on(t.siteId, t.payoutId),
    // The daily approval sweep looks for pending rows past their holding period across sites.
    index("commissions_status_hold").on(t.status, t.holdUntil),
  ],
);

export const payouts = sqliteTable(
  "payouts",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    partnerId: text("partner_id").notNull(),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    commissions: integer("commissions").notNull(),
    status: text("status", { enum: PAYOUT_STATUSES }).notNull(),
    reference: text("reference"),
    createdAt: integer("created_at").notNull(),
    paidAt: integer("paid_at"),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] }), index("payouts_site_partner").on(t.siteId, t.partnerId)],
);

/** Courses, columns and memberships on sale. */
export const items = sqliteTable(
  "items",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    title: text("title").notNull(),
    category: text("category"),
    /** Written by upsertItems' raw SQL as JSON.stringify(tags). */
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
    priceMinor: integer("price_minor"),
    currency: text("currency"),
    creatorPartnerId: text("creator_partner_id"),
    published: integer("published", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);
