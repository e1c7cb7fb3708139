// Who can be at risk now, and their dropout features: every learner with learning activity in the
// last DROPOUT_HORIZON_DAYS (a learner quiet for longer has already stopped by the label's own
// definition) who has not finished (a certificate ends the risk, as it ends training's decision
// points). Features are computed over all the learner's courses, as training computed them; a
// course filter only chooses the learners (those with activity in that course).
import type { SiteDatabase } from "../../schema/databases";
import { DAY_MS } from "../../core/time";
import {
  DROPOUT_HORIZON_DAYS,
  dropoutFeatures,
  type BoughtCourse,
  type LearningFact,
} from "../../models/dropout/learner";
import type { FeatureRow } from "../../models/propensity/features";
import { TRAINING_WINDOW_DAYS } from "../recs/data";
import { loadBoughtCourses, loadLearningFacts } from "./train";

export interface AtRiskCandidate {
  user: string;
  lastActivityAt: number;
  /** Courses the learner has learning activity in, in order of first activity. */
  courses: string[];
  row: FeatureRow;
}

/** Pure: the candidates among loaded facts (each learner's facts oldest first). */
export function candidatesOf(
  facts: ReadonlyMap<string, readonly LearningFact[]>,
  now: number,
  course: string | null,
  bought: ReadonlyMap<string, readonly BoughtCourse[]> = new Map(),
): AtRiskCandidate[] {
  const out: AtRiskCandidate[] = [];
  for (const [user, list] of facts) {
    const last = list.at(-1);
    if (!last || now - last.ts > DROPOUT_HORIZON_DAYS * DAY_MS) continue;
    if (list.some((f) => f.type === "certificate")) continue;
    const courses = [...new Set(list.map((f) => f.course).filter((c): c is string => c !== null))];
    if (course !== null && !courses.includes(course)) continue;
    out.push({ user, lastActivityAt: last.ts, courses, row: dropoutFeatures(list, now, undefined, bought.get(user)) });
  }
  return out;
}

/** A site's at-risk candidates now, from the same learning events (and window) training reads. */
export async function atRiskCandidates(
  db: SiteDatabase,
  siteId: string,
  now: number,
  course: string | null,
): Promise<AtRiskCandidate[]> {
  const from = now - TRAINING_WINDOW_DAYS * DAY_MS;
  const [facts, bought] = await Promise.all([loadLearningFacts(db, siteId, from), loadBoughtCourses(db, siteId, from)]);
  return candidatesOf(facts, now, course, bought);
}
