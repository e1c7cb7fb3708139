// The figures of one ROI email, from the ROI figures service the reports API uses (so they agree):
// period totals against the previous period, channels by ROI, top campaigns, partners,
// recommendation performance, what moved most, and the daily series for the charts.
import type { SiteDatabase } from "../../schema/databases";
import { toMajor } from "../../core/money";
import { addDays, dayStart, daysBetween } from "../../core/time";
import type { ModelName } from "../../models/attribution/paths";
import { emptySums, type Metrics, sumsByPeriod } from "../../models/attribution/roi";
import { recommendationTotals, type ReportIssue } from "../../schema/queries/roi-sums";
import type { SiteRow } from "../../schema/queries/sites";
import { roiFigures } from "../roi";
import { type ReportExperiment, runningExperiments } from "./experiments";
import { seoEmailFigures } from "../seo/report";
import { contentAttention } from "../learning";
import type { AttentionReason } from "../../models/learning/attention";

export { SECTIONS, type Section } from "../../models/reports/lists";
export type { Metrics };

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
  /** Running experiments, their primary metric from start to the report's end. */
  experiments: ReportExperiment[];
  /** Search: the latest audit's counts and top striking-distance queries (null: no SEO data). */
  seo: Awaited<ReturnType<typeof seoEmailFigures>>;
  /** Content that needs attention (courses and lessons), top 5 by revenue at stake. */
  courses: { name: string; reasons: AttentionReason[]; revenueAtStake: number }[];
}

export async function loadReportData(
  db: SiteDatabase,
  site: SiteRow,
  model: ModelName,
  from: string,
  to: string,
): Promise<ReportData> {
  const range = { site, model, from, to };
  const [current, campaigns, partners, daily] = await Promise.all([
    roiFigures(db, { ...range, groupBy: "channel", compare: true, distinctVisitors: true }),
    roiFigures(db, { ...range, groupBy: "campaign" }),
    roiFigures(db, { ...range, groupBy: "partner" }),
    roiFigures(db, { ...range, groupBy: "channel", period: "day" }),
  ]);
  const previous = current.previous;
  const channels = current.groups
    .map((g) => ({ channel: g.key, ...g.metrics }))
    .sort((a, b) => (b.roi ?? -Infinity) - (a.roi ?? -Infinity) || b.revenue - a.revenue);
  const previousRevenue = new Map(previous.groups.map((g) => [g.key, g.metrics.revenue]));
  const movers = channels
    .map((c) => ({ channel: c.channel, revenue: c.revenue, previous: previousRevenue.get(c.channel) ?? 0 }))
    .concat(
      previous.groups
        .filter((g) => !channels.some((c) => c.channel === g.key))
        .map((g) => ({ channel: g.key, revenue: 0, previous: previousRevenue.get(g.key) ?? 0 })),
    )
    .map((m) => ({ ...m, change: Math.round((m.revenue - m.previous) * 100) / 100 }))
    .filter((m) => m.change !== 0)
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
    .slice(0, 3);
  const byDay = sumsByPeriod(daily.groups);
  return {
    site: { id: site.id, name: site.name, currency: site.currency },
    model,
    from,
    to,
    previous: { from: previous.from, to: previous.to },
    totals: current.totals,
    previousTotals: previous.totals,
    channels,
    campaigns: campaigns.groups
      .map((g) => ({ campaign: g.key, ...g.metrics }))
      .filter((c) => c.revenue > 0 || c.cost > 0)
      .sort((a, b) => b.revenue - a.revenue)
      .slice(0, 5),
    partners: partners.groups
      .filter((g) => g.key !== "(none)")
      .map((g) => ({ partner: g.key, ...g.metrics }))
      .sort((a, b) => b.revenue - a.revenue),
    recommendations: await recommendationFigures(db, site, from, to),
    movers,
    daily: daysBetween(from, to).map((day) => {
      const s = byDay.get(day) ?? emptySums();
      return { day, revenue: toMajor(s.revenueMinor, site.currency), cost: toMajor(s.costMinor, site.currency) };
    }),
    issues: current.issues,
    experiments: await runningExperiments(db, site, to),
    seo: await seoEmailFigures(db, { site, from, to }),
    courses: await courseAttention(db, site, from, to),
  };
}

/** Clicks on recommendations and purchases carrying a recommendation id, when the site has any. */
async function recommendationFigures(db: SiteDatabase, site: SiteRow, from: string, to: string) {
  const totals = await recommendationTotals(
    db,
    { siteId: site.id },
    {
      fromMs: dayStart(from, site.timezone),
      toMs: dayStart(addDays(to, 1), site.timezone),
      currency: site.currency,
    },
  );
  if (!totals) return null;
  return {
    clicks: totals.clicks,
    purchases: totals.purchases,
    revenue: toMajor(totals.revenueMinor, site.currency),
  };
}

/** The "needs attention" list over the report's days, against the days before (jobs/learning.ts). */
async function courseAttention(db: SiteDatabase, site: SiteRow, from: string, to: string) {
  const fromMs = dayStart(from, site.timezone);
  const toMs = dayStart(addDays(to, 1), site.timezone);
  const list = await contentAttention(
    db,
    { siteId: site.id },
    { fromMs, toMs, courseId: null, currency: site.currency },
    toMs,
  );
  return list.slice(0, 5).map((e) => ({
    name: e.lesson_title ? `${e.course_title} / ${e.lesson_title}` : e.course_title,
    reasons: e.reasons,
    revenueAtStake: toMajor(e.revenue_at_stake_minor, site.currency),
  }));
}
