// Scheduled ROI emails end to end: real D1, the real queue, SMTP over cloudflare:sockets to a real
// smtp-server on 127.0.0.1, parsed with mailparser. Exactly once per period even with overlapping
// runs; figures equal the reports API's; charts are PNGs; unsubscribe works; failures are retried
// and recorded; the send_email binding gets valid MIME; alerts fire once a day.
import { siteDatabase } from "../../schema/databases";
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { deliver } from "../../jobs/reports/mailer";
import { buildMime } from "../../jobs/reports/mime";
import { formatters } from "../../jobs/reports/render";
import { runReports } from "../../jobs/reports/run";
import { rollupSite, ROLLUP_SAFETY_MARGIN_MS } from "../../jobs/rollup";
import { getSite } from "../../schema/queries/sites";
import { expectDocumented } from "./documented";
import { api, BASE, createSite, eventsLanded, expectError, type TestSite, unique } from "./helpers";
import { bytesOf, failNextDeliveries, isPng, messagesTo, parseMime } from "./mailbox";
import { DAY, purchase, sendEvents } from "./partner-helpers";

const HOUR = 3600_000;
const today = () => new Date().toISOString().slice(0, 10);
/** 09:00 UTC tomorrow: a daily report at 08:00 (UTC) for today is due then. */
const tomorrowAt = (hour: number) => Date.parse(`${today()}T00:00:00Z`) + DAY + hour * HOUR;

/** A UTC CNY site with today's paid and social traffic, purchases and ad spend, rolled up (English unless told). */
async function siteWithData(settings: Record<string, unknown> = { locale: "en" }) {
  const site = await createSite({ currency: "CNY", ...settings });
  const start = Math.max(Date.parse(`${today()}T00:00:00Z`) + 60_000, Date.now() - 30 * 60_000);
  const visit = (v: string, ts: number, query: string) => ({
    id: unique("v"),
    type: "pageview",
    visitor_id: v,
    ts,
    url: `${site.origin}/${query}`,
  });
  await sendEvents(site, [
    visit("a", start, "?utm_source=baidu&utm_medium=cpc&utm_campaign=brand"),
    purchase("a", unique("o"), 300, start + 1000),
    visit("b", start + 2000, "?utm_source=zhihu&utm_medium=social&utm_campaign=answer"),
    purchase("b", unique("o"), 100, start + 3000, { rec_id: "rec-42" }), // bought from a recommendation
  ]);
  const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
  const cost = [
    { date: today(), source: "baidu", medium: "cpc", campaign: "brand", cost: 120, currency: "CNY" },
    { date: yesterday, source: "baidu", medium: "cpc", campaign: "brand", cost: 50, currency: "CNY" },
  ];
  expect((await api("/api/v1/costs", { method: "POST", token: site.admin, json: cost })).status).toBe(200);
  await eventsLanded(site.id, 4);
  await rollupSite(
    siteDatabase(env, site.id),
    (await getSite(env.DB, { siteId: site.id }))!,
    Date.now() + ROLLUP_SAFETY_MARGIN_MS,
  );
  return site;
}

async function subscribe(site: TestSite, body: Record<string, unknown>) {
  const res = await api("/api/v1/report-subscriptions", { method: "POST", token: site.admin, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  const created = await res.json();
  await expectDocumented("POST /api/v1/report-subscriptions", 201, created);
  return created as { id: string };
}

describe("scheduled ROI email", () => {
  it("arrives once per period, even from overlapping runs, with the reports API's figures and PNG charts", async () => {
    const site = await siteWithData();
    const to = `${unique("cmo")}@example.com`;
    // Midnight: whenever this runs, today's send time has passed, so the first report due is
    // tomorrow's (today's figures). An 08:00 subscription made before 08:00 would rightly be due
    // today already, with yesterday's report.
    await subscribe(site, { recipients: [to], frequency: "daily", hour: 0 });

    // Before midnight nothing is due; then two cron runs overlap.
    await runReports(env, tomorrowAt(0) - 60_000);
    expect(await messagesTo(to)).toHaveLength(0);
    await Promise.all([runReports(env, tomorrowAt(1)), runReports(env, tomorrowAt(1))]);
    await runReports(env, tomorrowAt(2)); // an hour later: already sent
    const mails = await messagesTo(to);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;

    const res = await api(`/api/v1/reports/roi?from=${today()}&to=${today()}`, { token: site.read });
    const roi = (await res.json()) as { totals: { revenue: number; cost: number; roi: number; conversions: number } };
    await expectDocumented("GET /api/v1/reports/roi", 200, roi);
    expect(roi.totals).toMatchObject({ revenue: 400, cost: 120 });
    const f = formatters("CNY");
    expect(mail.subject).toContain(`revenue ${f.money(roi.totals.revenue)}`);
    expect(mail.text).toContain(`Revenue: ${f.money(roi.totals.revenue)}`);
    expect(mail.text).toContain(`Cost: ${f.money(roi.totals.cost)}`);
    expect(mail.text).toContain(`ROI: ${f.ratio(roi.totals.roi)}`);
    expect(mail.text).toMatch(/Paid Search: revenue ¥300\.00, cost ¥120\.00, ROI 1\.50/);
    expect(mail.text).toContain("Recommendations\n  0 clicks, 1 purchases, ¥100.00");
    expect(mail.html).toContain("<table");
    expect(mail.html).not.toMatch(/<script|<link|<style/i);
    expect(mail.html).toContain(f.money(roi.totals.revenue));

    // Both charts inline, referenced by Content-ID from the HTML, and real PNGs.
    const images = mail.attachments.filter((a) => a.contentType === "image/png");
    expect(images).toHaveLength(2);
    for (const image of images) {
      expect(mail.html).toContain(`cid:${image.contentId!.replace(/[<>]/g, "")}`);
      const png = bytesOf(image.base64);
      expect(isPng(png)).toBe(true);
      expect(new DataView(png.buffer).getUint32(16)).toBe(1200); // IHDR width: twice the 600 px layout
    }
    expect(mail.headers["list-unsubscribe-post"]).toBe("List-Unsubscribe=One-Click");
  });

  it("speaks Chinese to a zh-CN site's recipients: GA4's Chinese channel names, ¥ amounts, a Chinese unsubscribe page", async () => {
    const site = await siteWithData({}); // a new CNY site's locale defaults to zh-CN
    const [zh, en] = [`${unique("zh")}@example.com`, `${unique("en")}@example.com`];
    await subscribe(site, { recipients: [zh], frequency: "daily", hour: 8 }); // language null: the site's
    await subscribe(site, { recipients: [en], frequency: "daily", hour: 8, language: "en" });
    await runReports(env, tomorrowAt(9));
    const [mail] = await messagesTo(zh);
    expect(mail!.subject).toContain("：收入 ¥400.00");
    expect(mail!.text).toContain("每日 ROI 报告");
    expect(mail!.text).toContain("收入：¥400.00");
    expect(mail!.text).toContain("成本：¥120.00");
    expect(mail!.text).toMatch(/付费搜索：收入 ¥300\.00，成本 ¥120\.00，ROI 1\.50/);
    expect(mail!.text).toContain("0 次点击，1 笔购买，¥100.00");
    expect(mail!.text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(mail!.text).not.toContain("CN¥");
    expect(mail!.text).not.toContain("Paid Search");
    expect(mail!.html).toContain('<html lang="zh-CN">');
    expect(mail!.html).toContain("付费搜索");
    expect(mail!.html).toContain("自然社交");
    expect(mail!.html).toContain("退订");
    // The same site, a subscription that asks for English.
    const [english] = await messagesTo(en);
    expect(english!.text).toMatch(/Paid Search: revenue ¥300\.00, cost ¥120\.00, ROI 1\.50/);

    // The unsubscribe page speaks the email's language, before and after the click.
    const path = new URL(/<([^>]+)>/.exec(mail!.headers["list-unsubscribe"]!)![1]!).pathname;
    const page = await (await SELF.fetch(`${BASE}${path}`)).text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain(`不再向 <b>${zh}</b> 发送这封邮件？`);
    const done = await SELF.fetch(`${BASE}${path}`, { method: "POST" });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`${zh} 将不会再收到这封邮件。`);
    const enPath = new URL(/<([^>]+)>/.exec(english!.headers["list-unsubscribe"]!)![1]!).pathname;
    expect(await (await SELF.fetch(`${BASE}${enPath}`)).text()).toContain(`Stop sending this email to <b>${en}</b>?`);
  });

  it("stops for a recipient who unsubscribes with one click; others still get it", async () => {
    const site = await siteWithData();
    const [leaver, stayer] = [`${unique("a")}@example.com`, `${unique("b")}@example.com`];
    await subscribe(site, { recipients: [leaver, stayer], frequency: "daily", hour: 8 });
    await runReports(env, tomorrowAt(9));
    const [mail] = await messagesTo(leaver);
    const link = /<([^>]+)>/.exec(mail!.headers["list-unsubscribe"]!)![1]!;
    expect(link.startsWith("https://wayfind.test/u/")).toBe(true);
    const path = new URL(link).pathname;

    // A link scanner's GET changes nothing; a forged token is refused.
    expect((await SELF.fetch(`${BASE}${path}`)).status).toBe(200);
    expect((await SELF.fetch(`${BASE}${path}x`, { method: "POST" })).status).toBe(400);
    const res = await SELF.fetch(`${BASE}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);

    await runReports(env, tomorrowAt(9) + DAY);
    expect(await messagesTo(leaver)).toHaveLength(1);
    expect(await messagesTo(stayer)).toHaveLength(2);
  });

  it("retries an SMTP failure with backoff, and records a send that keeps failing", async () => {
    const site = await siteWithData();
    const to = `${unique("r")}@example.com`;
    const sub = await subscribe(site, { recipients: [to], frequency: "daily", hour: 8 });
    await failNextDeliveries(1);
    const t0 = tomorrowAt(9);
    expect(await runReports(env, t0)).toMatchObject({ failed: 1 });
    expect(await runReports(env, t0 + 5 * 60_000)).toMatchObject({ sent: 0 }); // backing off
    expect(await runReports(env, t0 + 16 * 60_000)).toMatchObject({ sent: 1 });
    expect(await messagesTo(to)).toHaveLength(1);

    // Next day the server refuses every attempt: after four, the send is dead, with the reason.
    await failNextDeliveries(100);
    let t = t0 + DAY;
    for (let i = 0; i < 6; i++, t += 2 * HOUR) await runReports(env, t);
    await failNextDeliveries(0);
    const res = await api(`/api/v1/report-subscriptions/${sub.id}`, { token: site.read });
    const detail = (await res.json()) as {
      sends: { period: string; status: string; attempts: number; last_error: string }[];
    };
    await expectDocumented("GET /api/v1/report-subscriptions/{id}", 200, detail);
    const sends = detail.sends;
    const dead = sends.find((s) => s.status === "dead")!;
    expect(dead).toMatchObject({ attempts: 4 });
    expect(dead.last_error).toContain("451");
    expect(await messagesTo(to)).toHaveLength(1);
  });

  it("sends a test email now, on demand", async () => {
    const site = await siteWithData();
    const to = `${unique("t")}@example.com`;
    const sub = await subscribe(site, { recipients: [to], frequency: "weekly", weekday: 1 });
    const res = await api(`/api/v1/report-subscriptions/${sub.id}/send-now`, { method: "POST", token: site.admin });
    expect(res.status).toBe(200);
    const result = await res.json();
    await expectDocumented("POST /api/v1/report-subscriptions/{id}/send-now", 200, result);
    expect(result).toMatchObject({ sent: 1, sends: [{ recipient: to, status: "sent" }] });
    const [mail] = await messagesTo(to);
    expect(mail!.subject).toContain("Test");
  });

  it("through the send_email binding, builds a MIME message the binding and a parser accept", async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const { raw } = buildMime({
      from: { name: "Wayfind 报告", address: "reports@wayfind.test" },
      to: "cmo@example.com",
      subject: "ROI 周报",
      text: "plain\n.leading dot",
      html: '<p>html <img src="cid:c1"></p>',
      images: [{ cid: "c1", filename: "c.png", content: png }],
    });
    // miniflare's send_email validates the MIME (and needs Message-ID and a matching sender).
    await deliver({ ...env, MAIL_TRANSPORT: "binding" }, "cmo@example.com", raw);
    const parsed = await parseMime(raw);
    expect(parsed).toMatchObject({
      subject: "ROI 周报",
      text: "plain\n.leading dot",
      html: '<p>html <img src="cid:c1"></p>',
    });
    expect(parsed.from).toContain("Wayfind 报告");
    expect(parsed.attachments[0]).toMatchObject({ contentType: "image/png", contentId: "<c1>" });
    expect(bytesOf(parsed.attachments[0]!.base64)).toEqual(png);
  });
});

describe("alerts", () => {
  it("fire once a day when a rule's condition holds, and not when it does not", async () => {
    const site = await siteWithData();
    const [low, high] = [`${unique("low")}@example.com`, `${unique("high")}@example.com`];
    const rule = async (body: Record<string, unknown>) =>
      expect((await api("/api/v1/alert-rules", { method: "POST", token: site.admin, json: body })).status).toBe(201);
    // Paid Search over the 7 days to today: revenue 300 on cost 170 (50 yesterday, 120 today), ROI 0.76.
    await rule({ kind: "roi_below", channel: "Paid Search", threshold: 2, recipients: [low] });
    await rule({ kind: "roi_below", channel: "Paid Search", threshold: 0.5, recipients: [high] });
    // Spend went from 50 yesterday to 120 today: up 140 %.
    const [spend, calm] = [`${unique("spend")}@example.com`, `${unique("calm")}@example.com`];
    await rule({ kind: "spend_up", threshold: 100, recipients: [spend] });
    await rule({ kind: "spend_up", threshold: 200, recipients: [calm] });
    await runReports(env, tomorrowAt(9));
    await runReports(env, tomorrowAt(15));
    const mails = await messagesTo(low);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain("ROI of channel Paid Search below 2");
    expect(mails[0]!.text).toContain("was 0.76");
    expect(await messagesTo(high)).toHaveLength(0);
    const spent = await messagesTo(spend);
    expect(spent).toHaveLength(1);
    expect(spent[0]!.text).toContain("rose 140%");
    expect(await messagesTo(calm)).toHaveLength(0);
  });
});

describe("conversions dropped to zero", () => {
  it("alerts after a week of daily sales and a day without any", async () => {
    const site = await createSite({ currency: "CNY", locale: "en" });
    const todayStart = Date.parse(`${today()}T00:00:00Z`);
    // One purchase on each of the seven days before today, none today.
    const events = [1, 2, 3, 4, 5, 6, 7].flatMap((back) => {
      const ts = todayStart - back * DAY + 12 * HOUR;
      const visitor = unique("l");
      return [
        {
          id: unique("v"),
          type: "pageview",
          visitor_id: visitor,
          ts,
          url: `${site.origin}/?utm_source=zhihu&utm_medium=social`,
        },
        purchase(visitor, unique("o"), 99, ts + 1000),
      ];
    });
    await sendEvents(site, events);
    await eventsLanded(site.id, events.length);
    await rollupSite(
      siteDatabase(env, site.id),
      (await getSite(env.DB, { siteId: site.id }))!,
      Date.now() + ROLLUP_SAFETY_MARGIN_MS,
      {
        full: true,
      },
    );
    const to = `${unique("zero")}@example.com`;
    const res = await api("/api/v1/alert-rules", {
      method: "POST",
      token: site.admin,
      json: { kind: "conversions_zero", recipients: [to] },
    });
    expect(res.status).toBe(201);
    await expectDocumented("POST /api/v1/alert-rules", 201, await res.json());
    await runReports(env, tomorrowAt(9));
    const [mail] = await messagesTo(to);
    expect(mail!.subject).toContain("No conversions on all channels");
    expect(mail!.text).toContain(`dropped to zero on ${today()}, after 1 a day`);
  });
});

describe("bad input", () => {
  it("gets the standard error envelope with the field at fault", async () => {
    const site = await createSite();
    const post = (json: unknown) => api("/api/v1/report-subscriptions", { method: "POST", token: site.admin, json });
    const ok = { recipients: ["a@example.com"], frequency: "daily" };
    await expectError(await post({ ...ok, recipients: ["not-an-address"] }), 400, "validation_failed", "recipients.0");
    await expectError(await post({ ...ok, recipients: [] }), 400, "validation_failed", "recipients");
    await expectError(await post({ ...ok, timezone: "Mars/Olympus" }), 400, "validation_failed", "timezone");
    await expectError(await post({ ...ok, frequency: "hourly" }), 400, "validation_failed", "frequency");
    await expectError(await post({ ...ok, frequency: "weekly" }), 400, "validation_failed", "weekday");
    await expectError(await post({ ...ok, hour: 24 }), 400, "validation_failed", "hour");
    await expectError(await post({ ...ok, sections: ["gossip"] }), 400, "validation_failed", "sections.0");
    const alert = (json: unknown) => api("/api/v1/alert-rules", { method: "POST", token: site.admin, json });
    await expectError(
      await alert({ kind: "roi_below", threshold: 1, recipients: ["a@example.com"] }),
      400,
      "validation_failed",
      "channel",
    );
    await expectError(
      await alert({ kind: "spend_up", recipients: ["a@example.com"] }),
      400,
      "validation_failed",
      "threshold",
    );
    await expectError(await api("/api/v1/report-subscriptions/sub_nope", { token: site.read }), 404, "not_found");
    await expectError(await api("/api/v1/report-subscriptions", { token: site.ingest }), 403, "forbidden");
  });
});
