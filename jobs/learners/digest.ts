// The weekly at-risk digest: this week's flagged learners (most at risk first, with their main
// reasons in the reader's words) and whether win-back has worked lately, as HTML and plain text,
// in zh-CN or English. Sent to the recipients of the site's active report subscriptions, in each
// one's language, once per recipient and week (jobs/reports/send.ts claims every send). Kept to
// HTML and text (no charts) so it can move with the email rendering without the chart renderer.
import { siteDatabase } from "../../schema/databases";
import type { EdgeEnv } from "../../core/env";
import { formatCount, formatDay } from "../../core/format";
import { asLocale, type Locale, type MessageKey, t } from "../../core/messages";
import { flagsOf, outcomesByPeriod, type FlagRow, type PeriodOutcomeRow } from "../../schema/queries/at-risk";
import type { SiteRow } from "../../schema/queries/sites";
import { listSubscriptions } from "../../schema/queries/subscriptions";
import { sendToList, type MailContent, type SendCounts, noSends, addSends } from "../reports/send";
import { firstWeek, FLAG_THRESHOLD } from "./period";

/** Learners listed in the email; the API lists the rest. */
export const DIGEST_LEARNERS = 20;
/** Win-back is reported over this many weeks. */
export const DIGEST_WEEKS = 8;
/** The unsubscribe list of the digest: one per site, apart from the ROI reports'. */
export const DIGEST_LIST_ID = "at-risk-digest";

export interface DigestData {
  site: string;
  week: string;
  flagged: number;
  learners: FlagRow[];
  winBack: { weeks: number; cameBack: number; settled: number };
}

const escapeHtml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c]!);
const percent = (locale: Locale, p: number) => `${formatCount(locale, Math.round(p * 1000) / 10)}%`;
const reasonText = (locale: Locale, codes: readonly string[]) =>
  codes.map((c) => t(locale, `atrisk.reason.${c}` as MessageKey)).join(locale === "zh-CN" ? "；" : "; ");

export function digestData(site: string, week: string, periods: readonly PeriodOutcomeRow[], learners: FlagRow[]) {
  const current = periods.find((p) => p.period === week);
  const cameBack = periods.reduce((n, p) => n + p.came_back, 0);
  const settled = periods.reduce((n, p) => n + p.came_back + p.not_back, 0);
  return {
    site,
    week,
    flagged: current?.flagged ?? 0,
    learners,
    winBack: { weeks: DIGEST_WEEKS, cameBack, settled },
  } satisfies DigestData;
}

function winBackLine(d: DigestData, locale: Locale): string {
  const { cameBack, settled, weeks } = d.winBack;
  if (!settled) return t(locale, "atrisk.winBack.none");
  return t(locale, "atrisk.winBack.rate", {
    weeks,
    back: formatCount(locale, cameBack),
    settled: formatCount(locale, settled),
    rate: percent(locale, cameBack / settled),
  });
}

function rows(d: DigestData, locale: Locale) {
  return d.learners.map((l) => ({
    learner: l.user,
    probability: percent(locale, l.probability),
    last: formatDay(locale, new Date(l.lastActivityAt).toISOString().slice(0, 10)),
    reasons: reasonText(locale, l.reasons),
  }));
}

export function digestContent(d: DigestData, locale: Locale, unsubscribeUrl: string): MailContent {
  const week = formatDay(locale, d.week);
  const subject = t(locale, "atrisk.subject", { site: d.site, count: formatCount(locale, d.flagged), week });
  const title = t(locale, "atrisk.title", { site: d.site });
  const intro = d.flagged
    ? t(locale, "atrisk.intro", {
        count: formatCount(locale, d.flagged),
        threshold: percent(locale, FLAG_THRESHOLD),
        week,
      })
    : t(locale, "atrisk.none");
  const more = d.flagged > d.learners.length ? t(locale, "atrisk.more", { count: d.flagged - d.learners.length }) : "";
  const cols = (["learner", "probability", "lastActivity", "reasons"] as const).map((c) =>
    t(locale, `atrisk.col.${c}` as MessageKey),
  );
  const cell = "padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:left";
  const table = d.learners.length
    ? `<table style="border-collapse:collapse;font-size:14px"><tr>${cols.map((c) => `<th style="${cell}">${escapeHtml(c)}</th>`).join("")}</tr>` +
      rows(d, locale)
        .map(
          (r) =>
            `<tr>${[r.learner, r.probability, r.last, r.reasons].map((v) => `<td style="${cell}">${escapeHtml(v)}</td>`).join("")}</tr>`,
        )
        .join("") +
      "</table>"
    : "";
  const html =
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;color:#111827">` +
    `<h1 style="font-size:20px">${escapeHtml(title)}</h1><p>${escapeHtml(intro)}</p>${table}` +
    (more ? `<p>${escapeHtml(more)}</p>` : "") +
    `<h2 style="font-size:16px">${escapeHtml(t(locale, "atrisk.winBack.title"))}</h2><p>${escapeHtml(winBackLine(d, locale))}</p>` +
    `<p style="font-size:12px;color:#6b7280">${escapeHtml(t(locale, "report.footer.sentBy"))}` +
    `<a href="${escapeHtml(unsubscribeUrl)}">${escapeHtml(t(locale, "report.footer.unsubscribe"))}</a>` +
    `${escapeHtml(t(locale, "atrisk.footer.after"))}</p></body></html>`;
  const text = [
    title,
    "",
    intro,
    ...rows(d, locale).map((r) => `- ${r.learner}: ${r.probability}, ${r.last}; ${r.reasons}`),
    ...(more ? [more] : []),
    "",
    t(locale, "atrisk.winBack.title"),
    winBackLine(d, locale),
    "",
    t(locale, "atrisk.text.unsubscribe", { url: unsubscribeUrl }),
  ].join("\n");
  return { subject, html, text, images: [] };
}

/** Sends the week's digest (nothing when no learner was flagged and no outcome is known yet). */
export async function sendAtRiskDigest(
  env: EdgeEnv,
  site: Pick<SiteRow, "id" | "name" | "locale">,
  week: string,
  now: number,
): Promise<SendCounts> {
  const scope = { siteId: site.id };
  const totals = noSends();
  const byLocale = new Map<Locale, string[]>();
  const subs = (await listSubscriptions(siteDatabase(env, scope.siteId), scope)).sort(
    (a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id),
  );
  for (const sub of subs) {
    if (!sub.active) continue;
    const locale = sub.language ?? asLocale(site.locale);
    byLocale.set(locale, [...(byLocale.get(locale) ?? []), ...sub.recipients]);
  }
  if (!byLocale.size) return totals;
  const periods = await outcomesByPeriod(siteDatabase(env, scope.siteId), scope, firstWeek(now, DIGEST_WEEKS));
  const data = digestData(
    site.name,
    week,
    periods,
    await flagsOf(siteDatabase(env, scope.siteId), scope, week, DIGEST_LEARNERS),
  );
  if (!data.flagged && !data.winBack.settled) return totals;
  const seen = new Set<string>();
  for (const [locale, list] of byLocale) {
    // A recipient in two subscriptions gets one digest, in the language of the older subscription.
    const recipients = [...new Set(list.map((r) => r.toLowerCase()))].filter((r) => !seen.has(r));
    recipients.forEach((r) => seen.add(r));
    const content = async (url: string) => digestContent(data, locale, url);
    addSends(
      totals,
      await sendToList(env, { scope, listId: DIGEST_LIST_ID, period: week, recipients, locale, content }, now),
    );
  }
  return totals;
}
