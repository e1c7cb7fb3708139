// Response shapes of the query API (POST /api/v1/query) and the course reports (GET /api/v1/courses,
// /courses/{id}, /courses/attention) as the Pages and courses and Acquisition pages read them.

/** POST /api/v1/query: one row per combination of dimension values, metrics in the asked order. */
export interface QueryAnswer {
  results: { dimensions: string[]; metrics: (number | null)[] }[];
  meta: {
    currency: string;
    date_range: [string, string];
    total_rows: number;
    warnings: { code: string; message: string }[];
  };
}

export interface LessonFigures {
  id: string;
  title: string;
  module_id: string;
  position: number;
  type: string;
  views: number;
  learners: number;
  completed: number;
  completion_rate: number | null;
  average_watch_percent: number | null;
  rewatches: number;
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

export interface CourseReport {
  course_id: string;
  title: string;
  enrolments: number;
  purchases: number;
  free_enrolments: number;
  starts: number;
  active_learners: number;
  completions: number;
  completion_rate: number | null;
  median_hours_to_complete: number | null;
  watch_through: { percent: number; share: number | null }[];
  quiz_pass_rate: number | null;
  ratings: { count: number; average: number | null; previous_average: number | null; trend: number | null };
  refund_rate: number | null;
  revenue: number;
  recommendation_share: number | null;
  median_drop_off_rate: number | null;
  content_updated_at: string;
  lessons: LessonFigures[];
}

interface Window {
  from: string;
  to: string;
  currency: string;
}

export interface CourseList extends Window {
  data: CourseReport[];
}

export interface CourseOne extends Window {
  data: CourseReport;
}

export type AttentionReason = "engagement_falling" | "ratings_falling" | "drop_off_high" | "stale_content";

export interface AttentionList extends Window {
  data: {
    course_id: string;
    course_title: string;
    lesson_id: string | null;
    lesson_title: string | null;
    reasons: AttentionReason[];
    detail: string;
    revenue_at_stake: number;
  }[];
}
