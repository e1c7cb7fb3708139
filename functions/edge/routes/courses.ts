// Courses: the structure of a catalog item (modules and lessons, ingest scope), and its learning
// reports: per course and lesson figures and the "content that needs attention" list (read scope).
import { type SiteDatabase, siteDatabase } from "../../../schema/databases";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { DAY_MS } from "../../../core/time";
import { toMajor } from "../../../core/money";
import { contentAttention, type CourseReport, courseReports } from "../../../jobs/learning";
import { ATTENTION_REASONS } from "../../../models/learning/attention";
import { LESSON_TYPES } from "../../../schema/learning-tables";
import { getItem } from "../../../schema/queries/items";
import { type LessonInput, lessonsOf, replaceLessons } from "../../../schema/queries/learning";
import { requireScope, siteScope } from "../auth";
import type { AppBindings } from "../env";
import { ApiError } from "../../shared/errors";
import { errors, iso, ItemId, json, SiteQuery } from "../../shared/openapi";
import { siteOr404 } from "../lib/sites";

export const courseRoutes = new OpenAPIHono<AppBindings>();
export const COURSE_MAX_LESSONS = 500;

const CourseParam = z.object({ id: ItemId.openapi({ param: { name: "id", in: "path" } }) });
const LessonIn = z.object({
  id: ItemId,
  title: z.string().trim().min(1).max(300),
  type: z.enum(LESSON_TYPES),
  duration_seconds: z.number().int().min(0).max(1e6).nullable().optional(),
  updated_at: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "Last content change; defaults to now." }),
});
const Structure = z
  .object({
    modules: z
      .array(z.object({ id: ItemId, title: z.string().trim().min(1).max(300), lessons: z.array(LessonIn).min(1) }))
      .max(100)
      .openapi({ description: "In course order; each module's lessons in order." }),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    let n = 0;
    b.modules.forEach((m, mi) =>
      m.lessons.forEach((l, li) => {
        n += 1;
        if (seen.has(l.id))
          ctx.addIssue({
            code: "custom",
            path: ["modules", mi, "lessons", li, "id"],
            message: "Lesson ids must be unique in a course.",
          });
        seen.add(l.id);
      }),
    );
    if (n > COURSE_MAX_LESSONS)
      ctx.addIssue({ code: "custom", path: ["modules"], message: `At most ${COURSE_MAX_LESSONS} lessons.` });
  })
  .openapi("CourseStructureInput");
const LessonOut = LessonIn.extend({
  position: z.number().int(),
  updated_at: z.string(),
  duration_seconds: z.number().nullable(),
});
const StructureOut = z
  .object({
    course_id: z.string(),
    modules: z.array(z.object({ id: z.string(), title: z.string(), lessons: z.array(LessonOut) })),
  })
  .openapi("CourseStructure");

async function structureView(
  db: SiteDatabase,
  siteId: string,
  courseId: string,
): Promise<z.infer<typeof StructureOut>> {
  const modules: z.infer<typeof StructureOut>["modules"] = [];
  for (const l of await lessonsOf(db, { siteId }, [courseId])) {
    let m = modules.at(-1);
    if (!m || m.id !== l.moduleId) modules.push((m = { id: l.moduleId, title: l.moduleTitle, lessons: [] }));
    m.lessons.push({
      id: l.id,
      title: l.title,
      type: l.type,
      duration_seconds: l.durationSeconds,
      position: l.position,
      updated_at: iso(l.contentUpdatedAt),
    });
  }
  return { course_id: courseId, modules };
}

async function courseOr404(db: SiteDatabase, siteId: string, id: string) {
  const item = await getItem(db, { siteId }, id);
  if (!item)
    throw new ApiError(404, "unknown_course", "No such course in the catalog.", [
      { path: "id", message: `No catalog item ${id}: send it with PUT /api/v1/items/{id} first.` },
    ]);
  return item;
}

courseRoutes.openapi(
  createRoute({
    method: "put",
    path: "/api/v1/items/{id}/lessons",
    tags: ["Catalog"],
    summary: "Replace a course's modules and lessons (ingest scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("ingest")] as const,
    request: { params: CourseParam, query: SiteQuery, body: { ...json(Structure), required: true } },
    responses: {
      200: { description: "Stored", ...json(StructureOut) },
      400: { description: "Invalid", ...errors },
      404: { description: "Unknown course", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const id = c.req.valid("param").id;
    await courseOr404(siteDatabase(c.env, scope.siteId), scope.siteId, id);
    const now = Date.now();
    let position = 0;
    const rows: LessonInput[] = c.req.valid("json").modules.flatMap((m) =>
      m.lessons.map((l) => ({
        id: l.id,
        moduleId: m.id,
        moduleTitle: m.title,
        position: position++,
        title: l.title,
        type: l.type,
        durationSeconds: l.duration_seconds ?? null,
        contentUpdatedAt: l.updated_at ? Date.parse(l.updated_at) : now,
      })),
    );
    await replaceLessons(siteDatabase(c.env, scope.siteId), scope, id, rows, now);
    return c.json(await structureView(siteDatabase(c.env, scope.siteId), scope.siteId, id), 200);
  },
);

courseRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/items/{id}/lessons",
    tags: ["Catalog"],
    summary: "A course's modules and lessons (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: CourseParam, query: SiteQuery },
    responses: {
      200: { description: "The structure", ...json(StructureOut) },
      404: { description: "Unknown course", ...errors },
    },
  }),
  async (c) => {
    const scope = siteScope(c);
    const id = c.req.valid("param").id;
    await courseOr404(siteDatabase(c.env, scope.siteId), scope.siteId, id);
    return c.json(await structureView(siteDatabase(c.env, scope.siteId), scope.siteId, id), 200);
  },
);

const rate = z.number().nullable();
const LessonFigures = z
  .object({
    id: z.string(),
    title: z.string(),
    module_id: z.string(),
    position: z.number().int(),
    type: z.enum(LESSON_TYPES),
    views: z.number().int().openapi({ description: "lesson_start events, re-watches included." }),
    learners: z.number().int(),
    completed: z.number().int(),
    completion_rate: rate,
    average_watch_percent: rate,
    rewatches: z.number().int(),
    stopped_here: z
      .number()
      .int()
      .openapi({ description: "Learners whose furthest lesson is this one, course not completed." }),
    drop_off_rate: rate.openapi({ description: "stopped_here / learners." }),
    quiz: z
      .object({
        submissions: z.number().int(),
        learners: z.number().int(),
        passed_learners: z.number().int(),
        pass_rate: rate,
        average_score: rate,
      })
      .nullable(),
  })
  .openapi("LessonFigures");
const Figures = z.object({
  enrolments: z.number().int().openapi({ description: "Learners who bought the course or started a lesson." }),
  purchases: z.number().int(),
  free_enrolments: z.number().int(),
  starts: z.number().int(),
  active_learners: z.number().int(),
  completions: z.number().int(),
  completion_rate: rate,
  median_hours_to_complete: rate,
  watch_through: z.array(z.object({ percent: z.number(), share: rate })),
  quiz_pass_rate: rate,
  ratings: z.object({ count: z.number().int(), average: rate, previous_average: rate, trend: rate }),
  refund_rate: rate,
  revenue: z.number().openapi({ description: "Major units of the site's currency." }),
  recommendation_share: rate.openapi({
    description: "Share of enrolments whose purchase or lesson start carried a rec_id.",
  }),
  median_drop_off_rate: rate,
  content_updated_at: z.string(),
  lessons: z.array(LessonFigures),
});
const CourseReportOut = Figures.extend({ course_id: z.string(), title: z.string() }).openapi("CourseReport");
const Window = z.object({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(30)
    .openapi({ description: "The window: the last N days, compared with the N before." }),
});
const Range = z.object({ from: z.string(), to: z.string(), currency: z.string() });

function reportView(r: CourseReport, currency: string): z.infer<typeof CourseReportOut> {
  const { revenue_minor, ratings, ...rest } = r.current;
  const before = r.previous.ratings.average;
  return {
    course_id: r.id,
    title: r.title,
    ...rest,
    ratings: {
      ...ratings,
      previous_average: before,
      trend: ratings.average === null || before === null ? null : Math.round((ratings.average - before) * 100) / 100,
    },
    revenue: toMajor(revenue_minor, currency),
    content_updated_at: iso(r.contentUpdatedAt),
  };
}

const windowOf = (days: number, now: number) => ({ fromMs: now - days * DAY_MS, toMs: now });

courseRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/courses",
    tags: ["Courses"],
    summary: "Learning figures of every course with a structure or activity (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery.extend(Window.shape) },
    responses: {
      200: { description: "Per course and lesson", ...json(Range.extend({ data: z.array(CourseReportOut) })) },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const site = await siteOr404(c.env.DB, siteScope(c, q.site_id));
    const w = windowOf(q.days, Date.now());
    const rows = await courseReports(
      siteDatabase(c.env, site.id),
      { siteId: site.id },
      { ...w, courseId: null, currency: site.currency },
    );
    return c.json(
      {
        from: iso(w.fromMs),
        to: iso(w.toMs),
        currency: site.currency,
        data: rows.map((r) => reportView(r, site.currency)),
      },
      200,
    );
  },
);

courseRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/courses/attention",
    tags: ["Courses"],
    summary: "Content that needs attention, ranked by revenue at stake (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { query: SiteQuery.extend(Window.shape) },
    responses: {
      200: {
        description:
          "Courses and lessons whose engagement or ratings fall, whose drop-off is far above the course median, or stale",
        ...json(
          Range.extend({
            data: z.array(
              z.object({
                course_id: z.string(),
                course_title: z.string(),
                lesson_id: z.string().nullable(),
                lesson_title: z.string().nullable(),
                reasons: z.array(z.enum(ATTENTION_REASONS)),
                detail: z.string(),
                revenue_at_stake: z.number(),
              }),
            ),
          }).openapi("ContentAttention"),
        ),
      },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const site = await siteOr404(c.env.DB, siteScope(c, q.site_id));
    const now = Date.now();
    const w = windowOf(q.days, now);
    const list = await contentAttention(
      siteDatabase(c.env, site.id),
      { siteId: site.id },
      { ...w, courseId: null, currency: site.currency },
      now,
    );
    const data = list.map(({ revenue_at_stake_minor, ...e }) => ({
      ...e,
      revenue_at_stake: toMajor(revenue_at_stake_minor, site.currency),
    }));
    return c.json({ from: iso(w.fromMs), to: iso(w.toMs), currency: site.currency, data }, 200);
  },
);

courseRoutes.openapi(
  createRoute({
    method: "get",
    path: "/api/v1/courses/{id}",
    tags: ["Courses"],
    summary: "One course's learning figures, lesson by lesson (read scope)",
    security: [{ bearer: [] }],
    middleware: [requireScope("read")] as const,
    request: { params: CourseParam, query: SiteQuery.extend(Window.shape) },
    responses: {
      200: { description: "The course", ...json(Range.extend({ data: CourseReportOut })) },
      404: { description: "Unknown course", ...errors },
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const site = await siteOr404(c.env.DB, siteScope(c, q.site_id));
    const id = c.req.valid("param").id;
    await courseOr404(siteDatabase(c.env, site.id), site.id, id);
    const w = windowOf(q.days, Date.now());
    const [row] = await courseReports(
      siteDatabase(c.env, site.id),
      { siteId: site.id },
      { ...w, courseId: id, currency: site.currency },
    );
    return c.json(
      { from: iso(w.fromMs), to: iso(w.toMs), currency: site.currency, data: reportView(row!, site.currency) },
      200,
    );
  },
);
