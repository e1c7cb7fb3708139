// Learning events must name a course of the catalog and, when they name a lesson, one of its
// lessons (PUT /api/v1/items/{id}/lessons). Checked per event on both capture paths, so an event
// with an unknown reference is rejected by index and the good events beside it are kept.
import type { SiteDatabase } from "../../../schema/databases";
import { LEARNING_EVENT_TYPES, LEARNING_PROPS } from "../../../core/event";
import { knownCourses } from "../../../schema/queries/learning";
import type { Issue } from "../../shared/errors";

/** A per-event rejection (accept.ts's Rejection). */
interface Rejection {
  index: number;
  code: string;
  issues: Issue[];
}

const LEARNING = new Set<string>(LEARNING_EVENT_TYPES);

/** The courses a batch's learning events name, looked up once per batch (nothing when there are none). */
export async function learningCatalog(db: SiteDatabase, siteId: string, raw: readonly unknown[]) {
  const ids = new Set<string>();
  for (const e of raw) {
    const r = e as { type?: unknown; props?: Record<string, unknown> } | null;
    const course = r?.props?.[LEARNING_PROPS.course];
    if (r && typeof r.type === "string" && LEARNING.has(r.type) && typeof course === "string") ids.add(course);
  }
  return ids.size ? knownCourses(db, { siteId }, [...ids]) : new Map<string, Set<string>>();
}

export function unknownReference(
  e: { type: string; props?: Record<string, unknown> },
  catalog: Map<string, Set<string>>,
  index: number,
): Rejection | null {
  if (!LEARNING.has(e.type)) return null;
  const course = e.props?.[LEARNING_PROPS.course] as string;
  const lesson = e.props?.[LEARNING_PROPS.lesson] as string | undefined;
  const lessons = catalog.get(course);
  if (!lessons) {
    const message = `No catalog item ${course}: send it with PUT /api/v1/items/{id} first.`;
    return { index, code: "unknown_course", issues: [{ path: `events.${index}.props.course_id`, message }] };
  }
  if (lesson !== undefined && lesson !== null && !lessons.has(lesson)) {
    const message = `Course ${course} has no lesson ${lesson} (PUT /api/v1/items/${course}/lessons).`;
    return { index, code: "unknown_lesson", issues: [{ path: `events.${index}.props.lesson_id`, message }] };
  }
  return null;
}
