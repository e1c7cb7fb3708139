// A retention matrix over a site's stored data. Cohort members are learners whose first visit,
// sign-up or purchase ever (in the stored history) falls in the range, so someone who first came
// last year and returns this month is not a new cohort member. Their activity in the range comes
// from sessions (`any`: a session is activity, as fromSession() says), lesson events or
// purchases; purchases are always read for revenue retention, in the site's currency.
import type { SiteDatabase } from "../../schema/databases";
import { type AnalyticsEvent, SESSION_EVENT_TYPE } from "../../models/analytics/events";
import {
  type CohortBy,
  retention,
  type RetentionPeriod,
  type RetentionResult,
  type ReturnOn,
} from "../../models/analytics/retention";
import { ANALYSIS_KEY_PAGE_ROWS, MAX_ANALYSIS_ROWS } from "../../schema/limits";
import {
  anyOf,
  cohortPage,
  countEvents,
  countSessions,
  eventsPage,
  lessonCondition,
  type Selection,
  sessionsPage,
  type TimeRange,
  typeIn,
} from "../../schema/queries/analytics";
import type { SiteRow } from "../../schema/queries/sites";
import { eventKey, firstKey, missingRateNote, readPages, RowBudget, siteRevenue } from "./read";

export interface RetentionRequest {
  cohortBy: CohortBy;
  period: RetentionPeriod;
  returnOn: ReturnOn;
  range: TimeRange;
  /** The range as local days (site time zone), for the cohorts kept. */
  days: { from: string; to: string };
  periods: number;
  /** Cells of periods starting after this are not observable yet. */
  asOf: number;
}

/** The event that dates a cohort member, made from their first cohort time (first_purchase reads the purchase itself). */
const COHORT_EVENT: Partial<Record<CohortBy, string>> = { first_visit: SESSION_EVENT_TYPE, signup: "signup" };

export async function runRetention(
  db: SiteDatabase,
  site: SiteRow,
  req: RetentionRequest,
): Promise<{ result: RetentionResult; rowsRead: number; notes: string[] }> {
  const scope = { siteId: site.id };
  const budget = new RowBudget(MAX_ANALYSIS_ROWS);
  const intern = new Map<string, string>();
  // Counting cohort members costs what reading them does (a grouping of the history): counted per page.
  const members = await readPages(
    budget,
    null,
    "",
    (after, limit) => cohortPage(db, scope, req.cohortBy, req.range, after, limit),
    (m) => m.learner,
    ANALYSIS_KEY_PAGE_ROWS,
  );
  const sel: Selection =
    req.returnOn === "lesson"
      ? { where: anyOf([typeIn(["purchase"]), lessonCondition("e")]) }
      : { where: typeIn(["purchase"]), index: "events_site_type_ts" };
  const rows = await readPages(
    budget,
    await countEvents(db, scope, req.range, sel),
    firstKey(req.range.from),
    (after, limit) => eventsPage(db, scope, req.range, sel, after, limit, intern),
    eventKey,
  );
  const sessions =
    req.returnOn === "any"
      ? await readPages(
          budget,
          await countSessions(db, scope, req.range),
          firstKey(req.range.from),
          (after, limit) => sessionsPage(db, scope, req.range, after, limit, intern),
          eventKey,
        )
      : [];
  const missing = (await siteRevenue(db, scope, site)).convert(rows);

  // Cohort events first, so an event at the same millisecond sorts after the one it follows.
  const cohortType = COHORT_EVENT[req.cohortBy];
  const events: AnalyticsEvent[] = cohortType
    ? members.map((m) => ({
        visitorId: m.learner,
        ts: m.first,
        type: cohortType,
        name: null,
        path: null,
        revenueMinor: null,
      }))
    : [];
  const inCohort = new Set(members.map((m) => m.learner));
  for (const list of [rows, sessions]) for (const r of list) if (inCohort.has(r.visitorId)) events.push(r);

  const result = retention(events, {
    cohortBy: req.cohortBy,
    period: req.period,
    returnOn: req.returnOn,
    timeZone: site.timezone,
    periods: req.periods,
    asOf: req.asOf,
    cohortsFrom: req.days.from,
    cohortsTo: req.days.to,
  });
  return { result, rowsRead: budget.read, notes: missingRateNote(missing, site.currency) };
}
