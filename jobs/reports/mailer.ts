// Delivery of a built message: through Cloudflare's send_email binding when configured (and chosen),
// else over SMTP to the provider in SMTP_HOST (ports 465 or 587 in production; port 25 is blocked).
import { EmailMessage } from "cloudflare:email";
import type { MailEnv } from "../../core/env";
import { sendSmtp } from "./smtp";

/** Email is not configured well enough to send (no sender, no transport). */
export class MailConfigError extends Error {
  override readonly name = "MailConfigError";
}

export function mailTransport(env: MailEnv): "smtp" | "binding" | null {
  if (env.MAIL_TRANSPORT) return env.MAIL_TRANSPORT;
  if (env.SMTP_HOST) return "smtp";
  return env.REPORT_EMAIL ? "binding" : null;
}

export function mailFrom(env: MailEnv): string {
  if (!env.MAIL_FROM) throw new MailConfigError("Set MAIL_FROM (the sender address) to send email.");
  return env.MAIL_FROM;
}

/** Sends one message to one recipient; throws on any refusal, with the server's answer. */
export async function deliver(env: MailEnv, to: string, raw: string): Promise<void> {
  const from = mailFrom(env);
  const transport = mailTransport(env);
  if (transport === "binding") {
    if (!env.REPORT_EMAIL) throw new MailConfigError("MAIL_TRANSPORT is binding but REPORT_EMAIL is not bound.");
    await env.REPORT_EMAIL.send(new EmailMessage(from, to, raw));
    return;
  }
  if (transport === "smtp" && env.SMTP_HOST) {
    await sendSmtp(
      {
        host: env.SMTP_HOST,
        port: Number(env.SMTP_PORT ?? 587),
        security: env.SMTP_SECURITY ?? (env.SMTP_PORT === "465" ? "tls" : "starttls"),
        username: env.SMTP_USER,
        password: env.SMTP_PASS,
      },
      from,
      [to],
      raw,
    );
    return;
  }
  throw new MailConfigError(
    "No mail transport: set SMTP_HOST (and SMTP_PORT, SMTP_USER, SMTP_PASS) or bind REPORT_EMAIL.",
  );
}
