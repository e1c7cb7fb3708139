// Threshold alerts, checked by the hourly job: "ROI of channel X below Y over N days", "spend up
// more than Z% day over day", "conversions dropped to zero". At most one email per rule per day:
// the send log's period is the rule's local day.
import { toMajor } from "../../core/money";
import { addDays, localDay } from "../../core/time";
import type { EdgeEnv } from "../../core/env";
import type { ModelName } from "../../models/attribution/paths";
import { addSums, emptySums, roiMetrics, sumsByPeriod } from "../../models/attribution/roi";
import { activeAlertRules, type AlertRuleRow } from "../../schema/queries/mail";
import type { SiteRow } from "../../schema/queries/sites";
import { roiFigures } from "../roi";
import { formatters } from "./render";
import { addSends, noSends, sendToList } from "./send";

/** Sums of one channel (or all, for null) per local day over [from, to]. */
async function daily(db: D1Database, site: SiteRow, rule: AlertRuleRow, from: string, to: string) {
  const { groups } = await roiFigures(db, {
    site,
    from,
    to,
    model: rule.model as ModelName,
    groupBy: "channel",
    period: "day",
  });
  const byDay = sumsByPeriod(groups, rule.channel);
  return (day: string) => byDay.get(day) ?? emptySums();
}

/** The alert's message when the rule's condition holds on `today`'s data, else null. */
export async function checkRule(db: D1Database, site: SiteRow, rule: AlertRuleRow, today: string) {
  const f = formatters(site.currency);
  const yesterday = addDays(today, -1);
  const scope = rule.channel ? `channel ${rule.channel}` : "all channels";
  if (rule.kind === "roi_below") {
    const from = addDays(today, -rule.windowDays);
    const day = await daily(db, site, rule, from, yesterday);
    let total = emptySums();
    for (let d = from; d <= yesterday; d = addDays(d, 1)) total = addSums(total, day(d));
    const m = roiMetrics(total, site.currency);
    if (m.roi === null || m.roi >= rule.threshold) return null;
    return {
      title: `ROI of ${scope} below ${rule.threshold}`,
      message: `ROI of ${scope} was ${f.ratio(m.roi)} over the ${rule.windowDays} days to ${yesterday}, below ${rule.threshold} (revenue ${f.money(m.revenue)}, cost ${f.money(m.cost)}).`,
    };
  }
  if (rule.kind === "spend_up") {
    const day = await daily(db, site, rule, addDays(today, -2), yesterday);
    const before = day(addDays(today, -2)).costMinor;
    const after = day(yesterday).costMinor;
    if (before <= 0 || after <= before * (1 + rule.threshold / 100)) return null;
    return {
      title: `Spend on ${scope} up ${Math.round((after / before - 1) * 100)}%`,
      message: `Spend on ${scope} rose ${Math.round((after / before - 1) * 100)}% on ${yesterday}: ${f.money(toMajor(after, site.currency))} against ${f.money(toMajor(before, site.currency))} the day before (threshold ${rule.threshold}%).`,
    };
  }
  const day = await daily(db, site, rule, addDays(today, -8), yesterday);
  let previous = 0;
  for (let i = 2; i <= 8; i++) previous += day(addDays(today, -i)).conversions;
  if (day(yesterday).conversions > 0 || previous / 7 < 1) return null;
  return {
    title: `No conversions on ${scope}`,
    message: `Conversions on ${scope} dropped to zero on ${yesterday}, after ${Math.round((previous / 7) * 10) / 10} a day over the week before.`,
  };
}

export async function runAlerts(env: EdgeEnv, now: number, siteOf: (id: string) => Promise<SiteRow | undefined>) {
  const totals = noSends();
  for (const rule of await activeAlertRules(env.DB)) {
    const site = await siteOf(rule.siteId);
    if (!site) continue;
    const today = localDay(now, rule.timezone);
    const alert = await checkRule(env.DB, site, rule, today).catch((err: unknown) => {
      console.error("alert check failed", rule.id, err);
      return null;
    });
    if (!alert) continue;
    const { title, message } = alert;
    const subject = `Wayfind alert for ${site.name}: ${title}`;
    const result = await sendToList(
      env,
      {
        scope: { siteId: site.id },
        listId: rule.id,
        period: `alert:${today}`,
        recipients: rule.recipients,
        content: async (url) => ({
          subject,
          text: `${message}\n\nUnsubscribe from this alert: ${url}`,
          html: `<!DOCTYPE html><html><body style="font-family:Helvetica,Arial,sans-serif;color:#111827;"><p style="font-size:15px;">${message.replace(/[<>&]/g, "")}</p><p style="font-size:11px;color:#9ca3af;"><a href="${url}">Unsubscribe</a> from this alert.</p></body></html>`,
          images: [],
        }),
      },
      now,
    );
    addSends(totals, result);
  }
  return totals;
}
