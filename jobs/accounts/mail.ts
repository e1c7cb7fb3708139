// Account emails (invitation, password reset) in English or Simplified Chinese, as plain text and
// simple HTML, delivered through the same transport as the ROI emails (jobs/reports/mailer.ts).
import type { EdgeEnv } from "../../core/env";
import { type Locale, type MessageKey, t } from "../../core/messages";
import { deliver, mailFrom } from "../reports/mailer";
import { buildMime } from "../reports/mime";

export { LOCALES as LANGUAGES, asLocale as asLanguage } from "../../core/messages";
export type Language = Locale;

export interface AccountMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Paragraphs, one button, and the link spelled out for clients that hide buttons. */
function compose(subject: string, paragraphs: string[], action: string, url: string, footer: string): AccountMail {
  const text = [...paragraphs, `${action}: ${url}`, footer].join("\n\n") + "\n";
  const p = (s: string) =>
    `<p style="margin:0 0 16px;font-size:15px;line-height:1.5;color:#1f2933;">${escapeHtml(s)}</p>`;
  const html =
    `<!doctype html><html><body style="margin:0;padding:24px;background:#f5f7fa;font-family:system-ui,sans-serif;">` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px;"><tr><td>` +
    paragraphs.map(p).join("") +
    `<p style="margin:24px 0;"><a href="${escapeHtml(url)}" style="background:#2563eb;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600;">${escapeHtml(action)}</a></p>` +
    `<p style="margin:0 0 16px;font-size:13px;color:#52606d;word-break:break-all;">${escapeHtml(url)}</p>` +
    `<p style="margin:0;font-size:13px;color:#7b8794;">${escapeHtml(footer)}</p>` +
    `</td></tr></table></body></html>`;
  return { subject, text, html };
}

export interface InvitationMail {
  language: Language;
  siteName: string;
  inviter: string;
  role: string;
  url: string;
  expiresDays: number;
}

const ROLES = new Set(["owner", "admin", "analyst", "viewer", "partner"]);

export function invitationMail(m: InvitationMail): AccountMail {
  const l = m.language;
  const role = ROLES.has(m.role) ? t(l, `account.role.${m.role}` as MessageKey) : m.role;
  const params = { inviter: m.inviter, site: m.siteName, role, article: /^[aeiou]/.test(role) ? "an" : "a" };
  return compose(
    t(l, "account.invite.subject", params),
    [t(l, "account.hello"), t(l, "account.invite.body", params)],
    t(l, "account.invite.action"),
    m.url,
    t(l, "account.invite.footer", { days: m.expiresDays }),
  );
}

export function passwordResetMail(m: { language: Language; url: string; expiresMinutes: number }): AccountMail {
  const l = m.language;
  return compose(
    t(l, "account.reset.subject"),
    [t(l, "account.hello"), t(l, "account.reset.body")],
    t(l, "account.reset.action"),
    m.url,
    t(l, "account.reset.footer", { minutes: m.expiresMinutes }),
  );
}

/** Sends one account email; throws with the transport's answer when it is refused. */
export async function sendAccountMail(env: EdgeEnv, to: string, mail: AccountMail): Promise<string> {
  const { raw, messageId } = buildMime({ from: { name: "Wayfind", address: mailFrom(env) }, to, ...mail });
  await deliver(env, to, raw);
  return messageId;
}
