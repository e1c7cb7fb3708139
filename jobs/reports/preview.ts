// The report email as it will be sent, for the dashboard's preview: the same content send-now builds
// (the last full period, the first recipient's unsubscribe link), with the inline chart images
// (cid: references a mail client resolves from the message's parts) turned into data: URLs so a
// browser can show the HTML on its own.
import { siteDatabase } from "../../schema/databases";
import type { MailEnv } from "../../core/env";
import type { SubscriptionRow } from "../../schema/queries/mail";
import type { SiteRow } from "../../schema/queries/sites";
import { base64 } from "./mime";
import { readerLocale } from "./render";
import { reportContent, testPeriod } from "./run";
import { unsubscribeUrl } from "./send";

export interface ReportPreview {
  subject: string;
  html: string;
  period: { from: string; to: string };
}

export async function previewSubscription(
  env: MailEnv,
  site: SiteRow,
  sub: SubscriptionRow,
  now: number,
): Promise<ReportPreview> {
  const period = testPeriod(sub, now);
  const built = await reportContent(siteDatabase(env, site.id), site, sub, period.from, period.to);
  const recipient = sub.recipients[0] ?? "";
  const url = await unsubscribeUrl(env, { siteId: site.id }, sub.id, recipient, readerLocale(site, sub));
  const mail = await built.content(url);
  let html = mail.html;
  for (const image of mail.images) {
    html = html.replaceAll(`cid:${image.cid}`, `data:image/png;base64,${base64(image.content)}`);
  }
  return { subject: mail.subject, html, period: { from: period.from, to: period.to } };
}
