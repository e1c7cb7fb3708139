// Course structure: the modules and lessons of a catalog item (a course), in order. Replaced whole per
// course by PUT /api/v1/items/{id}/lessons; read by capture (are a learning event's course and lesson
// known?) and by the course reports (lesson order for drop-off, durations for watch percentages).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const LESSON_TYPES = ["video", "article", "quiz", "live"] as const;
export type LessonType = (typeof LESSON_TYPES)[number];

export const lessons = sqliteTable(
  "lessons",
  {
    siteId: text("site_id").notNull(),
    /** The catalog item (items.id) this lesson belongs to. */
    courseId: text("course_id").notNull(),
    id: text("id").notNull(),
    moduleId: text("module_id").notNull(),
    moduleTitle: text("module_title").notNull(),
    /** Position of the lesson in the whole course (0-based, modules in order then lessons in order). */
    position: integer("position").notNull(),
    title: text("title").notNull(),
    type: text("type", { enum: LESSON_TYPES }).notNull(),
    /** Length in seconds (video, live) or expected reading time (article); null when unknown. */
    durationSeconds: integer("duration_seconds"),
    /** When the site last changed the lesson's content (as the site reports it). */
    contentUpdatedAt: integer("content_updated_at").notNull(),
    storedAt: integer("stored_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.courseId, t.id] }),
    index("lessons_site_course_position").on(t.siteId, t.courseId, t.position),
  ],
);
