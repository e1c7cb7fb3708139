// Threshold alerts, checked by the hourly job: "ROI of channel X below Y over N days", "spend up
// more than Z% day over day", "conversions dropped to zero". At most one email per rule per day:
// the send log's period is the rule's local day.
import { readEachDatabase, type SiteDatabase, siteDatabase } from "../../schema/databases";
import { toMajor } from "../../core/money";
import { addDays, localDay } from "../../core/time";
import type { MailEnv } from "../../core/env";
import { type Locale, t } from "../../core/messages";
import type { ModelName } from "../../models/attribution/paths";
import { addSums, emptySums, roiMetrics, sumsByPeriod } from "../../models/attribution/roi";
import { activeAlertRules, type AlertRuleRow } from "../../schema/queries/mail";
import type { SiteRow } from "../../schema/queries/sites";
import { roiFigures } from "../roi";
import { formatters, readerLocale } from "./render";
import { addSends, noSends, sendToList } from "./send";

/** Sums of one channel (or all, for null) per local day over [from, to]. */
async function daily(db: SiteDatabase, site: SiteRow, rule: AlertRuleRow, from: string, to: string) {
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
export async function checkRule(
  db: SiteDatabase,
  site: SiteRow,
  rule: AlertRuleRow,
  today: string,
  locale: Locale = "en",
) {
  const f = formatters(site.currency, locale);
  const yesterday = addDays(today, -1);
  const day = f.day(yesterday);
  const scope = rule.channel
    ? t(locale, "alert.scope.channel", { channel: f.channel(rule.channel) })
    : t(locale, "alert.scope.all");
  if (rule.kind === "roi_below") {
    const from = addDays(today, -rule.windowDays);
    const sums = await daily(db, site, rule, from, yesterday);
    let total = emptySums();
    for (let d = from; d <= yesterday; d = addDays(d, 1)) total = addSums(total, sums(d));
    const m = roiMetrics(total, site.currency);
    if (m.roi === null || m.roi >= rule.threshold) return null;
    const params = {
      scope,
      threshold: rule.threshold,
      roi: f.ratio(m.roi),
      days: rule.windowDays,
      day,
      revenue: f.money(m.revenue),
      cost: f.money(m.cost),
    };
    return { title: t(locale, "alert.roiBelow.title", params), message: t(locale, "alert.roiBelow.message", params) };
  }
  if (rule.kind === "spend_up") {
    const sums = await daily(db, site, rule, addDays(today, -2), yesterday);
    const before = sums(addDays(today, -2)).costMinor;
    const after = sums(yesterday).costMinor;
    if (before <= 0 || after <= before * (1 + rule.threshold / 100)) return null;
    const params = {
      scope,
      pct: Math.round((after / before - 1) * 100),
      day,
      after: f.money(toMajor(after, site.currency)),
      before: f.money(toMajor(before, site.currency)),
      threshold: rule.threshold,
    };
    return { title: t(locale, "alert.spendUp.title", params), message: t(locale, "alert.spendUp.message", params) };
  }
  const sums = await daily(db, site, rule, addDays(today, -8), yesterday);
  let previous = 0;
  for (let i = 2; i <= 8; i++) previous += sums(addDays(today, -i)).conversions;
  if (sums(yesterday).conversions > 0 || previous / 7 < 1) return null;
  const params = { scope, day, average: f.count(Math.round((previous / 7) * 10) / 10) };
  return {
    title: t(locale, "alert.noConversions.title", params),
    message: t(locale, "alert.noConversions.message", params),
  };
}

export async function runAlerts(env: MailEnv, now: number, siteOf: (id: string) => Promise<SiteRow | undefined>) {
  const totals = noSends();
  const rules = await readEachDatabase(env, activeAlertRules, (r) => r.siteId);
  for (const rule of rules) {
    const site = await siteOf(rule.siteId);
    if (!site) continue;
    const today = localDay(now, rule.timezone);
    const locale = readerLocale(site, rule);
    const alert = await checkRule(siteDatabase(env, site.id), site, rule, today, locale).catch((err: unknown) => {
      console.error("alert check failed", rule.id, err);
      return null;
    });
    if (!alert) continue;
    const { title, message } = alert;
    const subject = t(locale, "alert.subject", { site: site.name, title });
    const result = await sendToList(
      env,
      {
        scope: { siteId: site.id },
        listId: rule.id,
        period: `alert:${today}`,
        recipients: rule.recipients,
        locale,
        content: async (url) => ({
          subject,
          text: `${message}\n\n${t(locale, "alert.text.unsubscribe", { url })}`,
          html: `<!DOCTYPE html><html lang="${locale}"><body style="font-family:Helvetica,Arial,'PingFang SC','Microsoft YaHei',sans-serif;color:#111827;"><p style="font-size:15px;">${message.replace(/[<>&]/g, "")}</p><p style="font-size:11px;color:#9ca3af;"><a href="${url}">${t(locale, "alert.footer.unsubscribe")}</a>${t(locale, "alert.footer.after")}</p></body></html>`,
          images: [],
        }),
      },
      now,
    );
    addSends(totals, result);
  }
  return totals;
}
