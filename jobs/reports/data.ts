// The figures of one ROI email, from the same sums as the reports API (so they always agree):
// period totals against the previous period, channels by ROI, top campaigns, partners,
// recommendation performance, what moved most, and the daily series for the charts.
import { currencyDigits } from "../../core/money";
import { addDays, dayStart, daysBetween } from "../../core/time";
import type { ModelName } from "../../models/attribution/paths";
import { addSums, emptySums, type GroupSums, roiMetrics } from "../../models/attribution/roi";
import { type ReportIssue, sums } from "../../schema/queries/roi-sums";
import type { SiteRow } from "../../schema/queries/sites";

export { SECTIONS, type Section } from "../../models/reports/lists";
export type Metrics = ReturnType<typeof roiMetrics>;

export interface ReportData {
  site: { id: string; name: string; currency: string };
  model: ModelName;
  from: string;
  to: string;
  previous: { from: string; to: string };
  totals: Metrics;
  previousTotals: Metrics;
  channels: (Metrics & { channel: string })[];
  campaigns: (Metrics & { campaign: string })[];
  partners: (Metrics & { partner: string })[];
  recommendations: { clicks: number; purchases: number; revenue: number } | null;
  movers: { channel: string; revenue: number; previous: number; change: number }[];
  daily: { day: string; revenue: number; cost: number }[];
  issues: ReportIssue[];
}

const total = (groups: { sums: GroupSums }[]) => groups.reduce((t, g) => addSums(t, g.sums), emptySums());

export async function loadReportData(
  db: D1Database,
  site: SiteRow,
  model: ModelName,
  from: string,
  to: string,
): Promise<ReportData> {
  const scope = { siteId: site.id };
  const minor = 10 ** currencyDigits(site.currency);
  const length = daysBetween(from, to).length;
  const previous = { from: addDays(from, -length), to: addDays(from, -1) };
  const [current, before, campaigns, partners, daily] = await Promise.all([
    sums(db, scope, site, "channel", model, from, to, "total"),
    sums(db, scope, site, "channel", model, previous.from, previous.to, "total"),
    sums(db, scope, site, "campaign", model, from, to, "total"),
    sums(db, scope, site, "partner", model, from, to, "total"),
    sums(db, scope, site, "channel", model, from, to, "day"),
  ]);
  const channels = current.groups
    .map((g) => ({ channel: g.key, ...roiMetrics(g.sums, minor) }))
    .sort((a, b) => (b.roi ?? -Infinity) - (a.roi ?? -Infinity) || b.revenue - a.revenue);
  const previousRevenue = new Map(before.groups.map((g) => [g.key, roiMetrics(g.sums, minor).revenue]));
  const movers = channels
    .map((c) => ({ channel: c.channel, revenue: c.revenue, previous: previousRevenue.get(c.channel) ?? 0 }))
    .concat(
      before.groups
        .filter((g) => !channels.some((c) => c.channel === g.key))
        .map((g) => ({ channel: g.key, revenue: 0, previous: previousRevenue.get(g.key) ?? 0 })),
    )
    .map((m) => ({ ...m, change: Math.round((m.revenue - m.previous) * 100) / 100 }))
    .filter((m) => m.change !== 0)
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
    .slice(0, 3);
  const byDay = new Map<string, GroupSums>();
  for (const g of daily.groups) byDay.set(g.period, addSums(byDay.get(g.period) ?? emptySums(), g.sums));
  return {
    site: { id: site.id, name: site.name, currency: site.currency },
    model,
    from,
    to,
    previous,
    totals: roiMetrics(total(current.groups), minor),
    previousTotals: roiMetrics(total(before.groups), minor),
    channels,
    campaigns: campaigns.groups
      .map((g) => ({ campaign: g.key, ...roiMetrics(g.sums, minor) }))
      .filter((c) => c.revenue > 0 || c.cost > 0)
      .sort((a, b) => b.revenue - a.revenue)
      .slice(0, 5),
    partners: partners.groups
      .filter((g) => g.key !== "(none)")
      .map((g) => ({ partner: g.key, ...roiMetrics(g.sums, minor) }))
      .sort((a, b) => b.revenue - a.revenue),
    recommendations: await recommendationFigures(db, site, from, to),
    movers,
    daily: daysBetween(from, to).map((day) => {
      const s = byDay.get(day) ?? emptySums();
      return { day, revenue: s.revenueMinor / minor, cost: s.costMinor / minor };
    }),
    issues: [...current.issues, ...before.issues],
  };
}

/** Clicks on recommendations and purchases carrying a recommendation id, when the site has any. */
async function recommendationFigures(db: D1Database, site: SiteRow, from: string, to: string) {
  const { results } = await db
    .prepare(
      "SELECT type, count(*) AS n, coalesce(sum(CASE WHEN currency = ?4 THEN revenue_minor END), 0) AS revenue " +
        "FROM events WHERE site_id = ?1 AND rec_id IS NOT NULL AND ts >= ?2 AND ts < ?3 AND superseded = 0 " +
        "AND type IN ('click', 'purchase') GROUP BY type",
    )
    .bind(site.id, dayStart(from, site.timezone), dayStart(addDays(to, 1), site.timezone), site.currency)
    .all<{ type: string; n: number; revenue: number }>();
  if (results.length === 0) return null;
  const of = (type: string) => results.find((r) => r.type === type);
  return {
    clicks: of("click")?.n ?? 0,
    purchases: of("purchase")?.n ?? 0,
    revenue: (of("purchase")?.revenue ?? 0) / 10 ** currencyDigits(site.currency),
  };
}
