// SEO: search performance imported from Google Search Console and Baidu 百度搜索资源平台, and the
// keyword research a site uploads. Read by the organic revenue and keyword opportunity reports.
import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { SEVERITIES } from "../models/seo/audit";
import { SEARCH_SOURCES } from "../models/seo/imports";

/**
 * One day's figures for one combination of keys. `dims` names the keys the import carried
 * ("query,page", "page", …; absent keys are ""), so a query table and a page table of the same day
 * live side by side, and re-importing a day of one table replaces only that day of that table.
 */
export const searchPerformance = sqliteTable(
  "search_performance",
  {
    siteId: text("site_id").notNull(),
    source: text("source", { enum: SEARCH_SOURCES }).notNull(),
    dims: text("dims").notNull(),
    date: text("date").notNull(),
    query: text("query").notNull().default(""),
    page: text("page").notNull().default(""),
    country: text("country").notNull().default(""),
    device: text("device").notNull().default(""),
    clicks: integer("clicks").notNull(),
    impressions: integer("impressions").notNull(),
    position: real("position").notNull(),
    importedAt: integer("imported_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.source, t.dims, t.date, t.query, t.page, t.country, t.device] })],
);

/** Keyword research (Google Keyword Planner, Baidu 关键词规划师): one row per keyword, replaced on re-import. */
export const keywordResearch = sqliteTable(
  "keyword_research",
  {
    siteId: text("site_id").notNull(),
    keyword: text("keyword").notNull(),
    volume: integer("volume").notNull(),
    difficulty: real("difficulty").notNull(),
    importedAt: integer("imported_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.keyword] })],
);

/** The latest on-page audit's findings per page, replaced whole by each audit (weekly cron or on demand). */
export const seoAuditFindings = sqliteTable(
  "seo_audit_findings",
  {
    siteId: text("site_id").notNull(),
    url: text("url").notNull(),
    seq: integer("seq").notNull(),
    check: text("check").notNull(),
    severity: text("severity", { enum: SEVERITIES }).notNull(),
    message: text("message").notNull(),
    auditedAt: integer("audited_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.url, t.seq] })],
);

/** What the latest audit read on each page it fetched: the ranking model's page features. */
export const seoPages = sqliteTable(
  "seo_pages",
  {
    siteId: text("site_id").notNull(),
    path: text("path").notNull(),
    url: text("url").notNull(),
    title: text("title").notNull(),
    h1: text("h1").notNull(),
    description: text("description").notNull(),
    words: integer("words").notNull(),
    /** Links to this page from the other audited pages. */
    linksIn: integer("links_in").notNull(),
    structuredData: integer("structured_data", { mode: "boolean" }).notNull(),
    auditedAt: integer("audited_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.path] })],
);
