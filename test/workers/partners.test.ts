// Partner program end to end, through the real queue and D1: referral click -> landing -> purchase
// -> commission -> approval (the cron) -> payout -> paid, for first- and last-touch binding; and
// the ROI report counting commissions as the partner channel's cost.
import { siteDatabase } from "../../schema/databases";
import { createExecutionContext, createScheduledController, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../functions/edge/index";
import { rollupSite, ROLLUP_SAFETY_MARGIN_MS } from "../../jobs/rollup";
import { ROLLUP_CRON } from "../../core/crons";
import { getSite } from "../../schema/queries/sites";
import { expectDocumented } from "./documented";
import { api, BASE, BROWSER_UA, collect, createSite, eventually, pageview, unique, uniqueIp } from "./helpers";
import { DAY, partner, program, purchase, referredVisit, rule, sendEvents, settled } from "./partner-helpers";

async function runCron(cron: string) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron, scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe.each(["last", "first"] as const)("referral link to payout (%s-touch binding)", (binding) => {
  it("counts the clicks, credits the purchase, approves after the holding period and pays out once", async () => {
    const site = await createSite({ currency: "CNY" });
    await program(site, { binding });
    const alice = await partner(site, { name: "Alice", target_url: `${site.origin}/courses/python` });
    const bob = await partner(site, { name: "Bob" });
    await rule(site, { percent: 20 });

    // Alice's link an hour ago: 302 to her landing page carrying the code; the click is recorded.
    const ip = uniqueIp();
    const clickOn = (code: string, query = "") =>
      SELF.fetch(`${BASE}/r/${code}${query}`, {
        redirect: "manual",
        headers: { "user-agent": BROWSER_UA, "cf-connecting-ip": ip },
      });
    const click = await clickOn(alice.code, "?utm_campaign=spring");
    expect(click.status).toBe(302);
    const landing = new URL(click.headers.get("location")!);
    expect(landing.origin + landing.pathname).toBe(`${site.origin}/courses/python`);
    expect(landing.searchParams.get("ref")).toBe(alice.code);
    expect(landing.searchParams.get("utm_campaign")).toBe("spring");
    expect(click.headers.get("cache-control")).toBe("no-store");
    const anHourAgo = Date.now() - 3600_000;
    expect((await collect(site, [pageview(landing.toString(), { ts: anHourAgo })], { ip })).status).toBe(202);

    // Then Bob's link, and the learner buys in the same browser.
    const bobLanding = (await clickOn(bob.code)).headers.get("location")!;
    expect((await collect(site, [pageview(bobLanding)], { ip })).status).toBe(202);
    const paidAt = Date.now();
    const order = unique("order");
    const buy = {
      id: unique("b"),
      type: "purchase",
      order_id: order,
      revenue: 199,
      currency: "CNY",
      user_id: "learner-1",
    };
    expect((await collect(site, [buy], { ip })).status).toBe(202);

    const credited = binding === "first" ? alice : bob;
    const [commission] = await settled(site.id, order);
    expect(commission).toMatchObject({
      partner_id: credited.id,
      kind: "referral",
      status: "pending",
      amount_minor: 3980,
    });
    expect(commission!.hold_until).toBeGreaterThanOrEqual(paidAt + 30 * DAY - 1000);

    const { results: clicks } = await env.DB.prepare(
      "SELECT partner_id, visitor_id FROM partner_clicks WHERE site_id = ?1",
    )
      .bind(site.id)
      .all<{ partner_id: string; visitor_id: string }>();
    const { results: visits } = await env.DB.prepare(
      "SELECT DISTINCT visitor_id FROM events WHERE site_id = ?1 AND type = 'pageview'",
    )
      .bind(site.id)
      .all<{ visitor_id: string }>();
    // Both clicks and both landing page views share the cookieless visitor id.
    expect(clicks.map((c) => c.partner_id).sort()).toEqual([alice.id, bob.id].sort());
    expect(new Set([...clicks, ...visits].map((r) => r.visitor_id)).size).toBe(1);

    // Nothing to pay while pending.
    let res = await api("/api/v1/payouts", { method: "POST", token: site.admin, json: {} });
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(0);

    // The holding period passes (moved back in the database), and the 15-minute cron approves it.
    await env.DB.prepare("UPDATE partner_commissions SET hold_until = ?2 WHERE site_id = ?1")
      .bind(site.id, Date.now() - 1000)
      .run();
    await runCron(ROLLUP_CRON);
    res = await api(`/api/v1/commissions?partner_id=${credited.id}`, { token: site.read });
    const commissions = (await res.json()) as { data: { status: string }[] };
    await expectDocumented("GET /api/v1/commissions", 200, commissions);
    expect(commissions.data.map((c) => c.status)).toEqual(["approved"]);

    res = await api("/api/v1/payouts", { method: "POST", token: site.admin, json: {} });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { data: { id: string; amount: number; commissions: number }[] };
    await expectDocumented("POST /api/v1/payouts", 201, created);
    const [payout] = created.data;
    expect(payout).toMatchObject({ amount: 39.8, commissions: 1, partner_id: credited.id, status: "pending" });
    // Batching again finds nothing new: a commission is in one payout only.
    res = await api("/api/v1/payouts", { method: "POST", token: site.admin, json: {} });
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(0);

    res = await api(`/api/v1/payouts/${payout!.id}/paid`, {
      method: "POST",
      token: site.admin,
      json: { reference: "ALIPAY-2026-11-001" },
    });
    expect(res.status).toBe(200);
    const paidPayout = await res.json();
    await expectDocumented("POST /api/v1/payouts/{id}/paid", 200, paidPayout);
    expect(paidPayout).toMatchObject({ status: "paid", reference: "ALIPAY-2026-11-001" });
    const payouts = await (await api("/api/v1/payouts", { token: site.read })).json();
    await expectDocumented("GET /api/v1/payouts", 200, payouts);
    res = await api(`/api/v1/payouts/${payout!.id}/paid`, {
      method: "POST",
      token: site.admin,
      json: { reference: "again" },
    });
    expect(res.status).toBe(409);
    const [paid] = await settled(site.id, order, 1, (rows) => rows[0]!.status === "paid");
    expect(paid!.payout_id).toBe(payout!.id);

    // Finance's CSV export.
    res = await api("/api/v1/payouts?format=csv", { token: site.read });
    expect(res.headers.get("content-type")).toContain("text/csv");
    const csv = await res.text();
    expect(csv.split("\n")[0]).toContain("partner_name");
    expect(csv).toContain(binding === "first" ? "Alice" : "Bob");
    expect(csv).toContain("ALIPAY-2026-11-001");
    expect(csv).toContain("39.8");
  });
});

describe("binding rules", () => {
  // The same journey under both policies: partner A referred 100 days ago, B 5 days ago.
  async function journey(binding: "first" | "last", firstTouchDaysAgo = 100) {
    const site = await createSite({ currency: "CNY" });
    await program(site, { binding, binding_days: 365, cookie_days: 30 });
    const a = await partner(site, { name: "A" });
    const b = await partner(site, { name: "B" });
    await rule(site, { percent: 10 });
    const now = Date.now();
    const order = unique("order");
    await sendEvents(site, [
      referredVisit(site, "learner", a.code, now - firstTouchDaysAgo * DAY),
      referredVisit(site, "learner", b.code, now - 5 * DAY),
      purchase("learner", order, 500, now - 1000),
    ]);
    const rows = await settled(site.id, order);
    return { rows, a, b };
  }

  it("last touch: the latest partner within the cookie window earns", async () => {
    const { rows, b } = await journey("last");
    expect(rows.map((r) => [r.partner_id, r.amount_minor])).toEqual([[b.id, 5000]]);
  });

  it("first touch: the first partner keeps the learner for the binding period", async () => {
    const { rows, a } = await journey("first");
    expect(rows.map((r) => [r.partner_id, r.amount_minor])).toEqual([[a.id, 5000]]);
  });

  it("first touch: once the binding lapses, the next referrer binds the learner", async () => {
    const { rows, b } = await journey("first", 400);
    expect(rows.map((r) => r.partner_id)).toEqual([b.id]);
  });

  it("last touch: a referral older than the cookie window earns nothing", async () => {
    const site = await createSite({ currency: "CNY" });
    const a = await partner(site);
    await rule(site, { percent: 10 });
    const order = unique("order");
    const other = unique("order");
    await sendEvents(site, [
      referredVisit(site, "old", a.code, Date.now() - 31 * DAY),
      purchase("old", order, 100, Date.now() - 1000),
      // A second learner in the same batch, referred yesterday: once it is settled, so is the first.
      referredVisit(site, "fresh", a.code, Date.now() - DAY),
      purchase("fresh", other, 100, Date.now() - 1000),
    ]);
    await settled(site.id, other);
    const { results } = await env.DB.prepare("SELECT order_id FROM partner_commissions WHERE site_id = ?1")
      .bind(site.id)
      .all<{ order_id: string }>();
    expect(results.map((r) => r.order_id)).toEqual([other]);
  });
});

describe("commissions in the ROI report", () => {
  it("are the partner channel's cost, by channel and by partner", async () => {
    const site = await createSite({ currency: "CNY" });
    const a = await partner(site, { name: "A" });
    await rule(site, { percent: 25 });
    const order = unique("order");
    const ts = Date.now() - 2 * 3600_000;
    await sendEvents(site, [referredVisit(site, "l1", a.code, ts - 60_000), purchase("l1", order, 400, ts)]);
    await settled(site.id, order);
    const row = (await getSite(env.DB, { siteId: site.id }))!;
    await rollupSite(siteDatabase(env, row.id), row, Date.now() + ROLLUP_SAFETY_MARGIN_MS);

    let res = await api("/api/v1/reports/roi?group_by=channel&model=last_touch", { token: site.read });
    let body = (await res.json()) as { rows: Record<string, string | number | null>[] };
    await expectDocumented("GET /api/v1/reports/roi", 200, body);
    const affiliates = body.rows.find((r) => r.channel === "Affiliates");
    expect(affiliates).toMatchObject({ cost: 100, revenue: 400, roas: 4 });

    res = await api("/api/v1/reports/roi?group_by=partner&model=last_touch", { token: site.read });
    body = (await res.json()) as typeof body;
    await expectDocumented("GET /api/v1/reports/roi", 200, body);
    expect(body.rows.find((r) => r.partner === a.code)).toMatchObject({ cost: 100, revenue: 400 });
  });
});

describe("referral link safety", () => {
  it("refuses targets off the site's domains, and sends unknown or paused codes home", async () => {
    const site = await createSite();
    let res = await api("/api/v1/partners", {
      method: "POST",
      token: site.admin,
      json: { type: "affiliate", name: "Evil", target_url: "https://evil.example.net/phish" },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("target_url");
    const p = await partner(site);
    res = await api(`/api/v1/partners/${p.id}/links`, {
      method: "POST",
      token: site.admin,
      json: { target_url: `https://${new URL(site.origin).hostname}.evil.net/` },
    });
    expect(res.status).toBe(400);

    // An unknown code on the site's own short-link host goes to the site's home page.
    const shortHost = `https://go.${new URL(site.origin).hostname}`;
    res = await SELF.fetch(`${shortHost}/r/no-such-code`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`${site.origin}/`);

    await api(`/api/v1/partners/${p.id}`, { method: "PATCH", token: site.admin, json: { status: "paused" } });
    res = await SELF.fetch(`${BASE}/r/${p.code}`, { redirect: "manual", headers: { "user-agent": BROWSER_UA } });
    expect(res.headers.get("location")).toBe(`${site.origin}/`);
  });

  it("counts bots as bot hits, not clicks, and still redirects them", async () => {
    const site = await createSite();
    const p = await partner(site);
    const res = await SELF.fetch(`${BASE}/r/${p.code}`, {
      redirect: "manual",
      headers: { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" },
    });
    expect(res.status).toBe(302);
    const clicks = await env.DB.prepare("SELECT count(*) AS n FROM partner_clicks WHERE site_id = ?1")
      .bind(site.id)
      .first<{ n: number }>();
    expect(clicks!.n).toBe(0);
    const bots = await eventually(() =>
      env.DB.prepare("SELECT sum(hits) AS n FROM bot_hits WHERE site_id = ?1").bind(site.id).first<{ n: number }>(),
    );
    expect(bots.n).toBe(1);
  });
});
