// D1 reads for the behaviour analyses (jobs/analytics): a time range's events and sessions as the
// models read them (models/analytics/events.ts), a page at a time in (ts, id) order, and when each
// learner's first visit, sign-up or purchase was. Every read is scoped by site, every value bound,
// every page bounded; jobs/analytics counts first and caps the total (schema/limits.ts).
import type { SiteDatabase } from "../databases";
import { type AnalyticsEvent, LESSON_EVENT_NAMES, SESSION_EVENT_TYPE } from "../../models/analytics/events";
import { type Goal, normalisePath } from "../../models/analytics/goals";
import type { CohortBy } from "../../models/analytics/retention";
import { learnerOf } from "./recs";
import type { SiteScope } from "./scope";

/** Epoch ms, `from` inclusive, `to` exclusive. */
export interface TimeRange {
  from: number;
  to: number;
}

/** Where the previous page ended: rows after (ts, id). */
export interface Keyset {
  ts: number;
  id: string;
}

/** An event (or a session, as one activity event) as read: the models' shape, its id (the page key) and currency. */
export type AnalyticsRow = AnalyticsEvent & { id: string; currency: string | null };

/** A SQL condition on one table alias, with its anonymous (`?`) parameters in order. */
export interface Condition {
  sql: string;
  params: unknown[];
}

const TRUE: Condition = { sql: "1", params: [] };

/**
 * A superset of the events that can reach `goal`, for narrowing a read: the literal start of a
 * page pattern, an event name, a type. The goal itself (models/analytics/goals.ts) decides exactly.
 */
export function goalCondition(goal: Goal, alias: string): Condition {
  switch (goal.kind) {
    case "page": {
      const prefix = normalisePath(goal.path).split("*")[0]!;
      return prefix
        ? { sql: `${alias}.type = 'pageview' AND substr(${alias}.path, 1, length(?)) = ?`, params: [prefix, prefix] }
        : { sql: `${alias}.type = 'pageview'`, params: [] };
    }
    case "event":
      return { sql: `${alias}.name = ?`, params: [goal.name] };
    case "signup":
      return { sql: `${alias}.type = 'signup'`, params: [] };
    case "purchase":
      return { sql: `${alias}.type = 'purchase'`, params: [] };
  }
}

export function anyOf(conditions: Condition[]): Condition {
  if (conditions.length === 0) return { sql: "0", params: [] };
  return {
    sql: conditions.map((c) => `(${c.sql})`).join(" OR "),
    params: conditions.flatMap((c) => c.params),
  };
}

/** Events whose type is not one of `types`. */
export function typeNotIn(types: readonly string[], alias = "e"): Condition {
  return { sql: `${alias}.type NOT IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(types)] };
}

/** Events whose type is one of `types` (a literal list, so the (site, type, ts) index can serve it). */
export function typeIn(types: readonly string[], alias = "e"): Condition {
  return { sql: `${alias}.type IN (${types.map(() => "?").join(", ")})`, params: [...types] };
}

export function allOf(...conditions: Condition[]): Condition {
  return { sql: conditions.map((c) => `(${c.sql})`).join(" AND "), params: conditions.flatMap((c) => c.params) };
}

/** Events of learners with at least one event in the range meeting `condition` (on alias s). */
export function learnersWith(scope: SiteScope, range: TimeRange, condition: Condition): Condition {
  return {
    sql:
      `${learnerOf("e")} IN (SELECT ${learnerOf("s")} FROM events s WHERE s.site_id = ? AND s.ts >= ? AND s.ts < ? ` +
      `AND s.superseded = 0 AND (${condition.sql}))`,
    params: [scope.siteId, range.from, range.to, ...condition.params],
  };
}

/** Events of visits (sessions) with at least one event in the range meeting `condition` (on alias s). */
export function visitsWith(scope: SiteScope, range: TimeRange, condition: Condition): Condition {
  return {
    sql:
      "e.session_id IN (SELECT s.session_id FROM events s WHERE s.site_id = ? AND s.ts >= ? AND s.ts < ? " +
      `AND s.superseded = 0 AND (${condition.sql}))`,
    params: [scope.siteId, range.from, range.to, ...condition.params],
  };
}

/** Lesson events (models/analytics/events.ts LESSON_EVENT_NAMES). */
export const lessonCondition = (alias: string): Condition => ({
  sql: `${alias}.name IN (SELECT value FROM json_each(?))`,
  params: [JSON.stringify(LESSON_EVENT_NAMES)],
});

type Raw = [
  string,
  string,
  number,
  string,
  string | null,
  string | null,
  string | null,
  number | null,
  string | null,
  number | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
];

/**
 * The columns a read needs beyond who, when and what (learner, id, ts, type, name, path, revenue
 * and currency): the others come back as NULL, which keeps long reads small.
 */
export interface Columns {
  /** Custom properties (goals with property filters). */
  props?: boolean;
  /** Session id and engaged time (visits, the value model). */
  visits?: boolean;
  /** Attribution of the event: channel, source, campaign, device (breakdowns). */
  attribution?: boolean;
}

const eventColumns = (c: Columns) =>
  `${learnerOf("e")}, e.id, e.ts, e.type, e.name, e.path, ${c.visits ? "e.session_id" : "NULL"}, e.revenue_minor, ` +
  `e.currency, ${c.visits ? "e.engaged_ms" : "NULL"}, ` +
  `${c.attribution ? "e.channel, e.source, e.campaign, e.device" : "NULL, NULL, NULL, NULL"}, ${c.props ? "e.props" : "NULL"}`;

/**
 * Rows as the models read them. Repeated strings (learners, sessions, paths, channels) share one
 * copy through `intern`, which the caller keeps for the whole read: a long read holds far fewer strings.
 */
function toRows(raw: Raw[], intern: Map<string, string>): AnalyticsRow[] {
  const s = <T extends string | null>(v: T): T => {
    if (v === null) return v;
    const known = intern.get(v);
    if (known !== undefined) return known as T;
    intern.set(v, v);
    return v;
  };
  return raw.map((r) => ({
    visitorId: s(r[0]),
    id: r[1],
    ts: r[2],
    type: s(r[3]),
    name: s(r[4]),
    path: s(r[5]),
    sessionId: s(r[6] ?? ""),
    revenueMinor: r[7],
    currency: s(r[8]),
    engagedMs: r[9],
    channel: s(r[10] ?? ""),
    source: s(r[11] ?? ""),
    campaign: s(r[12] ?? ""),
    device: s(r[13] ?? ""),
    props: r[14],
  }));
}

/**
 * Which events a read takes: `where` on alias e, optionally joined to a table of learners (`with`,
 * a CTE named by `join`'s text) that `where` may refer to.
 */
export interface Selection {
  where: Condition;
  with?: Condition;
  join?: string;
  /**
   * An index to read through. Without statistics SQLite prefers (site_id, ts), which also gives
   * the page order; a read of a few rare types (purchases) is far cheaper through (site_id, type, ts).
   */
  index?: "events_site_type_ts";
}

const TRUE_SELECTION: Selection = { where: TRUE };

function selectionSql(sel: Selection) {
  return {
    prefix: sel.with ? `WITH ${sel.with.sql} ` : "",
    join: `${sel.index ? ` INDEXED BY ${sel.index}` : ""}${sel.join ? ` ${sel.join}` : ""}`,
    prefixParams: sel.with?.params ?? [],
  };
}

/** Events of the range meeting the selection (superseded browser purchases left out). */
export async function countEvents(db: SiteDatabase, scope: SiteScope, range: TimeRange, sel = TRUE_SELECTION) {
  const { prefix, join, prefixParams } = selectionSql(sel);
  const row = await db
    .prepare(
      `${prefix}SELECT count(*) AS n FROM events e${join} WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? ` +
        `AND e.superseded = 0 AND (${sel.where.sql})`,
    )
    .bind(...prefixParams, scope.siteId, range.from, range.to, ...sel.where.params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** The next page of those events after `after`, in (ts, id) order, with the `columns` asked for. */
export async function eventsPage(
  db: SiteDatabase,
  scope: SiteScope,
  range: TimeRange,
  sel: Selection,
  after: Keyset,
  limit: number,
  intern: Map<string, string>,
  columns: Columns = {},
): Promise<AnalyticsRow[]> {
  const { prefix, join, prefixParams } = selectionSql(sel);
  // The lower bound moves with the page, so each page seeks past the rows already read.
  const lower = Math.max(range.from, after.ts);
  const raw = await db
    .prepare(
      `${prefix}SELECT ${eventColumns(columns)} FROM events e${join} WHERE e.site_id = ? AND e.ts >= ? AND e.ts < ? ` +
        `AND (e.ts > ? OR e.id > ?) AND e.superseded = 0 AND (${sel.where.sql}) ORDER BY e.ts, e.id LIMIT ?`,
    )
    .bind(...prefixParams, scope.siteId, lower, range.to, lower, after.id, ...sel.where.params, limit)
    .raw<Raw>();
  return toRows(raw, intern);
}

export async function countSessions(db: SiteDatabase, scope: SiteScope, range: TimeRange) {
  const row = await db
    .prepare("SELECT count(*) AS n FROM sessions WHERE site_id = ?1 AND started_at >= ?2 AND started_at < ?3")
    .bind(scope.siteId, range.from, range.to)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Sessions started in the range, each as one activity event at its start: who and when, nothing else. */
export async function sessionsPage(
  db: SiteDatabase,
  scope: SiteScope,
  range: TimeRange,
  after: Keyset,
  limit: number,
  intern: Map<string, string>,
): Promise<AnalyticsRow[]> {
  const lower = Math.max(range.from, after.ts);
  const raw = await db
    .prepare(
      `SELECT ${learnerOf("s")}, s.id, s.started_at, ?1, NULL, NULL, NULL, NULL, NULL, NULL, ` +
        "NULL, NULL, NULL, NULL, NULL FROM sessions s WHERE s.site_id = ?2 AND s.started_at >= ?3 " +
        "AND s.started_at < ?4 AND (s.started_at > ?3 OR s.id > ?5) ORDER BY s.started_at, s.id LIMIT ?6",
    )
    .bind(SESSION_EVENT_TYPE, scope.siteId, lower, range.to, after.id, limit)
    .raw<Raw>();
  return toRows(raw, intern);
}

/** What dates a learner's cohort event: their first session, sign-up or (kept) purchase. */
const COHORT_SOURCES: Record<CohortBy, string> = {
  first_visit: `SELECT ${learnerOf("s")} AS learner, min(s.started_at) AS first FROM sessions s WHERE s.site_id = ? AND s.started_at < ?`,
  signup: `SELECT ${learnerOf("e")} AS learner, min(e.ts) AS first FROM events e WHERE e.site_id = ? AND e.ts < ? AND e.type = 'signup'`,
  first_purchase:
    `SELECT ${learnerOf("e")} AS learner, min(e.ts) AS first FROM events e WHERE e.site_id = ? AND e.ts < ? ` +
    "AND e.type = 'purchase' AND e.superseded = 0",
};

/**
 * Learners whose first cohort event ever (over the stored history) falls in the range, a page at
 * a time by learner id after `afterLearner`, with the time of that event.
 */
export async function cohortPage(
  db: SiteDatabase,
  scope: SiteScope,
  cohort: CohortBy,
  range: TimeRange,
  afterLearner: string,
  limit: number,
): Promise<{ learner: string; first: number }[]> {
  const rows = await db
    .prepare(
      `SELECT learner, first FROM (${COHORT_SOURCES[cohort]} GROUP BY learner) ` +
        "WHERE first >= ? AND learner > ? ORDER BY learner LIMIT ?",
    )
    .bind(scope.siteId, range.to, range.from, afterLearner, limit)
    .raw<[string, number]>();
  return rows.map(([learner, first]) => ({ learner, first }));
}
