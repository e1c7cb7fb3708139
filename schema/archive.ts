// The raw archive's columns (README "Raw archive"): which D1 columns of events and sessions go into
// the daily Parquet files, with their Parquet types, and which column dates a row. Written once here
// so the reader (schema/queries/archive.ts) and the writer (jobs/archive/) cannot disagree.
// Bump ARCHIVE_SCHEMA_VERSION when a column is added, renamed or retyped: the manifest carries it.

export const ARCHIVE_SCHEMA_VERSION = 1;

/** STRING: UTF-8 text (JSON columns stay JSON text); INT64: integers, times in epoch milliseconds. */
export type ArchiveType = "STRING" | "INT64";
export interface ArchiveColumn {
  readonly name: string;
  readonly type: ArchiveType;
  readonly required: boolean;
}

const s = (name: string, required = false): ArchiveColumn => ({ name, type: "STRING", required });
const i = (name: string, required = false): ArchiveColumn => ({ name, type: "INT64", required });

const EVENT_COLUMNS = [
  s("site_id", true),
  s("id", true),
  s("type", true),
  s("name"),
  i("ts", true),
  i("received_at", true),
  s("origin", true),
  s("session_id", true),
  s("visitor_id", true),
  s("user_id"),
  s("url"),
  s("hostname"),
  s("path"),
  s("referrer"),
  s("title"),
  s("source", true),
  s("medium", true),
  s("campaign", true),
  s("term"),
  s("content"),
  s("utm_id"),
  s("channel", true),
  s("click_id_type"),
  s("click_id"),
  s("partner_code"),
  s("device", true),
  s("browser"),
  s("os"),
  s("country"),
  s("region"),
  s("screen"),
  s("language"),
  i("engaged_ms"),
  i("revenue_minor"),
  s("currency"),
  s("order_id"),
  s("items"),
  s("props"),
  s("rec_id"),
  i("superseded", true),
] as const;

const SESSION_COLUMNS = [
  s("site_id", true),
  s("id", true),
  s("visitor_id", true),
  s("user_id"),
  i("started_at", true),
  i("last_seen_at", true),
  s("source", true),
  s("medium", true),
  s("campaign", true),
  s("term"),
  s("content"),
  s("channel", true),
  s("landing_url"),
  s("landing_path"),
  s("referrer"),
  s("partner_code"),
  s("click_id_type"),
  s("click_id"),
  s("device", true),
  s("browser"),
  s("os"),
  s("country"),
  s("region"),
  i("pageviews", true),
  i("events", true),
  i("engaged_ms", true),
] as const;

/** Archived tables: a row belongs to the UTC day of `dayColumn` (events by ts, sessions by start). */
export const ARCHIVE_TABLES = {
  events: { dayColumn: "ts", columns: EVENT_COLUMNS },
  sessions: { dayColumn: "started_at", columns: SESSION_COLUMNS },
} as const satisfies Record<string, { dayColumn: string; columns: readonly ArchiveColumn[] }>;

export type ArchiveTable = keyof typeof ARCHIVE_TABLES;
