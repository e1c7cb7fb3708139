// Account emails (invitation, password reset) in English or Simplified Chinese, as plain text and
// simple HTML, delivered through the same transport as the ROI emails (jobs/reports/mailer.ts).
import type { EdgeEnv } from "../../core/env";
import { deliver, mailFrom } from "../reports/mailer";
import { buildMime } from "../reports/mime";

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];

export const asLanguage = (value: string | null | undefined): Language => (value === "zh-CN" ? "zh-CN" : "en");

export interface AccountMail {
  subject: string;
  text: string;
  html: string;
}

const ROLE_NAMES: Record<Language, Record<string, string>> = {
  en: { owner: "owner", admin: "admin", analyst: "analyst", viewer: "viewer", partner: "partner" },
  "zh-CN": { owner: "所有者", admin: "管理员", analyst: "分析师", viewer: "查看者", partner: "合作伙伴" },
};

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

export function invitationMail(m: InvitationMail): AccountMail {
  const role = ROLE_NAMES[m.language][m.role] ?? m.role;
  if (m.language === "zh-CN") {
    return compose(
      `${m.inviter} 邀请您加入 Wayfind 上的「${m.siteName}」`,
      [`您好！`, `${m.inviter} 邀请您以「${role}」身份加入 Wayfind 上的「${m.siteName}」。`],
      "接受邀请",
      m.url,
      `此链接 ${m.expiresDays} 天内有效，且只能使用一次。如果您不认识邀请人，请忽略这封邮件。`,
    );
  }
  return compose(
    `${m.inviter} invited you to ${m.siteName} on Wayfind`,
    [
      `Hello,`,
      `${m.inviter} invited you to join ${m.siteName} on Wayfind as ${/^[aeiou]/.test(role) ? "an" : "a"} ${role}.`,
    ],
    "Accept the invitation",
    m.url,
    `This link works once and expires in ${m.expiresDays} days. If you do not know the sender, ignore this email.`,
  );
}

export function passwordResetMail(m: { language: Language; url: string; expiresMinutes: number }): AccountMail {
  if (m.language === "zh-CN") {
    return compose(
      "重置您的 Wayfind 密码",
      ["您好！", "我们收到了重置您 Wayfind 密码的请求。点击下面的按钮设置新密码。"],
      "重置密码",
      m.url,
      `此链接 ${m.expiresMinutes} 分钟内有效，且只能使用一次。如果这不是您本人的操作，请忽略这封邮件，您的密码不会改变。`,
    );
  }
  return compose(
    "Reset your Wayfind password",
    ["Hello,", "Someone asked to reset the password of your Wayfind account. Choose a new one with the button below."],
    "Reset my password",
    m.url,
    `This link works once and expires in ${m.expiresMinutes} minutes. If you did not ask for it, ignore this email: your password stays as it is.`,
  );
}

/** Sends one account email; throws with the transport's answer when it is refused. */
export async function sendAccountMail(env: EdgeEnv, to: string, mail: AccountMail): Promise<string> {
  const { raw, messageId } = buildMime({ from: { name: "Wayfind", address: mailFrom(env) }, to, ...mail });
  await deliver(env, to, raw);
  return messageId;
}
