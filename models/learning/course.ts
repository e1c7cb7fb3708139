// A course's learning figures from its structure and its events: enrolments, starts, completion,
// time to complete, lesson-by-lesson drop-off, video watch-through, quiz pass rates, ratings,
// refunds, revenue and the share of enrolments that came from recommendations. Pure.
import { median, ratio } from "../analytics/events";

export interface LessonSpec {
  id: string;
  title: string;
  moduleId: string;
  position: number;
  type: "video" | "article" | "quiz" | "live";
  durationSeconds: number | null;
}

export interface LearningEvent {
  learner: string;
  type: string;
  ts: number;
  lesson: string | null;
  percent: number | null;
  seconds: number | null;
  score: number | null;
  /** 1/0 (SQLite booleans) or true/false. */
  passed: number | boolean | null;
  stars: number | null;
  recId: string | null;
}

export interface Sale {
  learner: string;
  type: "purchase" | "refund";
  orderId: string | null;
  /** Minor units of the report's currency (lines in other currencies are left out by the caller). */
  revenueMinor: number;
  recId: string | null;
}

export const WATCH_MILESTONES = [25, 50, 75, 100] as const;

export interface LessonFigures {
  id: string;
  title: string;
  module_id: string;
  position: number;
  type: LessonSpec["type"];
  /** lesson_start events (re-watches included). */
  views: number;
  /** Learners with any event on the lesson. */
  learners: number;
  completed: number;
  completion_rate: number | null;
  /** Mean over the lesson's learners with progress of the furthest point reached, 0-100. */
  average_watch_percent: number | null;
  /** lesson_start events beyond each learner's first. */
  rewatches: number;
  /** Learners whose furthest lesson is this one and who have not completed the course. */
  stopped_here: number;
  drop_off_rate: number | null;
  quiz: {
    submissions: number;
    learners: number;
    passed_learners: number;
    pass_rate: number | null;
    average_score: number | null;
  } | null;
}

export interface CourseFigures {
  enrolments: number;
  purchases: number;
  free_enrolments: number;
  starts: number;
  /** Learners with any learning event on the course in the window. */
  active_learners: number;
  completions: number;
  completion_rate: number | null;
  median_hours_to_complete: number | null;
  watch_through: { percent: number; share: number | null }[];
  quiz_pass_rate: number | null;
  ratings: { count: number; average: number | null };
  refund_rate: number | null;
  revenue_minor: number;
  recommendation_share: number | null;
  median_drop_off_rate: number | null;
  lessons: LessonFigures[];
}

const LESSON_EVENTS = new Set(["lesson_start", "lesson_progress", "lesson_complete", "quiz_submit"]);

/** The furthest point of a lesson an event shows, 0-100 (seconds over the lesson's duration). */
function reachedPercent(e: LearningEvent, lesson: LessonSpec): number | null {
  if (e.type === "lesson_complete") return 100;
  if (e.type !== "lesson_progress") return null;
  if (e.percent !== null) return Math.min(100, e.percent);
  if (e.seconds !== null && lesson.durationSeconds) return Math.min(100, (e.seconds / lesson.durationSeconds) * 100);
  return null;
}

// Rates keep 6 decimals: the dashboard shows percent with one decimal, and 4 decimals would round
// twice (29/71 = 0.408451 -> 0.4085 -> 40.9 % where the truth is 40.8 %).
const round = (n: number | null, digits = 6) => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

export function courseFigures(
  lessons: readonly LessonSpec[],
  events: readonly LearningEvent[],
  sales: readonly Sale[],
): CourseFigures {
  const ordered = [...lessons].sort((a, b) => a.position - b.position);
  const byId = new Map(ordered.map((l, i) => [l.id, { spec: l, index: i }]));
  const perLesson = ordered.map(() => ({
    views: 0,
    learners: new Set<string>(),
    starters: new Set<string>(),
    completed: new Set<string>(),
    furthest: new Map<string, number>(),
    quizSubmissions: 0,
    quizLearners: new Set<string>(),
    quizPassed: new Set<string>(),
    scores: [] as number[],
  }));
  const active = new Set<string>();
  const starters = new Set<string>();
  const firstStart = new Map<string, number>();
  const done = new Map<string, Set<string>>();
  const completedAt = new Map<string, number>();
  const furthestLesson = new Map<string, number>();
  const fromRecs = new Set<string>();
  const stars: number[] = [];

  for (const e of events) {
    active.add(e.learner);
    if (e.type === "rating" && e.stars !== null) stars.push(e.stars);
    if (e.type === "certificate" && !completedAt.has(e.learner)) completedAt.set(e.learner, e.ts);
    if (!LESSON_EVENTS.has(e.type) || e.lesson === null) continue;
    const at = byId.get(e.lesson);
    if (!at) continue; // a lesson the structure no longer has
    const l = perLesson[at.index]!;
    starters.add(e.learner);
    if (!firstStart.has(e.learner)) firstStart.set(e.learner, e.ts);
    if (e.type === "lesson_start" && e.recId) fromRecs.add(e.learner);
    l.learners.add(e.learner);
    furthestLesson.set(e.learner, Math.max(furthestLesson.get(e.learner) ?? -1, at.index));
    if (e.type === "lesson_start") {
      l.views += 1;
      l.starters.add(e.learner);
    }
    const pct = reachedPercent(e, at.spec);
    if (pct !== null) l.furthest.set(e.learner, Math.max(l.furthest.get(e.learner) ?? 0, pct));
    if (e.type === "lesson_complete") {
      l.completed.add(e.learner);
      const set = done.get(e.learner) ?? new Set<string>();
      set.add(e.lesson);
      done.set(e.learner, set);
      if (set.size === ordered.length && !completedAt.has(e.learner)) completedAt.set(e.learner, e.ts);
    }
    if (e.type === "quiz_submit") {
      l.quizSubmissions += 1;
      l.quizLearners.add(e.learner);
      if (e.passed === 1 || e.passed === true) l.quizPassed.add(e.learner);
      if (e.score !== null) l.scores.push(e.score);
    }
  }

  const purchasers = new Set<string>();
  const orders = new Set<string>();
  const refunded = new Set<string>();
  let revenueMinor = 0;
  for (const s of sales) {
    if (s.type === "purchase") {
      purchasers.add(s.learner);
      if (s.orderId) orders.add(s.orderId);
      revenueMinor += s.revenueMinor;
      if (s.recId) fromRecs.add(s.learner);
    } else if (s.orderId) refunded.add(s.orderId);
  }
  const enrolled = new Set([...purchasers, ...starters]);
  const completers = [...completedAt.keys()].filter((k) => starters.has(k) || purchasers.has(k));

  const lessonRows: LessonFigures[] = ordered.map((spec, i) => {
    const l = perLesson[i]!;
    const stopped = [...l.learners].filter((k) => furthestLesson.get(k) === i && !completedAt.has(k)).length;
    const watched = [...l.furthest.values()];
    return {
      id: spec.id,
      title: spec.title,
      module_id: spec.moduleId,
      position: spec.position,
      type: spec.type,
      views: l.views,
      learners: l.learners.size,
      completed: l.completed.size,
      completion_rate: round(ratio(l.completed.size, l.learners.size)),
      average_watch_percent: watched.length ? round(watched.reduce((a, b) => a + b, 0) / watched.length, 2) : null,
      rewatches: l.views - l.starters.size,
      stopped_here: stopped,
      drop_off_rate: round(ratio(stopped, l.learners.size)),
      quiz:
        spec.type === "quiz" || l.quizSubmissions > 0
          ? {
              submissions: l.quizSubmissions,
              learners: l.quizLearners.size,
              passed_learners: l.quizPassed.size,
              pass_rate: round(ratio(l.quizPassed.size, l.quizLearners.size)),
              average_score: l.scores.length ? round(l.scores.reduce((a, b) => a + b, 0) / l.scores.length, 2) : null,
            }
          : null,
    };
  });

  // Watch-through: of every (learner, video lesson) with progress, the share that reached each milestone.
  const videoReach = ordered.flatMap((spec, i) => (spec.type === "video" ? [...perLesson[i]!.furthest.values()] : []));
  const quizLearners = perLesson.reduce((n, l) => n + l.quizLearners.size, 0);
  const quizPassed = perLesson.reduce((n, l) => n + l.quizPassed.size, 0);
  const hours = completers
    .filter((k) => firstStart.has(k))
    .map((k) => (completedAt.get(k)! - firstStart.get(k)!) / 3_600_000);
  const average = stars.length ? stars.reduce((a, b) => a + b, 0) / stars.length : null;
  return {
    enrolments: enrolled.size,
    purchases: purchasers.size,
    free_enrolments: [...enrolled].filter((k) => !purchasers.has(k)).length,
    starts: starters.size,
    active_learners: active.size,
    completions: completers.length,
    completion_rate: round(ratio(completers.filter((k) => starters.has(k)).length, starters.size)),
    median_hours_to_complete: round(median(hours), 2),
    watch_through: WATCH_MILESTONES.map((m) => ({
      percent: m,
      share: round(ratio(videoReach.filter((p) => p >= m).length, videoReach.length)),
    })),
    quiz_pass_rate: round(ratio(quizPassed, quizLearners)),
    ratings: { count: stars.length, average: round(average, 2) },
    refund_rate: round(ratio([...refunded].filter((o) => orders.has(o)).length, orders.size)),
    revenue_minor: revenueMinor,
    recommendation_share: round(ratio([...fromRecs].filter((k) => enrolled.has(k)).length, enrolled.size)),
    median_drop_off_rate: round(median(lessonRows.filter((l) => l.learners > 0).map((l) => l.drop_off_rate!))),
    lessons: lessonRows,
  };
}
