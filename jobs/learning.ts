// Course analytics for a window: each course's figures now and in the previous window of the same
// length (for trends), and the "needs attention" list. D1 through schema/queries/learning.ts, the
// arithmetic in models/learning/.
import type { SiteDatabase } from "../schema/databases";
import { attentionList, type CourseWindow } from "../models/learning/attention";
import { courseFigures, type LearningEvent, type LessonSpec, type Sale } from "../models/learning/course";
import {
  courseItems,
  courseSales,
  type CourseSaleRow,
  learningEvents,
  type LearningEventRow,
  lessonsOf,
} from "../schema/queries/learning";
import type { SiteScope } from "../schema/queries/scope";

export interface CourseReportOptions {
  fromMs: number;
  toMs: number;
  /** One course, or every course with a structure or activity. */
  courseId: string | null;
  /** Revenue counts purchases in this currency (the site's); others are counted in `other_currency_sales`. */
  currency: string;
}

export interface CourseReport extends CourseWindow {
  lessonCount: number;
  otherCurrencySales: number;
}

function group<T extends { course: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.course);
    if (list) list.push(r);
    else out.set(r.course, [r]);
  }
  return out;
}

export async function courseReports(
  db: SiteDatabase,
  scope: SiteScope,
  o: CourseReportOptions,
): Promise<CourseReport[]> {
  const span = o.toMs - o.fromMs;
  const prev = { fromMs: o.fromMs - span, toMs: o.fromMs };
  const cur = { fromMs: o.fromMs, toMs: o.toMs };
  const [lessons, events, prevEvents, sales, prevSales] = await Promise.all([
    lessonsOf(db, scope, o.courseId === null ? null : [o.courseId]),
    learningEvents(db, scope, cur, o.courseId),
    learningEvents(db, scope, prev, o.courseId),
    courseSales(db, scope, cur, o.courseId),
    courseSales(db, scope, prev, o.courseId),
  ]);
  const ids = new Set<string>([
    ...lessons.map((l) => l.courseId),
    ...events.map((e) => e.course),
    ...prevEvents.map((e) => e.course),
    ...sales.map((s) => s.course),
    ...prevSales.map((s) => s.course),
  ]);
  if (o.courseId !== null) ids.add(o.courseId);
  const items = await courseItems(
    db,
    scope,
    [...ids].filter((id) => id !== null),
  );
  const lessonsBy = group(lessons.map((l) => ({ ...l, course: l.courseId })));
  const [eventsBy, prevEventsBy, salesBy, prevSalesBy] = [
    group(events),
    group(prevEvents),
    group(sales),
    group(prevSales),
  ];
  const toSales = (rows: readonly CourseSaleRow[]): Sale[] =>
    rows.filter((r) => r.type === "refund" || r.currency === o.currency);
  const toEvents = (rows: readonly LearningEventRow[]): readonly LearningEvent[] => rows;
  return items
    .map((item) => {
      const specs: LessonSpec[] = lessonsBy.get(item.id) ?? [];
      const s = salesBy.get(item.id) ?? [];
      return {
        id: item.id,
        title: item.title,
        contentUpdatedAt:
          Math.max(0, ...specs.map((l) => (l as { contentUpdatedAt?: number }).contentUpdatedAt ?? 0)) ||
          item.updatedAt,
        lessonCount: specs.length,
        otherCurrencySales: s.filter((r) => r.type === "purchase" && r.currency !== o.currency).length,
        current: courseFigures(specs, toEvents(eventsBy.get(item.id) ?? []), toSales(s)),
        previous: courseFigures(
          specs,
          toEvents(prevEventsBy.get(item.id) ?? []),
          toSales(prevSalesBy.get(item.id) ?? []),
        ),
      };
    })
    .sort((a, b) => b.current.revenue_minor - a.current.revenue_minor || a.id.localeCompare(b.id));
}

export async function contentAttention(db: SiteDatabase, scope: SiteScope, o: CourseReportOptions, now: number) {
  return attentionList(await courseReports(db, scope, { ...o, courseId: null }), now);
}
