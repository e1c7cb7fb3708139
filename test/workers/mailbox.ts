// Reading the real test mailbox (test/support/mailbox.mjs) from inside workerd.
import { env } from "cloudflare:test";

export interface ParsedMail {
  envelopeTo: string[];
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  attachments: { contentType: string; contentId: string | null; filename: string | null; base64: string }[];
}

export async function messagesTo(address: string): Promise<ParsedMail[]> {
  const res = await fetch(`${env.MAILBOX_URL}/messages?to=${encodeURIComponent(address)}`);
  return (await res.json()) as ParsedMail[];
}

/** The SMTP server refuses the next `count` messages with 451. */
export async function failNextDeliveries(count: number) {
  await fetch(`${env.MAILBOX_URL}/fail?count=${count}`, { method: "POST" });
}

/** The SMTP server drops the connection in the middle of the next `count` messages to `to`. */
export async function dropNextDeliveries(to: string, count: number) {
  await fetch(`${env.MAILBOX_URL}/drop?to=${encodeURIComponent(to)}&count=${count}`, { method: "POST" });
}

export async function parseMime(raw: string): Promise<ParsedMail> {
  const res = await fetch(`${env.MAILBOX_URL}/parse`, { method: "POST", body: raw });
  return (await res.json()) as ParsedMail;
}

export const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
export const isPng = (bytes: Uint8Array) =>
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b);
