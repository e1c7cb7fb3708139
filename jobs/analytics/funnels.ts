// A funnel over a site's stored events. The read depends on the order mode: `sequential` needs
// only events that can match a step; `strict` needs every event of each visitor who reached step 1
// (another event between two steps breaks the chain), so it reads all of theirs in the range.
import type { SiteDatabase } from "../../schema/databases";
import { MEASUREMENT_TYPES } from "../../models/analytics/events";
import { funnel, type FunnelBreakdown, type FunnelOrder, type FunnelResult } from "../../models/analytics/funnels";
import type { Goal } from "../../models/analytics/goals";
import { MAX_ANALYSIS_ROWS } from "../../schema/limits";
import {
  allOf,
  anyOf,
  countEvents,
  eventsPage,
  goalCondition,
  learnersWith,
  type Selection,
  type TimeRange,
  typeNotIn,
} from "../../schema/queries/analytics";
import type { SiteRow } from "../../schema/queries/sites";
import { eventKey, firstKey, missingRateNote, readPages, RowBudget, siteRevenue } from "./read";

export interface FunnelRequest {
  steps: Goal[];
  windowMs: number;
  order: FunnelOrder;
  breakdown?: FunnelBreakdown;
  range: TimeRange;
}

export interface FunnelAnswer {
  result: FunnelResult;
  rowsRead: number;
  notes: string[];
}

export async function runFunnel(db: SiteDatabase, site: SiteRow, req: FunnelRequest): Promise<FunnelAnswer> {
  const scope = { siteId: site.id };
  const sel: Selection =
    req.order === "sequential"
      ? { where: anyOf(req.steps.map((g) => goalCondition(g, "e"))) }
      : {
          where: allOf(
            typeNotIn([...MEASUREMENT_TYPES]),
            learnersWith(scope, req.range, goalCondition(req.steps[0]!, "s")),
          ),
        };
  const columns = {
    props: req.steps.some((g) => g.kind === "event" && (g.filters?.length ?? 0) > 0),
    attribution: req.breakdown !== undefined,
  };
  const budget = new RowBudget(MAX_ANALYSIS_ROWS);
  const intern = new Map<string, string>();
  const rows = await readPages(
    budget,
    await countEvents(db, scope, req.range, sel),
    firstKey(req.range.from),
    (after, limit) => eventsPage(db, scope, req.range, sel, after, limit, intern, columns),
    eventKey,
  );
  let notes: string[] = [];
  // Only a purchase step with a minimum reads revenue; the models need it in the site's currency.
  if (req.steps.some((g) => g.kind === "purchase" && (g.minRevenueMinor ?? 0) > 0)) {
    notes = missingRateNote((await siteRevenue(db, scope, site)).convert(rows), site.currency);
  }
  const result = funnel(rows, {
    steps: req.steps,
    windowMs: req.windowMs,
    order: req.order,
    ...(req.breakdown && { breakdown: req.breakdown }),
  });
  return { result, rowsRead: budget.read, notes };
}
