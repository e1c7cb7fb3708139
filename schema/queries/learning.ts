// D1 reads and writes for course analytics: a course's lessons (replaced whole), the known lessons
// of the courses a capture batch names, and the learning, purchase and refund events a course
// report reads (props read with json_extract). All parameters bound.
import type { SiteDatabase } from "../databases";
import { lessons, type LessonType } from "../learning-tables";
import { inChunks } from "../limits";
import { learnerOf } from "./recs";
import type { SiteScope } from "./scope";

export type LessonRow = typeof lessons.$inferSelect;
export type LessonInput = Omit<LessonRow, "siteId" | "courseId" | "storedAt">;

const LESSON_COLUMNS =
  "id, course_id AS courseId, module_id AS moduleId, module_title AS moduleTitle, position, title, type, " +
  "duration_seconds AS durationSeconds, content_updated_at AS contentUpdatedAt, stored_at AS storedAt";

/** Replaces a course's structure in one transaction (a batch). */
export async function replaceLessons(
  db: SiteDatabase,
  scope: SiteScope,
  courseId: string,
  rows: LessonInput[],
  now: number,
): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM lessons WHERE site_id = ?1 AND course_id = ?2").bind(scope.siteId, courseId),
    db
      .prepare(
        "INSERT INTO lessons (site_id, course_id, id, module_id, module_title, position, title, type, duration_seconds, " +
          "content_updated_at, stored_at) SELECT ?1, ?2, json_extract(j.value, '$.id'), json_extract(j.value, '$.moduleId'), " +
          "json_extract(j.value, '$.moduleTitle'), json_extract(j.value, '$.position'), json_extract(j.value, '$.title'), " +
          "json_extract(j.value, '$.type'), json_extract(j.value, '$.durationSeconds'), " +
          "json_extract(j.value, '$.contentUpdatedAt'), ?4 FROM json_each(?3) AS j",
      )
      .bind(scope.siteId, courseId, JSON.stringify(rows), now),
  ]);
}

export interface LessonOut extends Omit<LessonRow, "siteId" | "type"> {
  type: LessonType;
}

/** The lessons of some courses (all the site's when `courseIds` is null), in course order. */
export async function lessonsOf(
  db: SiteDatabase,
  scope: SiteScope,
  courseIds: readonly string[] | null,
): Promise<LessonOut[]> {
  if (courseIds === null) {
    const { results } = await db
      .prepare(`SELECT ${LESSON_COLUMNS} FROM lessons WHERE site_id = ?1 ORDER BY course_id, position`)
      .bind(scope.siteId)
      .all<LessonOut>();
    return results;
  }
  return inChunks([...new Set(courseIds)], async (json) => {
    const { results } = await db
      .prepare(
        `SELECT ${LESSON_COLUMNS} FROM lessons WHERE site_id = ?1 AND course_id IN (SELECT value FROM json_each(?2)) ` +
          "ORDER BY course_id, position",
      )
      .bind(scope.siteId, json)
      .all<LessonOut>();
    return results;
  });
}

/** Which of these ids are catalog items, and the lesson ids of each (empty when no structure was sent). */
export async function knownCourses(
  db: SiteDatabase,
  scope: SiteScope,
  courseIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const rows = await inChunks([...new Set(courseIds)], async (json) => {
    const { results } = await db
      .prepare(
        "SELECT i.id AS course, l.id AS lesson FROM items i LEFT JOIN lessons l ON l.site_id = i.site_id " +
          "AND l.course_id = i.id WHERE i.site_id = ?1 AND i.id IN (SELECT value FROM json_each(?2))",
      )
      .bind(scope.siteId, json)
      .all<{ course: string; lesson: string | null }>();
    return results;
  });
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(r.course) ?? new Set<string>();
    if (r.lesson !== null) set.add(r.lesson);
    out.set(r.course, set);
  }
  return out;
}

/** A learning event as the course reports read it. */
export interface LearningEventRow {
  learner: string;
  type: string;
  ts: number;
  course: string;
  lesson: string | null;
  percent: number | null;
  seconds: number | null;
  score: number | null;
  passed: number | null;
  stars: number | null;
  recId: string | null;
}

/** Learning events in [from, to), oldest first; of one course or all. */
export async function learningEvents(
  db: SiteDatabase,
  scope: SiteScope,
  range: { fromMs: number; toMs: number },
  courseId: string | null,
): Promise<LearningEventRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${learnerOf("events")} AS learner, type, ts, ` +
        "CAST(json_extract(props, '$.course_id') AS TEXT) AS course, CAST(json_extract(props, '$.lesson_id') AS TEXT) AS lesson, " +
        "json_extract(props, '$.percent') AS percent, json_extract(props, '$.seconds') AS seconds, " +
        "json_extract(props, '$.score') AS score, json_extract(props, '$.passed') AS passed, " +
        "json_extract(props, '$.stars') AS stars, rec_id AS recId FROM events " +
        "WHERE site_id = ?1 AND type IN ('lesson_start','lesson_progress','lesson_complete','quiz_submit','rating','certificate') " +
        "AND ts >= ?2 AND ts < ?3 AND (?4 IS NULL OR json_extract(props, '$.course_id') = ?4) ORDER BY ts, id",
    )
    .bind(scope.siteId, range.fromMs, range.toMs, courseId)
    .all<LearningEventRow>();
  return results;
}

/** A purchase line of a course, or a refund of an order that bought one. */
export interface CourseSaleRow {
  learner: string;
  type: "purchase" | "refund";
  ts: number;
  course: string;
  orderId: string | null;
  /** The line's share of the order's revenue, in minor units of `currency`. */
  revenueMinor: number;
  currency: string | null;
  recId: string | null;
}

/**
 * Course purchase lines in [from, to) and refunds of those orders (any time up to `to`). A line's
 * revenue is its price × quantity when the event gives prices, else an equal share of the order.
 */
export async function courseSales(
  db: SiteDatabase,
  scope: SiteScope,
  range: { fromMs: number; toMs: number },
  courseId: string | null,
): Promise<CourseSaleRow[]> {
  const { results } = await db
    .prepare(
      "WITH lines AS (SELECT e.site_id, e.visitor_id, e.user_id, e.ts, e.order_id, e.revenue_minor, e.currency, e.rec_id, " +
        "CAST(json_extract(j.value, '$.id') AS TEXT) AS course, json_extract(j.value, '$.price') * " +
        "coalesce(json_extract(j.value, '$.quantity'), 1) AS line, " +
        "(SELECT sum(json_extract(k.value, '$.price') * coalesce(json_extract(k.value, '$.quantity'), 1)) " +
        "FROM json_each(e.items) k) AS lines_total, json_array_length(e.items) AS n " +
        "FROM events e, json_each(e.items) j WHERE e.site_id = ?1 AND e.type = 'purchase' AND e.superseded = 0 " +
        "AND e.items IS NOT NULL AND e.ts >= ?2 AND e.ts < ?3) " +
        `SELECT ${learnerOf("lines")} AS learner, 'purchase' AS type, ts, course, order_id AS orderId, ` +
        "CAST(round(coalesce(revenue_minor, 0) * CASE WHEN line IS NOT NULL AND lines_total > 0 THEN line / lines_total " +
        "ELSE 1.0 / n END) AS INTEGER) AS revenueMinor, currency, rec_id AS recId FROM lines " +
        "WHERE ?4 IS NULL OR course = ?4 " +
        "UNION ALL SELECT '' AS learner, 'refund' AS type, r.ts, l.course, r.order_id, 0, r.currency, NULL FROM events r " +
        "JOIN lines l ON l.order_id = r.order_id WHERE r.site_id = ?1 AND r.type = 'refund' AND r.superseded = 0 " +
        "AND r.ts < ?3 AND (?4 IS NULL OR l.course = ?4)",
    )
    .bind(scope.siteId, range.fromMs, range.toMs, courseId)
    .all<CourseSaleRow>();
  return results;
}

/** Title and catalog update time of these items (unknown ids absent). */
export async function courseItems(
  db: SiteDatabase,
  scope: SiteScope,
  ids: readonly string[],
): Promise<{ id: string; title: string; updatedAt: number }[]> {
  return inChunks([...new Set(ids)], async (json) => {
    const { results } = await db
      .prepare(
        "SELECT id, title, updated_at AS updatedAt FROM items WHERE site_id = ?1 AND id IN (SELECT value FROM json_each(?2))",
      )
      .bind(scope.siteId, json)
      .all<{ id: string; title: string; updatedAt: number }>();
    return results;
  });
}
