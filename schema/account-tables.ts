// People: user accounts, their roles per site, sign-in sessions, one-time links (invitations,
// password resets, bootstrap sign-in), login throttling, and read-only share links. Every secret
// (session token, one-time token, share token) is stored only as its SHA-256.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { SharePage } from "../core/roles";
import { sites } from "./tables";

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  /** Lower-case; the sign-in name. */
  email: text("email").notNull().unique(),
  name: text("name").notNull().default(""),
  /** "pbkdf2-sha256$iterations$salt$hash" (core/password.ts); null until the person sets one. */
  passwordHash: text("password_hash"),
  /** Language of the emails we send them: en | zh-CN. */
  language: text("language").notNull().default("en"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** A person's role in a site: owner | admin | analyst | viewer, or partner (with partner_id). */
export const siteMembers = sqliteTable(
  "site_members",
  {
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    /** Set for role "partner": the person reads only this partner's records (the portal). */
    partnerId: text("partner_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.userId] }), index("site_members_user").on(t.userId)],
);

/** Sign-in sessions. The cookie holds the token; only its hash is here. */
export const authSessions = sqliteTable(
  "auth_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: integer("created_at").notNull(),
    /** Slides forward with use, never past absolute_expires_at. */
    expiresAt: integer("expires_at").notNull(),
    absoluteExpiresAt: integer("absolute_expires_at").notNull(),
    userAgent: text("user_agent"),
  },
  (t) => [index("auth_sessions_user").on(t.userId), index("auth_sessions_expires").on(t.expiresAt)],
);

/** One-time links: invite | reset | sign_in. Claimed by setting used_at, so each works once. */
export const accountTokens = sqliteTable(
  "account_tokens",
  {
    id: text("id").primaryKey(),
    purpose: text("purpose").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    /** The account a reset or sign-in link is for; null for an invitation of a new person. */
    userId: text("user_id"),
    /** Invitations: the site, the role offered and (for partners) the partner record. */
    siteId: text("site_id"),
    role: text("role"),
    partnerId: text("partner_id"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("account_tokens_site_email").on(t.siteId, t.email), index("account_tokens_expires").on(t.expiresAt)],
);

/**
 * Failed sign-ins per key in a fixed window: "a:<hash of email>" per account, "c:<hash of IP>"
 * per client. In D1, not isolate memory, so every isolate sees the same count.
 */
export const loginThrottle = sqliteTable(
  "login_throttle",
  {
    key: text("key").primaryKey(),
    windowStart: integer("window_start").notNull(),
    failures: integer("failures").notNull(),
  },
  (t) => [index("login_throttle_window").on(t.windowStart)],
);

/** Read-only links to a site's dashboard, optionally limited to some pages; revocable. */
export const shareLinks = sqliteTable(
  "share_links",
  {
    siteId: text("site_id")
      .notNull()
      .references(() => sites.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** JSON array of page names; null = every shareable page. */
    /** JSON array of page names; null = every shareable page. */
    pages: text("pages", { mode: "json" }).$type<SharePage[]>(),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);
