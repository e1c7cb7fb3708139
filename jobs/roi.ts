// The ROI figures service: the one way to read ROI figures. The reports API (/roi, /overview,
// /budget), the ROI emails and the threshold alerts all ask it, with one options object, so a site
// and range show the same revenue, cost, ROI and previous period wherever they are read.
import type { SiteDatabase } from "../schema/databases";
import { previousPeriod } from "../core/time";
import type { Dimension } from "../models/attribution/credit";
import type { ModelName } from "../models/attribution/paths";
import { type GroupSums, type Metrics, type Period, roiMetrics, totalOf } from "../models/attribution/roi";
import { type ReportIssue, roiSums } from "../schema/queries/roi-sums";
import type { SiteRow } from "../schema/queries/sites";
import { rangeVisitors } from "./range-visitors";

export interface RoiOptions {
  site: SiteRow;
  /** First and last local day (the site's time zone), inclusive. */
  from: string;
  to: string;
  model: ModelName;
  /** Default: channel. */
  groupBy?: Dimension;
  /** Default: total (one bucket for the whole range). */
  period?: Period;
  /** Also read the previous period (core/time.ts previousPeriod: as many local days, ending the day before `from`). */
  compare?: boolean;
  /**
   * Count the totals' visitors once over each whole range (jobs/range-visitors.ts) instead of adding
   * the rollup's daily, per-group counts, which count a visitor once per day and group. Costs one
   * scan of the range's events per period, so only readers that show total visitors ask for it.
   */
  distinctVisitors?: boolean;
}

export interface RoiGroup {
  /** The bucket's first day (periodOf). */
  period: string;
  /** The channel, source, campaign or partner. */
  key: string;
  /** Minor units, for arithmetic across groups. */
  sums: GroupSums;
  /** Major units, as reports show them. */
  metrics: Metrics;
}

export interface RoiPeriod {
  from: string;
  to: string;
  groups: RoiGroup[];
  totals: Metrics;
}

export interface RoiFigures<Compare extends boolean = boolean> extends RoiPeriod {
  currency: string;
  model: ModelName;
  groupBy: Dimension;
  period: Period;
  /** The previous period's figures when asked for (`compare: true`). */
  previous: Compare extends true ? RoiPeriod : null;
  /** Problems behind the figures (missing exchange rates), of both periods when compared. */
  issues: ReportIssue[];
}

export async function roiFigures<Compare extends boolean = false>(
  db: SiteDatabase,
  o: RoiOptions & { compare?: Compare },
): Promise<RoiFigures<Compare>> {
  const { site, model } = o;
  const groupBy = o.groupBy ?? "channel";
  const period = o.period ?? "total";
  const read = async (from: string, to: string) => {
    const { groups, issues } = await roiSums(
      db,
      { siteId: site.id },
      { currency: site.currency, groupBy, model, from, to, period },
    );
    const total = totalOf(groups);
    if (o.distinctVisitors) total.visitors = (await rangeVisitors(db, site, from, to)) ?? total.visitors;
    const figures: RoiPeriod = {
      from,
      to,
      groups: groups.map((g) => ({ ...g, metrics: roiMetrics(g.sums, site.currency) })),
      totals: roiMetrics(total, site.currency),
    };
    return { figures, issues };
  };
  const before = o.compare ? previousPeriod(o.from, o.to) : null;
  const [current, previous] = await Promise.all([
    read(o.from, o.to),
    before ? read(before.from, before.to) : Promise.resolve(null),
  ]);
  return {
    ...current.figures,
    currency: site.currency,
    model,
    groupBy,
    period,
    previous: (previous?.figures ?? null) as RoiFigures<Compare>["previous"],
    issues: [...current.issues, ...(previous?.issues ?? [])],
  };
}
