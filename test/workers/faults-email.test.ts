// Fault injection in email delivery (issue 20): the SMTP server (test/support/mailbox.mjs, a real
// server on 127.0.0.1) drops the connection in the middle of the message. The send must not be
// marked sent, the failure must be recorded with its reason, the next run must retry it, and the
// recipient must get the report exactly once. Tested through send.ts and smtp.ts, not the renderer.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type ListMail, sendToList } from "../../jobs/reports/send";
import { sendSmtp, SmtpError } from "../../jobs/reports/smtp";
import { retryDelayMs, sendsOf } from "../../schema/queries/mail";
import { createSite, unique } from "./helpers";
import { dropNextDeliveries, messagesTo } from "./mailbox";

const smtp = () => ({ host: env.SMTP_HOST!, port: Number(env.SMTP_PORT), security: "none" as const });

describe("an SMTP server that drops the connection mid-message", () => {
  it("fails the send with the reason, so the caller never takes it for delivered", async () => {
    const to = `${unique("drop")}@example.com`;
    await dropNextDeliveries(to, 1);
    const message = `Subject: dropped\r\nFrom: reports@wayfind.test\r\nTo: ${to}\r\n\r\n${"line\r\n".repeat(2_000)}`;
    const error = await sendSmtp(smtp(), "reports@wayfind.test", [to], message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpError);
    expect((error as SmtpError).message).toMatch(/connection closed|reset|broken|closed/i);
    expect(await messagesTo(to)).toHaveLength(0);
  });

  it("leaves the report unsent, retries it on the next run, and delivers it exactly once", async () => {
    const site = await createSite();
    const to = `${unique("report")}@example.com`;
    const list: ListMail = {
      scope: { siteId: site.id },
      listId: unique("list"),
      period: "2026-11-30",
      recipients: [to],
      content: async (unsubscribeUrl) => ({
        subject: "Weekly report",
        html: `<p>Revenue up.</p><p><a href="${unsubscribeUrl}">Unsubscribe</a></p>`,
        text: `Revenue up.\n${"Figures.\n".repeat(500)}Unsubscribe: ${unsubscribeUrl}`,
        images: [],
      }),
    };
    await dropNextDeliveries(to, 1);
    const t0 = Date.now();
    expect(await sendToList(env, list, t0)).toMatchObject({ sent: 0, failed: 1 });
    const [failed] = await sendsOf(siteDatabase(env, list.scope.siteId), list.scope, list.listId);
    expect(failed).toMatchObject({ recipient: to, status: "failed", attempts: 1, sentAt: null });
    expect(failed!.lastError).toMatch(/SMTP connection closed|reset|broken|closed/i);
    expect(await messagesTo(to)).toHaveLength(0);

    // A run before the backoff has passed leaves it alone; the first run after retries it.
    expect(await sendToList(env, list, t0 + 60_000)).toMatchObject({ sent: 0, skipped: 1 });
    expect(await sendToList(env, list, t0 + retryDelayMs(1))).toMatchObject({ sent: 1, failed: 0 });
    expect(await sendToList(env, list, t0 + 2 * retryDelayMs(1))).toMatchObject({ sent: 0, skipped: 1 });

    const [sent] = await sendsOf(siteDatabase(env, list.scope.siteId), list.scope, list.listId);
    expect(sent).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    const mails = await messagesTo(to);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("Weekly report");
    expect(mails[0]!.messageId).toBe(sent!.messageId);
  });
});
