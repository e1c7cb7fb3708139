// "Content that needs attention": courses and lessons whose engagement or ratings fall, lessons whose
// drop-off is far above their course's median, and courses not updated for long while engagement
// declines; ranked by the revenue at stake. Pure: it compares a window's figures with the previous one.
import type { CourseFigures } from "./course";

/** Below these volumes a change is noise, not a signal. */
export const ATTENTION_MIN_LEARNERS = 5;
export const ATTENTION_MIN_RATINGS = 3;
/** Engagement "falls" when active learners drop by at least this share. */
export const ENGAGEMENT_FALL = 0.3;
/** Ratings "fall" by at least this many stars on average. */
export const RATING_FALL = 0.5;
/** A lesson's drop-off is "far above" the median at twice it and at least this many points more. */
export const DROP_OFF_MARGIN = 0.1;
export const STALE_DAYS = 180;

export const ATTENTION_REASONS = ["engagement_falling", "ratings_falling", "drop_off_high", "stale_content"] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

export interface CourseWindow {
  id: string;
  title: string;
  /** Latest content update: the newest lesson's date, else the catalog item's. */
  contentUpdatedAt: number;
  current: CourseFigures;
  previous: CourseFigures;
}

export interface AttentionEntry {
  course_id: string;
  course_title: string;
  lesson_id: string | null;
  lesson_title: string | null;
  reasons: AttentionReason[];
  detail: string;
  /** Minor units: the course's revenue in the window (the previous one when higher); for a lesson, the share lost there above the course's median. */
  revenue_at_stake_minor: number;
}

const falling = (now: number, before: number) =>
  before >= ATTENTION_MIN_LEARNERS && now <= before * (1 - ENGAGEMENT_FALL);

export function attentionList(courses: readonly CourseWindow[], now: number): AttentionEntry[] {
  const out: AttentionEntry[] = [];
  for (const c of courses) {
    const stake = Math.max(c.current.revenue_minor, c.previous.revenue_minor);
    const reasons: AttentionReason[] = [];
    const details: string[] = [];
    const active = c.current.active_learners;
    const before = c.previous.active_learners;
    if (falling(active, before)) {
      reasons.push("engagement_falling");
      details.push(`active learners ${before} → ${active}`);
    }
    const r = c.current.ratings;
    const rb = c.previous.ratings;
    if (
      r.count >= ATTENTION_MIN_RATINGS &&
      rb.count >= ATTENTION_MIN_RATINGS &&
      r.average !== null &&
      rb.average !== null &&
      rb.average - r.average >= RATING_FALL
    ) {
      reasons.push("ratings_falling");
      details.push(`rating ${rb.average.toFixed(1)} → ${r.average.toFixed(1)}`);
    }
    const staleDays = Math.floor((now - c.contentUpdatedAt) / 86_400_000);
    if (staleDays >= STALE_DAYS && active < before) {
      reasons.push("stale_content");
      details.push(`not updated for ${staleDays} days`);
    }
    if (reasons.length)
      out.push({
        course_id: c.id,
        course_title: c.title,
        lesson_id: null,
        lesson_title: null,
        reasons,
        detail: details.join("; "),
        revenue_at_stake_minor: stake,
      });

    const mid = c.current.median_drop_off_rate;
    for (const l of c.current.lessons) {
      const lb = c.previous.lessons.find((p) => p.id === l.id);
      const lr: AttentionReason[] = [];
      const ld: string[] = [];
      let excess = 0;
      if (
        mid !== null &&
        l.learners >= ATTENTION_MIN_LEARNERS &&
        l.drop_off_rate !== null &&
        l.drop_off_rate >= 2 * mid &&
        l.drop_off_rate >= mid + DROP_OFF_MARGIN
      ) {
        lr.push("drop_off_high");
        excess = l.drop_off_rate - mid;
        ld.push(`drop-off ${Math.round(l.drop_off_rate * 100)}% vs course median ${Math.round(mid * 100)}%`);
      }
      if (lb && falling(l.learners, lb.learners)) {
        lr.push("engagement_falling");
        excess = Math.max(excess, 1 - l.learners / lb.learners);
        ld.push(`learners ${lb.learners} → ${l.learners}`);
      }
      if (lr.length)
        out.push({
          course_id: c.id,
          course_title: c.title,
          lesson_id: l.id,
          lesson_title: l.title,
          reasons: lr,
          detail: ld.join("; "),
          revenue_at_stake_minor: Math.round(stake * excess),
        });
    }
  }
  return out.sort(
    (a, b) =>
      b.revenue_at_stake_minor - a.revenue_at_stake_minor ||
      b.reasons.length - a.reasons.length ||
      a.course_id.localeCompare(b.course_id) ||
      (a.lesson_id ?? "").localeCompare(b.lesson_id ?? ""),
  );
}
