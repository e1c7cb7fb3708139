// Sends one list's mail (a report subscription's or an alert rule's) for one period: one message
// per recipient, each with its own signed one-click unsubscribe link, each claimed in the send log
// first so it goes out at most once, and each failure recorded for a retry with backoff.
import { siteDatabase } from "../../schema/databases";
import type { MailEnv } from "../../core/env";
import { signToken } from "../../core/hash";
import type { Locale } from "../../core/messages";
import { claimSend, markFailed, markSent, unsubscribedFrom } from "../../schema/queries/mail";
import type { SiteScope } from "../../schema/queries/scope";
import { deliver, mailFrom } from "./mailer";
import { buildMime, type InlineImage } from "./mime";

export interface MailContent {
  subject: string;
  html: string;
  text: string;
  images: InlineImage[];
}

export interface ListMail {
  scope: SiteScope;
  listId: string;
  period: string;
  recipients: string[];
  /** The recipients' language: the unsubscribe page speaks it too. */
  locale?: Locale;
  /** Content for one recipient, given their unsubscribe link. */
  content: (unsubscribeUrl: string) => Promise<MailContent>;
}

export interface UnsubscribeClaim {
  s: string;
  l: string;
  e: string;
  /** The email's language, for the unsubscribe page; absent in links signed before it existed. */
  g?: Locale;
}

export function signingKey(env: MailEnv): string {
  const key = env.SIGNING_KEY ?? env.ADMIN_TOKEN;
  if (!key) throw new Error("Set SIGNING_KEY (or ADMIN_TOKEN) to sign unsubscribe links.");
  return key;
}

export async function unsubscribeUrl(env: MailEnv, scope: SiteScope, listId: string, email: string, locale?: Locale) {
  const claim: UnsubscribeClaim = { s: scope.siteId, l: listId, e: email, ...(locale && { g: locale }) };
  return `${(env.PUBLIC_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "")}/u/${await signToken(signingKey(env), claim)}`;
}

export type SendCounts = { sent: number; failed: number; skipped: number; unsubscribed: number };
export const noSends = (): SendCounts => ({ sent: 0, failed: 0, skipped: 0, unsubscribed: 0 });
/** Adds `more` into `into`, for totals over several lists. */
export function addSends(into: SendCounts, more: SendCounts): SendCounts {
  for (const k of Object.keys(into) as (keyof SendCounts)[]) into[k] += more[k];
  return into;
}

export async function sendToList(env: MailEnv, list: ListMail, now: number): Promise<SendCounts> {
  const result = noSends();
  const db = siteDatabase(env, list.scope.siteId);
  const unsubscribed = await unsubscribedFrom(db, list.scope, list.listId);
  for (const recipient of [...new Set(list.recipients.map((r) => r.toLowerCase()))]) {
    if (unsubscribed.has(recipient)) {
      result.unsubscribed++;
      continue;
    }
    const key = { listId: list.listId, period: list.period, recipient };
    if (!(await claimSend(db, list.scope, key, now))) {
      result.skipped++;
      continue;
    }
    try {
      const url = await unsubscribeUrl(env, list.scope, list.listId, recipient, list.locale);
      const content = await list.content(url);
      const { raw, messageId } = buildMime({
        from: { name: "Wayfind", address: mailFrom(env) },
        to: recipient,
        ...content,
        // RFC 8058 one-click unsubscribe: mail clients show their own button and POST to the link.
        headers: { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
      await deliver(env, recipient, raw);
      await markSent(db, list.scope, key, messageId, now);
      result.sent++;
    } catch (err) {
      await markFailed(db, list.scope, key, err instanceof Error ? err.message : String(err), now);
      result.failed++;
    }
  }
  return result;
}
