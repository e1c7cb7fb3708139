// Journeys over a site's stored events: only the visits (sessions) that reach the anchor are read,
// without the event types journeys leave out, and models/analytics/journeys.ts draws the paths.
import type { SiteDatabase } from "../../schema/databases";
import type { Goal } from "../../models/analytics/goals";
import { JOURNEY_SKIP_TYPES, journeys, type JourneyResult } from "../../models/analytics/journeys";
import { MAX_ANALYSIS_ROWS } from "../../schema/limits";
import {
  allOf,
  countEvents,
  eventsPage,
  goalCondition,
  type Selection,
  type TimeRange,
  typeNotIn,
  visitsWith,
} from "../../schema/queries/analytics";
import type { SiteScope } from "../../schema/queries/scope";
import { eventKey, firstKey, readPages, RowBudget } from "./read";

export interface JourneyRequest {
  direction: "from" | "into";
  anchor: Goal;
  steps: number;
  topN: number;
  range: TimeRange;
}

export async function runJourneys(
  db: SiteDatabase,
  scope: SiteScope,
  req: JourneyRequest,
): Promise<{ result: JourneyResult; rowsRead: number }> {
  const sel: Selection = {
    where: allOf(typeNotIn(JOURNEY_SKIP_TYPES), visitsWith(scope, req.range, goalCondition(req.anchor, "s"))),
  };
  const props = req.anchor.kind === "event" && (req.anchor.filters?.length ?? 0) > 0;
  const budget = new RowBudget(MAX_ANALYSIS_ROWS);
  const intern = new Map<string, string>();
  const rows = await readPages(
    budget,
    await countEvents(db, scope, req.range, sel),
    firstKey(req.range.from),
    (after, limit) => eventsPage(db, scope, req.range, sel, after, limit, intern, { props, visits: true }),
    eventKey,
  );
  const result = journeys(rows, {
    direction: req.direction,
    anchor: req.anchor,
    steps: req.steps,
    topN: req.topN,
  });
  return { result, rowsRead: budget.read };
}
