// A learner's dropout features "as of" a moment, from their learning events (core/event.ts
// LEARNING_EVENT_TYPES) and the courses they bought up to then, and the label: they stop (no
// learning activity in the DROPOUT_HORIZON days after it) or leave a course they bought unfinished
// (no activity in it in those days, and no certificate for it). Training takes weekly decision
// points from the past whose horizon has passed; serving takes now. Same function both ways, so
// the model sees the same numbers.
import { DAY_MS } from "../../core/time";
import { LEARNING_PROPS, type LearningEventType } from "../../core/event";
import type { FeatureRow, FeatureSpec } from "../propensity/features";

/** "Stopped" means no learning activity in this many days. */
export const DROPOUT_HORIZON_DAYS = 14;
/** Decision points are taken this often in a learner's active span. */
export const DECISION_STEP_DAYS = 7;

export interface LearningFact {
  ts: number;
  type: LearningEventType;
  course: string | null;
  lesson: string | null;
  percent: number | null;
  score: number | null;
  passed: boolean | null;
}

export const DROPOUT_SPEC: FeatureSpec = {
  numeric: [
    "days_since_last_activity",
    "days_since_first_activity",
    "active_days_7d",
    "active_days_30d",
    "events_14d",
    "lessons_started",
    "lessons_completed",
    "completion_share",
    "mean_progress",
    "quizzes",
    "quiz_pass_share",
    "mean_quiz_score",
    "courses",
    "certificates",
    "bought_unfinished",
  ],
  categorical: [],
};

/** Plain-language names of the features, for the at-risk list's reasons. */
export const DROPOUT_FEATURE_LABELS: Record<string, string> = {
  days_since_last_activity: "days since the last learning activity",
  days_since_first_activity: "days since starting",
  active_days_7d: "active days in the last 7",
  active_days_30d: "active days in the last 30",
  events_14d: "learning events in the last 14 days",
  lessons_started: "lessons started",
  lessons_completed: "lessons completed",
  completion_share: "share of started lessons completed",
  mean_progress: "average lesson progress",
  quizzes: "quizzes submitted",
  quiz_pass_share: "share of quizzes passed",
  mean_quiz_score: "average quiz score",
  courses: "courses taken",
  certificates: "certificates earned",
  bought_unfinished: "bought courses not finished",
};

/** A course the learner bought, and when it was refunded (null: kept). */
export interface BoughtCourse {
  ts: number;
  course: string;
  refundedAt: number | null;
}

/** Courses bought by `at` (and not refunded by then) without a certificate by then. */
function unfinishedBought(facts: readonly LearningFact[], bought: readonly BoughtCourse[], at: number): Set<string> {
  const out = new Set<string>();
  for (const b of bought) if (b.ts <= at && (b.refundedAt === null || b.refundedAt > at)) out.add(b.course);
  for (const f of facts) if (f.ts <= at && f.type === "certificate" && f.course) out.delete(f.course);
  return out;
}

/** Facts must be oldest first; only those at or before `at` count. */
export function dropoutFeatures(
  facts: readonly LearningFact[],
  at: number,
  course?: string,
  bought: readonly BoughtCourse[] = [],
): FeatureRow {
  const started = new Set<string>();
  const completed = new Set<string>();
  const days7 = new Set<number>();
  const days30 = new Set<number>();
  const courses = new Set<string>();
  let first: number | null = null;
  let last: number | null = null;
  let events14 = 0;
  let progress = 0;
  let progressN = 0;
  let quizzes = 0;
  let passed = 0;
  let scoreSum = 0;
  let scoreN = 0;
  let certificates = 0;
  for (const f of facts) {
    if (f.ts > at) break;
    if (course !== undefined && f.course !== course) continue;
    first ??= f.ts;
    last = f.ts;
    if (f.course) courses.add(f.course);
    const day = Math.floor(f.ts / DAY_MS);
    if (f.ts > at - 7 * DAY_MS) days7.add(day);
    if (f.ts > at - 30 * DAY_MS) days30.add(day);
    if (f.ts > at - 14 * DAY_MS) events14++;
    const lesson = `${f.course}\u0000${f.lesson}`;
    if (f.type === "lesson_start") started.add(lesson);
    if (f.type === "lesson_complete") (completed.add(lesson), started.add(lesson));
    if (f.type === "lesson_progress" && f.percent !== null) ((progress += f.percent), progressN++);
    if (f.type === "quiz_submit") {
      quizzes++;
      if (f.passed) passed++;
      if (f.score !== null) ((scoreSum += f.score), scoreN++);
    }
    if (f.type === "certificate") certificates++;
  }
  return {
    days_since_last_activity: last === null ? 365 : (at - last) / DAY_MS,
    days_since_first_activity: first === null ? 0 : (at - first) / DAY_MS,
    active_days_7d: days7.size,
    active_days_30d: days30.size,
    events_14d: events14,
    lessons_started: started.size,
    lessons_completed: completed.size,
    completion_share: started.size ? completed.size / started.size : 0,
    mean_progress: progressN ? progress / progressN : 0,
    quizzes,
    quiz_pass_share: quizzes ? passed / quizzes : 0,
    mean_quiz_score: scoreN ? scoreSum / scoreN : 0,
    courses: courses.size,
    certificates,
    bought_unfinished: unfinishedBought(facts, bought, at).size,
  };
}

export interface DropoutExample {
  user: string;
  row: FeatureRow;
  /** 1: no learning activity in the DROPOUT_HORIZON_DAYS after `at`, or none in a bought, unfinished course. */
  label: number;
  at: number;
}

/**
 * A learner's past decision points: every DECISION_STEP_DAYS from their first learning event
 * until DROPOUT_HORIZON_DAYS after their last (serving scores a learner that long after their last
 * activity, so training must see such moments: they are where a stop shows, since a point before
 * the last event nearly always has some activity in the 14 days after it), whose horizon ended by
 * `now` (later ones have no label yet). A learner who finished (earned a certificate) is no longer
 * at risk: later points are skipped.
 */
export function dropoutExamples(
  user: string,
  facts: readonly LearningFact[],
  now: number,
  bought: readonly BoughtCourse[] = [],
): DropoutExample[] {
  if (facts.length === 0) return [];
  const horizon = DROPOUT_HORIZON_DAYS * DAY_MS;
  const out: DropoutExample[] = [];
  const lastTs = facts[facts.length - 1]!.ts;
  const finished = facts.find((f) => f.type === "certificate")?.ts ?? Infinity;
  for (
    let at = facts[0]!.ts;
    at + horizon <= now && at <= lastTs + horizon && at < finished;
    at += DECISION_STEP_DAYS * DAY_MS
  ) {
    const activeIn = (course: string | null) =>
      facts.some((f) => f.ts > at && f.ts <= at + horizon && (course === null || f.course === course));
    const abandoned = [...unfinishedBought(facts, bought, at)].some((c) => !activeIn(c));
    const label = !activeIn(null) || abandoned ? 1 : 0;
    out.push({ user, row: dropoutFeatures(facts, at, undefined, bought), label, at });
  }
  return out;
}

/** Reads a learning event's props (LEARNING_PROPS keys) into a fact. */
export function learningFact(ts: number, type: LearningEventType, props: Record<string, unknown> | null): LearningFact {
  const p = props ?? {};
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const s = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    ts,
    type,
    course: s(p[LEARNING_PROPS.course]),
    lesson: s(p[LEARNING_PROPS.lesson]),
    percent: n(p[LEARNING_PROPS.percent]),
    score: n(p[LEARNING_PROPS.score]),
    passed: typeof p[LEARNING_PROPS.passed] === "boolean" ? (p[LEARNING_PROPS.passed] as boolean) : null,
  };
}
