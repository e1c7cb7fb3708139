// D1 tables. Every tenant-owned table carries site_id as the first column of its primary key,
// so every lookup is scoped by site and served by the key's index.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { ChannelRule } from "../core/channels";
import { LOCALES } from "../core/messages";
import { EVENT_ORIGINS, EVENT_TYPES, type EventItem, type EventProps } from "../core/event";
import type { ModelCredit } from "../models/attribution/credit";
import type { ModelName } from "../models/attribution/paths";

// JSON columns use drizzle's json mode: it writes JSON.stringify(value) and parses on read, so the
// stored text is what the code wrote before by hand and raw-SQL readers (json_each, json_extract)
// see the same JSON. Code writing such a column through raw SQL binds JSON.stringify(value) itself.

export const sites = sqliteTable("sites", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  domain: text("domain").notNull(),
  /** Public key for the snippet: may only write events for this site. */
  publicKey: text("public_key").notNull().unique(),
  /** JSON array of origins ("https://example.com") allowed to post with the public key. */
  allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>().notNull().default([]),
  timezone: text("timezone").notNull().default("UTC"),
  currency: text("currency").notNull().default("USD"),
  /** Language of emails and pages for people (en | zh-CN) when a subscription names none. */
  locale: text("locale", { enum: LOCALES }).notNull().default("en"),
  retentionDays: integer("retention_days").notNull().default(400),
  /** When on, the snippet may send a first-party visitor id; otherwise ids are cookieless hashes. */
  cookieMode: integer("cookie_mode", { mode: "boolean" }).notNull().default(false),
  /** When on, requests with DNT: 1 or Sec-GPC: 1 are dropped before anything is stored. */
  respectDnt: integer("respect_dnt", { mode: "boolean" }).notNull().default(false),
  /** JSON array of site channel rules evaluated before GA4's defaults. */
  channelRules: text("channel_rules", { mode: "json" }).$type<ChannelRule[]>().notNull().default([]),
  /** Touchpoints this many days before a purchase count in its conversion path (1-90). */
  lookbackDays: integer("lookback_days").notNull().default(30),
  /** Time-decay attribution: a touch this many days older counts half. */
  halfLifeDays: real("half_life_days").notNull().default(7),
  /** Course pages, e.g. "/courses/:id": their page views and engaged time count as views of that item. */
  itemPathPattern: text("item_path_pattern"),
  createdAt: integer("created_at").notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** First characters of the key, shown in listings so people can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key, hex. The key itself is shown once and never stored. */
    hash: text("hash").notNull().unique(),
    /** Comma-separated scopes: ingest, read, admin; or partner. */
    scopes: text("scopes").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    /** Set on partner portal keys (scope "partner"): the key reads only this partner's records. */
    partnerId: text("partner_id"),
  },
  (t) => [index("api_keys_site").on(t.siteId)],
);

export const events = sqliteTable(
  "events",
  {
    siteId: text("site_id").notNull(),
    /** Client event id: the idempotency key within a site. */
    id: text("id").notNull(),
    type: text("type", { enum: EVENT_TYPES }).notNull(),
    name: text("name"),
    ts: integer("ts").notNull(),
    receivedAt: integer("received_at").notNull(),
    origin: text("origin", { enum: EVENT_ORIGINS }).notNull(),
    sessionId: text("session_id").notNull(),
    visitorId: text("visitor_id").notNull(),
    userId: text("user_id"),
    url: text("url"),
    hostname: text("hostname"),
    path: text("path"),
    referrer: text("referrer"),
    title: text("title"),
    source: text("source").notNull(),
    medium: text("medium").notNull(),
    campaign: text("campaign").notNull(),
    term: text("term"),
    content: text("content"),
    utmId: text("utm_id"),
    channel: text("channel").notNull(),
    clickIdType: text("click_id_type"),
    clickId: text("click_id"),
    partnerCode: text("partner_code"),
    device: text("device").notNull(),
    browser: text("browser"),
    os: text("os"),
    country: text("country"),
    region: text("region"),
    screen: text("screen"),
    language: text("language"),
    engagedMs: integer("engaged_ms"),
    /** Revenue in minor units of `currency` (cents, fen): money is never a float. */
    revenueMinor: integer("revenue_minor"),
    currency: text("currency"),
    orderId: text("order_id"),
    /** Written by ingest's raw SQL as the JSON text capture made; parsed on drizzle reads. */
    items: text("items", { mode: "json" }).$type<EventItem[]>(),
    props: text("props", { mode: "json" }).$type<EventProps>(),
    recId: text("rec_id"),
    /** 1 when a server-reported purchase with the same order id supersedes this browser one. */
    superseded: integer("superseded").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.id] }),
    index("events_site_ts").on(t.siteId, t.ts),
    index("events_site_type_ts").on(t.siteId, t.type, t.ts),
    index("events_site_session").on(t.siteId, t.sessionId),
    index("events_site_order").on(t.siteId, t.orderId),
    index("events_site_received").on(t.siteId, t.receivedAt),
    // A learner's history for recommendations: partial, so anonymous page views cost nothing extra.
    index("events_site_user_ts")
      .on(t.siteId, t.userId, t.ts)
      .where(sql`user_id IS NOT NULL`),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    siteId: text("site_id").notNull(),
    id: text("id").notNull(),
    visitorId: text("visitor_id").notNull(),
    userId: text("user_id"),
    startedAt: integer("started_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    source: text("source").notNull(),
    medium: text("medium").notNull(),
    campaign: text("campaign").notNull(),
    term: text("term"),
    content: text("content"),
    channel: text("channel").notNull(),
    landingUrl: text("landing_url"),
    landingPath: text("landing_path"),
    referrer: text("referrer"),
    partnerCode: text("partner_code"),
    clickIdType: text("click_id_type"),
    clickId: text("click_id"),
    device: text("device").notNull(),
    browser: text("browser"),
    os: text("os"),
    country: text("country"),
    region: text("region"),
    pageviews: integer("pageviews").notNull().default(0),
    events: integer("events").notNull().default(0),
    engagedMs: integer("engaged_ms").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.id] }),
    index("sessions_site_started").on(t.siteId, t.startedAt),
    index("sessions_site_visitor_seen").on(t.siteId, t.visitorId, t.lastSeenAt),
  ],
);

/** identify(): a visitor id seen with a user id, so later journeys stitch to the user. */
export const identities = sqliteTable(
  "identities",
  {
    siteId: text("site_id").notNull(),
    visitorId: text("visitor_id").notNull(),
    userId: text("user_id").notNull(),
    firstSeenAt: integer("first_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.visitorId] }), index("identities_site_user").on(t.siteId, t.userId)],
);

/** Bots are counted, never mixed into human traffic. */
export const botHits = sqliteTable(
  "bot_hits",
  {
    siteId: text("site_id").notNull(),
    day: text("day").notNull(),
    agent: text("agent").notNull(),
    hits: integer("hits").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.day, t.agent] })],
);

/** Daily salts for cookieless visitor ids; deleted after two days so old hashes cannot be recomputed. */
export const salts = sqliteTable("salts", {
  day: text("day").primaryKey(),
  salt: text("salt").notNull(),
});

/** Queue messages that failed every retry, kept for inspection and replay. */
export const deadLetters = sqliteTable("dead_letters", {
  id: text("id").primaryKey(),
  receivedAt: integer("received_at").notNull(),
  body: text("body").notNull(),
  error: text("error"),
});

/** Ad spend, one row per day and campaign; re-importing the same key replaces the row. */
export const costs = sqliteTable(
  "costs",
  {
    siteId: text("site_id").notNull(),
    date: text("date").notNull(),
    source: text("source").notNull(),
    medium: text("medium").notNull(),
    campaign: text("campaign").notNull(),
    utmId: text("utm_id"),
    /** Channel of this source / medium / campaign by the same rules as traffic. */
    channel: text("channel").notNull(),
    costMinor: integer("cost_minor").notNull(),
    currency: text("currency").notNull(),
    impressions: integer("impressions"),
    clicks: integer("clicks"),
    importedAt: integer("imported_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.date, t.source, t.medium, t.campaign] })],
);

/** How many units of the site's reporting currency one unit of `currency` buys on `date`. */
export const fxRates = sqliteTable(
  "fx_rates",
  {
    siteId: text("site_id").notNull(),
    date: text("date").notNull(),
    currency: text("currency").notNull(),
    rate: real("rate").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.currency, t.date] })],
);

/**
 * Daily rollup per dimension value (channel, source, campaign, partner). Money in minor units of the
 * site's currency; attributed figures are fractional by nature (a conversion split across touches).
 */
export const rollupDaily = sqliteTable(
  "rollup_daily",
  {
    siteId: text("site_id").notNull(),
    day: text("day").notNull(),
    dimension: text("dimension").notNull(),
    key: text("key").notNull(),
    sessions: integer("sessions").notNull().default(0),
    visitors: integer("visitors").notNull().default(0),
    conversions: integer("conversions").notNull().default(0),
    newCustomers: integer("new_customers").notNull().default(0),
    revenueMinor: integer("revenue_minor").notNull().default(0),
    refundsMinor: integer("refunds_minor").notNull().default(0),
    /** {model: {conversions, value_minor, ...}} for the seven models. */
    attributed: text("attributed", { mode: "json" })
      .$type<Partial<Record<ModelName, ModelCredit>>>()
      .notNull()
      .default({}),
    /** Purchases whose currency had no rate: reported, never counted as zero. */
    missingFx: text("missing_fx"),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.dimension, t.key, t.day] }), index("rollup_site_day").on(t.siteId, t.day)],
);

/** Per site: how far the rollup has read (events.received_at) and the Markov snapshot it credits with. */
export const rollupState = sqliteTable("rollup_state", {
  siteId: text("site_id").primaryKey(),
  watermark: integer("watermark").notNull().default(0),
  /** JSON RemovalEffects: plain text (callers write JSON.stringify'd effects); read with markovEffectsOf. */
  markovEffects: text("markov_effects").notNull().default("{}"),
  markovFittedAt: integer("markov_fitted_at"),
  updatedAt: integer("updated_at").notNull(),
});

export * from "./partner-tables";
export * from "./report-tables";
export * from "./model-tables";
