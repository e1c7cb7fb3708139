// The hourly report job: every subscription whose period is due gets its report, exactly once per
// period and recipient; failed sends are retried with backoff; then the alert rules are checked.
import { readEachDatabase, type SiteDatabase, siteDatabase } from "../../schema/databases";
import type { MailEnv } from "../../core/env";
import { type MessageKey, t } from "../../core/messages";
import { addDays, localDay } from "../../core/time";
import { duePeriod, periodFromKey } from "../../models/reports/schedule";
import { activeSubscriptions, sendsDueForRetry, type SubscriptionRow } from "../../schema/queries/mail";
import { getSite, type SiteRow } from "../../schema/queries/sites";
import { forEachSite } from "../each-site";
import { runAlerts } from "./alerts";
import { revenueCostSvg, roiByChannelSvg } from "./charts";
import { loadReportData } from "./data";
import { svgToPng } from "./png";
import { CHART_CIDS, formatters, readerLocale, renderHtml, renderText } from "./render";
import { addSends, type MailContent, noSends, type SendCounts, sendToList } from "./send";

/** Builds the report once (figures and charts); each recipient gets it with their own unsubscribe link. */
export async function reportContent(
  db: SiteDatabase,
  site: SiteRow,
  sub: Pick<SubscriptionRow, "frequency" | "model" | "sections" | "name" | "language">,
  from: string,
  to: string,
  test = false,
) {
  const data = await loadReportData(db, site, sub.model, from, to);
  const sections = sub.sections;
  const images = sections.includes("charts")
    ? [
        {
          cid: CHART_CIDS.revenueCost,
          filename: "revenue-cost.png",
          content: await svgToPng(revenueCostSvg(data.daily, site.currency), 1200),
        },
        {
          cid: CHART_CIDS.roiByChannel,
          filename: "roi-by-channel.png",
          content: await svgToPng(roiByChannelSvg(data.channels), 1200),
        },
      ]
    : [];
  const locale = readerLocale(site, sub);
  const f = formatters(site.currency, locale);
  const title = t(locale, `report.title.${sub.frequency}` as MessageKey, { site: site.name });
  const change = f.change(data.totals.revenue, data.previousTotals.revenue);
  const subject =
    (test ? t(locale, "report.subject.test") : "") +
    t(locale, "report.subject", {
      site: site.name,
      period: from === to ? f.day(from) : t(locale, "report.range", { from: f.day(from), to: f.day(to) }),
      revenue: f.money(data.totals.revenue),
      change: change ? t(locale, "report.subject.change", { change }) : "",
      roi: f.ratio(data.totals.roi),
    });
  return {
    data,
    content: async (unsubscribeUrl: string): Promise<MailContent> => {
      const options = { title, sections, unsubscribeUrl, locale };
      return { subject, html: renderHtml(data, options), text: renderText(data, options), images };
    },
  };
}

export async function sendSubscription(
  env: MailEnv,
  site: SiteRow,
  sub: SubscriptionRow,
  period: { key: string; from: string; to: string },
  now: number,
) {
  // Built on the first claimed recipient only: a period stays due all day, and once everyone has it,
  // the hourly runs must not redo the figures and charts.
  let built: ReturnType<typeof reportContent> | undefined;
  const content = async (url: string) =>
    (
      await (built ??= reportContent(
        siteDatabase(env, site.id),
        site,
        sub,
        period.from,
        period.to,
        period.key.startsWith("test:"),
      ))
    ).content(url);
  const { recipients } = sub;
  const locale = readerLocale(site, sub);
  return sendToList(
    env,
    { scope: { siteId: site.id }, listId: sub.id, period: period.key, recipients, locale, content },
    now,
  );
}

/** The period a test send covers: the last full period of the subscription's kind, ending yesterday. */
export function testPeriod(sub: Pick<SubscriptionRow, "frequency" | "timezone">, now: number) {
  const to = addDays(localDay(now, sub.timezone), -1);
  const from = sub.frequency === "daily" ? to : sub.frequency === "weekly" ? addDays(to, -6) : addDays(to, -29);
  return { key: `test:${now}`, from, to };
}

export async function runReports(env: MailEnv, now: number) {
  const totals = noSends();
  const add = (r: SendCounts) => addSends(totals, r);
  const sites = new Map<string, SiteRow | undefined>();
  const siteOf = async (id: string) => {
    if (!sites.has(id)) sites.set(id, await getSite(env.DB, { siteId: id }));
    return sites.get(id);
  };
  const subs = await readEachDatabase(env, activeSubscriptions, (s) => s.siteId);
  const work = new Map<string, { sub: SubscriptionRow; period: { key: string; from: string; to: string } }>();
  // One subscription's bad schedule (say, a time zone this runtime does not know) skips only it.
  const subscription = (sub: SubscriptionRow) => ({ siteId: sub.siteId, subscriptionId: sub.id });
  await forEachSite(
    subs,
    "report schedule",
    async (sub) => {
      const period = duePeriod(sub, now);
      if (period) work.set(`${sub.siteId}|${sub.id}|${period.key}`, { sub, period });
    },
    subscription,
  );
  // Failed sends of earlier periods are retried too (only their failed recipients can be claimed).
  const retries = await readEachDatabase(
    env,
    (db) => sendsDueForRetry(db, now),
    (r) => r.site_id,
  );
  for (const row of retries) {
    const sub = subs.find((s) => s.siteId === row.site_id && s.id === row.list_id);
    const period = periodFromKey(row.period);
    if (sub && period)
      work.set(`${sub.siteId}|${sub.id}|${row.period}`, { sub, period: { key: row.period, ...period } });
  }
  // One site's broken report must not stop the others. A delivery that fails is recorded and
  // retried by send.ts; what fails before it (the site, the recipient list) is logged here.
  await forEachSite(
    work.values(),
    "report",
    async ({ sub, period }) => {
      const site = await siteOf(sub.siteId);
      if (site) add(await sendSubscription(env, site, sub, period, now));
    },
    ({ sub, period }) => ({ ...subscription(sub), period: period.key }),
  );
  add(await runAlerts(env, now, siteOf));
  return totals;
}
