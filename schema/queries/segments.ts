// Learner segments: the reads the segment computation needs beyond plain event pages (first-week
// events of recent learners, recent activity per learner), the writes that replace a kind's
// segments, scores and report in one transaction, and the reads behind the summary and the exports.
import type { SiteDatabase } from "../databases";
import { LESSON_EVENT_NAMES } from "../../models/analytics/events";
import { type LearnerScores, type SegmentKind, type SegmentReport } from "../analytics-tables";
import { chunkByJsonBytes, JSON_PARAM_BUDGET_BYTES } from "../limits";
import { type AnalyticsRow, countEvents, eventsPage, type Keyset, type Selection, type TimeRange } from "./analytics";
import { learnerOf } from "./recs";
import type { SiteScope } from "./scope";

/**
 * Learners whose first session started in `firsts`, and the events of their first `featureMs`
 * (every type) and purchases of their first `targetMs`: what models/analytics/value-model.ts
 * reads. Events are looked for from firsts.from to `until`.
 */
function firstWeeks(scope: SiteScope, firsts: TimeRange, featureMs: number, targetMs: number): Selection {
  return {
    with: {
      sql:
        `firsts AS (SELECT ${learnerOf("s")} AS learner, min(s.started_at) AS first FROM sessions s ` +
        "WHERE s.site_id = ? AND s.started_at < ? GROUP BY learner HAVING first >= ?)",
      params: [scope.siteId, firsts.to, firsts.from],
    },
    join: `JOIN firsts f ON f.learner = ${learnerOf("e")}`,
    where: { sql: "e.ts < f.first + CASE WHEN e.type = 'purchase' THEN ? ELSE ? END", params: [targetMs, featureMs] },
  };
}

export function countFirstWeekEvents(
  db: SiteDatabase,
  scope: SiteScope,
  firsts: TimeRange,
  until: number,
  featureMs: number,
  targetMs: number,
): Promise<number> {
  return countEvents(db, scope, { from: firsts.from, to: until }, firstWeeks(scope, firsts, featureMs, targetMs));
}

export function firstWeekEventsPage(
  db: SiteDatabase,
  scope: SiteScope,
  firsts: TimeRange,
  until: number,
  featureMs: number,
  targetMs: number,
  after: Keyset,
  limit: number,
  intern: Map<string, string>,
): Promise<AnalyticsRow[]> {
  const sel = firstWeeks(scope, firsts, featureMs, targetMs);
  return eventsPage(db, scope, { from: firsts.from, to: until }, sel, after, limit, intern, { visits: true });
}

/** A learner's activity in a range, counted in D1 (no money: purchases are converted by the caller). */
export interface ActivityRow {
  learner: string;
  sessions: number;
  activeDays: number;
  pageviews: number;
  lessons: number;
  engagedMs: number;
  lastSeen: number;
}

const ACTIVITY =
  `SELECT ${learnerOf("e")} AS learner, count(DISTINCT e.session_id) AS sessions, ` +
  `count(DISTINCT e.ts / 86400000) AS active_days, sum(e.type = 'pageview') AS pageviews, ` +
  "coalesce(sum(e.name IN (SELECT value FROM json_each(?4))), 0) AS lessons, coalesce(sum(e.engaged_ms), 0) AS engaged_ms, " +
  "max(e.ts) AS last_seen FROM events e WHERE e.site_id = ?1 AND e.ts >= ?2 AND e.ts < ?3 AND e.superseded = 0 " +
  "GROUP BY learner";

/** Learners active in the range (UTC days), by learner id after `afterLearner`. */
export async function activityPage(
  db: SiteDatabase,
  scope: SiteScope,
  range: TimeRange,
  afterLearner: string,
  limit: number,
): Promise<ActivityRow[]> {
  const rows = await db
    .prepare(`SELECT * FROM (${ACTIVITY}) WHERE learner > ?5 ORDER BY learner LIMIT ?6`)
    .bind(scope.siteId, range.from, range.to, JSON.stringify(LESSON_EVENT_NAMES), afterLearner, limit)
    .raw<[string, number, number, number, number, number, number]>();
  return rows.map(([learner, sessions, activeDays, pageviews, lessons, engagedMs, lastSeen]) => ({
    learner,
    sessions,
    activeDays,
    pageviews,
    lessons,
    engagedMs,
    lastSeen,
  }));
}

export interface SegmentMember {
  learnerId: string;
  segment: string;
  scores: LearnerScores;
}

/**
 * Replaces a kind's segments, scores and report in one batch (one transaction): readers see the
 * previous computation or this one, never a mix. Members go in as JSON chunks (json_each).
 */
export async function replaceSegments(
  db: SiteDatabase,
  scope: SiteScope,
  kind: SegmentKind,
  computedAt: number,
  members: readonly SegmentMember[],
  report: SegmentReport,
): Promise<void> {
  const statements = [
    db.prepare("DELETE FROM learner_segments WHERE site_id = ?1 AND segment_kind = ?2").bind(scope.siteId, kind),
    db.prepare("DELETE FROM learner_scores WHERE site_id = ?1 AND segment_kind = ?2").bind(scope.siteId, kind),
  ];
  const rows = members.map((m) => [m.learnerId, m.segment, m.scores]);
  for (const chunk of chunkByJsonBytes(rows, JSON_PARAM_BUDGET_BYTES)) {
    const json = JSON.stringify(chunk);
    statements.push(
      db
        .prepare(
          "INSERT INTO learner_segments (site_id, learner_id, segment_kind, segment, computed_at) " +
            "SELECT ?1, json_extract(j.value, '$[0]'), ?2, json_extract(j.value, '$[1]'), ?3 FROM json_each(?4) AS j",
        )
        .bind(scope.siteId, kind, computedAt, json),
      db
        .prepare(
          "INSERT INTO learner_scores (site_id, segment_kind, learner_id, scores) " +
            "SELECT ?1, ?2, json_extract(j.value, '$[0]'), json_extract(j.value, '$[2]') FROM json_each(?3) AS j",
        )
        .bind(scope.siteId, kind, json),
    );
  }
  statements.push(
    db
      .prepare(
        "INSERT INTO segment_reports (site_id, segment_kind, computed_at, report) VALUES (?1, ?2, ?3, ?4) " +
          "ON CONFLICT (site_id, segment_kind) DO UPDATE SET computed_at = excluded.computed_at, report = excluded.report",
      )
      .bind(scope.siteId, kind, computedAt, JSON.stringify(report)),
  );
  await db.batch(statements);
}

export async function segmentReportsOf(
  db: SiteDatabase,
  scope: SiteScope,
): Promise<{ kind: SegmentKind; computedAt: number; report: SegmentReport }[]> {
  const { results } = await db
    .prepare("SELECT segment_kind, computed_at, report FROM segment_reports WHERE site_id = ?1")
    .bind(scope.siteId)
    .all<{ segment_kind: SegmentKind; computed_at: number; report: string }>();
  return results.map((r) => ({
    kind: r.segment_kind,
    computedAt: r.computed_at,
    report: JSON.parse(r.report) as SegmentReport,
  }));
}

/** One page of a segment's learners with their scores, by learner id after `afterLearner`. */
export async function segmentMembersPage(
  db: SiteDatabase,
  scope: SiteScope,
  kind: SegmentKind,
  segment: string,
  afterLearner: string,
  limit: number,
): Promise<{ learnerId: string; scores: LearnerScores }[]> {
  const { results } = await db
    .prepare(
      "SELECT m.learner_id, coalesce(s.scores, '{}') AS scores FROM learner_segments m LEFT JOIN learner_scores s " +
        "ON s.site_id = m.site_id AND s.segment_kind = m.segment_kind AND s.learner_id = m.learner_id " +
        "WHERE m.site_id = ?1 AND m.segment_kind = ?2 AND m.segment = ?3 AND m.learner_id > ?4 " +
        "ORDER BY m.learner_id LIMIT ?5",
    )
    .bind(scope.siteId, kind, segment, afterLearner, limit)
    .all<{ learner_id: string; scores: string }>();
  return results.map((r) => ({ learnerId: r.learner_id, scores: JSON.parse(r.scores) as LearnerScores }));
}
