// Partner portal isolation, scorecards and ranking, and bad input on the partner endpoints.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { expectDocumented } from "./documented";
import { api, BASE, BROWSER_UA, collect, createSite, expectError, pageview, unique, uniqueIp } from "./helpers";
import { DAY, partner, purchase, referredVisit, rule, sendEvents, settled } from "./partner-helpers";

async function portalKey(site: { admin: string }, partnerId: string) {
  const res = await api(`/api/v1/partners/${partnerId}/keys`, { method: "POST", token: site.admin });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

describe("partner portal", () => {
  it("shows a partner its own links, clicks and commissions, and nothing else", async () => {
    const site = await createSite({ currency: "CNY" });
    const a = await partner(site, { name: "A" });
    const b = await partner(site, { name: "B" });
    await rule(site, { percent: 10 });
    const orderA = unique("order");
    const orderB = unique("order");
    const now = Date.now() - 1000;
    await sendEvents(site, [
      referredVisit(site, "la", a.code, now - 5000),
      purchase("la", orderA, 100, now),
      referredVisit(site, "lb", b.code, now - 5000),
      purchase("lb", orderB, 300, now),
    ]);
    await settled(site.id, orderA);
    await settled(site.id, orderB);
    await SELF.fetch(`${BASE}/r/${a.code}`, {
      redirect: "manual",
      headers: { "user-agent": BROWSER_UA, "cf-connecting-ip": uniqueIp() },
    });

    const keyA = await portalKey(site, a.id);
    let res = await api("/api/v1/portal/me", { token: keyA });
    expect(res.status).toBe(200);
    const me = (await res.json()) as Record<string, unknown>;
    await expectDocumented("GET /api/v1/portal/me", 200, me);
    expect(me).toMatchObject({ id: a.id, clicks: 1, earnings: { pending: { orders: 1, amount: 10 } } });
    expect(me).not.toHaveProperty("ratings"); // the site's private ratings of the partner

    res = await api("/api/v1/portal/commissions", { token: keyA });
    const page = await res.json();
    await expectDocumented("GET /api/v1/portal/commissions", 200, page);
    const mine = (page as { data: Record<string, unknown>[] }).data;
    expect(mine.map((c) => c.order_id)).toEqual([orderA]);
    expect(mine[0]).not.toHaveProperty("learner");

    res = await api("/api/v1/portal/clicks?group_by=code", { token: keyA });
    expect(((await res.json()) as { data: unknown[] }).data).toEqual([{ key: a.code, clicks: 1, visitors: 1 }]);
    // The site sees the same clicks by device; a made-up grouping is refused.
    res = await api(`/api/v1/partners/${a.id}/clicks?group_by=device`, { token: site.read });
    expect(((await res.json()) as { data: unknown[] }).data).toEqual([{ key: "desktop", clicks: 1, visitors: 1 }]);
    await expectError(
      await api(`/api/v1/partners/${a.id}/clicks?group_by=password`, { token: site.read }),
      400,
      "validation_failed",
      "group_by",
    );

    // The site's data and other partners' records are out of reach.
    for (const path of [
      "/api/v1/partners",
      `/api/v1/partners/${b.id}`,
      `/api/v1/partners/${b.id}/scorecard`,
      `/api/v1/partners/${a.id}/clicks`,
      `/api/v1/commissions?partner_id=${b.id}`,
      "/api/v1/payouts",
      "/api/v1/reports/roi",
      "/api/v1/events",
      `/api/v1/sites/${site.id}`,
    ]) {
      await expectError(await api(path, { token: keyA }), 403, "forbidden");
    }
    await expectError(
      await api("/api/v1/partners", { method: "POST", token: keyA, json: { type: "affiliate", name: "x" } }),
      403,
      "forbidden",
    );
    // And a site key cannot pose as a partner.
    await expectError(await api("/api/v1/portal/me", { token: site.read }), 403, "forbidden");
  });

  it("a site's keys never see another site's partners", async () => {
    const one = await createSite();
    const two = await createSite();
    const p = await partner(one);
    await expectError(await api(`/api/v1/partners/${p.id}`, { token: two.read }), 404, "not_found");
    const res = await api("/api/v1/partners", { token: two.read });
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(0);
  });
});

describe("scorecards", () => {
  it("combine ratings and performance into a ranked score with the site's weights", async () => {
    const site = await createSite({ currency: "CNY" });
    const strong = await partner(site, {
      name: "Strong",
      ratings: { professionalism: 5, reputation: 5, resources: 4, cooperation: 5, responsiveness: 5 },
    });
    const weak = await partner(site, {
      name: "Weak",
      ratings: { professionalism: 2, reputation: 1, resources: 2, cooperation: 3, responsiveness: 1 },
    });
    await rule(site, { percent: 10 });
    const orders = [unique("o"), unique("o"), unique("o")];
    const now = Date.now() - 1000;
    await sendEvents(site, [
      referredVisit(site, "s1", strong.code, now - 9000),
      purchase("s1", orders[0]!, 500, now),
      referredVisit(site, "s2", strong.code, now - 9000),
      purchase("s2", orders[1]!, 500, now),
      referredVisit(site, "w1", weak.code, now - 9000),
      purchase("w1", orders[2]!, 100, now),
    ]);
    for (const o of orders) await settled(site.id, o);

    let res = await api("/api/v1/partners?sort=score", { token: site.read });
    const list = await res.json();
    await expectDocumented("GET /api/v1/partners", 200, list);
    const ranked = (list as { data: { id: string; rank: number; score: number }[] }).data;
    expect(ranked.map((r) => r.id)).toEqual([strong.id, weak.id]);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);

    res = await api(`/api/v1/partners/${strong.id}/scorecard`, { token: site.read });
    const card = (await res.json()) as {
      rank: number;
      of: number;
      score: number;
      performance: Record<string, number | null>;
    };
    await expectDocumented("GET /api/v1/partners/{id}/scorecard", 200, card);
    expect(card).toMatchObject({ rank: 1, of: 2 });
    expect(card.performance).toMatchObject({ conversions: 2, revenue: 1000, commissions: 100, commission_roi: 10 });
    expect(card.score).toBeLessThanOrEqual(100);

    // The site sets its own weights: with conversions alone, scores are the ratio to the best (2 vs 1).
    res = await api("/api/v1/partner-program", {
      method: "PATCH",
      token: site.admin,
      json: {
        score_weights: {
          professionalism: 0,
          reputation: 0,
          resources: 0,
          cooperation: 0,
          responsiveness: 0,
          revenue: 0,
          epc: 0,
          commission_roi: 0,
          refund_rate: 0,
          retention_90d: 0,
          lesson_completion: 0,
          conversions: 1,
        },
      },
    });
    expect(res.status).toBe(200);
    await expectDocumented("PATCH /api/v1/partner-program", 200, await res.json());
    res = await api("/api/v1/partners?sort=score", { token: site.read });
    const byConversions = ((await res.json()) as { data: { id: string; score: number }[] }).data;
    expect(byConversions.map((r) => r.score)).toEqual([100, 50]);
  });
});

describe("scorecard measures", () => {
  it("90-day retention and lesson completion of referred learners", async () => {
    const site = await createSite({ currency: "CNY" });
    const p = await partner(site);
    await rule(site, { percent: 10 });
    const now = Date.now();
    const orders = [unique("o"), unique("o"), unique("o")];
    const lesson = (visitor: string, ts: number) => ({
      id: unique("lesson"),
      type: "custom",
      name: "lesson_complete",
      visitor_id: visitor,
      ts,
    });
    await sendEvents(site, [
      // r1 bought 100 days ago and came back on day 50: retained; finished a lesson.
      referredVisit(site, "r1", p.code, now - 100 * DAY - 5000),
      purchase("r1", orders[0]!, 100, now - 100 * DAY),
      { ...referredVisit(site, "r1", p.code, now - 50 * DAY), url: `${site.origin}/learn` },
      lesson("r1", now - 49 * DAY),
      // r2 bought 95 days ago and never returned.
      referredVisit(site, "r2", p.code, now - 95 * DAY - 5000),
      purchase("r2", orders[1]!, 100, now - 95 * DAY),
      // r3 bought 10 days ago: too early to count for retention; finished a lesson.
      referredVisit(site, "r3", p.code, now - 10 * DAY - 5000),
      purchase("r3", orders[2]!, 100, now - 10 * DAY),
      lesson("r3", now - 9 * DAY),
    ]);
    for (const o of orders) await settled(site.id, o);
    const res = await api(`/api/v1/partners/${p.id}/scorecard`, { token: site.read });
    const card = (await res.json()) as { performance: Record<string, number | null> };
    expect(card.performance).toMatchObject({ conversions: 3, retention_90d: 0.5 });
    expect(card.performance.lesson_completion).toBeCloseTo(2 / 3, 10);
  });
});

describe("scorecard conversion rate", () => {
  it("is the share of referred visitors who bought: one click and two orders is not 200 %", async () => {
    const site = await createSite({ currency: "CNY" });
    const p = await partner(site, { target_url: `${site.origin}/courses/python` });
    await rule(site, { percent: 10 });
    // One click on the link; that browser lands and buys twice.
    const ip = uniqueIp();
    const click = await SELF.fetch(`${BASE}/r/${p.code}`, {
      redirect: "manual",
      headers: { "user-agent": BROWSER_UA, "cf-connecting-ip": ip },
    });
    expect(click.status).toBe(302);
    const orders = [unique("o"), unique("o"), unique("o")];
    const now = Date.now() - 60_000;
    const buy = (order: string, ts: number) => ({
      id: unique("b"),
      type: "purchase",
      order_id: order,
      revenue: 100,
      currency: "CNY",
      ts,
    });
    const landing = pageview(click.headers.get("location")!, { ts: now - 30_000 });
    expect((await collect(site, [landing, buy(orders[0]!, now), buy(orders[1]!, now + 1000)], { ip })).status).toBe(
      202,
    );
    // Two more visitors come with ?ref= and no click: one signs up and buys as a user, one leaves.
    await sendEvents(site, [
      referredVisit(site, "signed-up", p.code, now - 5000),
      { id: unique("s"), type: "signup", visitor_id: "signed-up", user_id: "u-signed-up", ts: now - 4000 },
      { ...purchase("unused", orders[2]!, 100, now), visitor_id: undefined, user_id: "u-signed-up" },
      referredVisit(site, "left", p.code, now - 5000),
    ]);
    for (const o of orders) await settled(site.id, o);
    const res = await api(`/api/v1/partners/${p.id}/scorecard`, { token: site.read });
    const card = (await res.json()) as { performance: Record<string, number | null> };
    // Orders per click would say 3; two of the three referred visitors bought.
    expect(card.performance).toMatchObject({ clicks: 1, conversions: 3, visitors: 3 });
    expect(card.performance.conversion_rate).toBeCloseTo(2 / 3, 10);
  });
});

describe("bad input", () => {
  it("gets the standard error envelope with the field at fault", async () => {
    const site = await createSite();
    const post = (path: string, json: unknown) => api(path, { method: "POST", token: site.admin, json });
    await expectError(
      await post("/api/v1/partners", { type: "influencer", name: "x" }),
      400,
      "validation_failed",
      "type",
    );
    await expectError(
      await post("/api/v1/partners", { type: "affiliate", name: "x", code: "has space" }),
      400,
      "validation_failed",
      "code",
    );
    await expectError(
      await post("/api/v1/partners", { type: "affiliate", name: "x", parent_id: "ptr_nope" }),
      400,
      "validation_failed",
      "parent_id",
    );
    const p = await partner(site);
    await expectError(
      await post("/api/v1/partners", { type: "affiliate", name: "dup", code: p.code }),
      409,
      "conflict",
      "code",
    );
    await expectError(
      await api(`/api/v1/partners/${p.id}`, { method: "PATCH", token: site.admin, json: { parent_id: p.id } }),
      400,
      "validation_failed",
      "parent_id",
    );
    await expectError(
      await post("/api/v1/commission-rules", { percent: 10, flat: 5 }),
      400,
      "validation_failed",
      "percent",
    );
    await expectError(await post("/api/v1/commission-rules", { percent: 120 }), 400, "validation_failed", "percent");
    await expectError(
      await post("/api/v1/commission-rules", { percent: 10, partner_id: "ptr_nope" }),
      400,
      "validation_failed",
      "partner_id",
    );
    await expectError(
      await post("/api/v1/commission-rules", { percent: 10, tiers: [{ from: 100 }] }),
      400,
      "validation_failed",
      "tiers.0",
    );
    await expectError(
      await api("/api/v1/partner-program", { method: "PATCH", token: site.admin, json: { binding: "middle" } }),
      400,
      "validation_failed",
      "binding",
    );
    await expectError(
      await api("/api/v1/partner-program", { method: "PATCH", token: site.admin, json: { binding_days: 1000 } }),
      400,
      "validation_failed",
      "binding_days", // longer than the site's 400-day retention: the visits would be gone
    );
    await expectError(await post("/api/v1/payouts/pay_nope/paid", { reference: "x" }), 404, "not_found");
    await expectError(await post("/api/v1/payouts/pay_nope/paid", {}), 400, "validation_failed", "reference");
    await expectError(
      await api("/api/v1/commissions?status=lost", { token: site.read }),
      400,
      "validation_failed",
      "status",
    );
    // A catalog batch keeps the good items and reports the bad one by index.
    const res = await api("/api/v1/items", {
      method: "POST",
      token: site.ingest,
      json: {
        items: [
          { id: "ok", title: "Fine" },
          { id: "bad id!", title: "" },
        ],
      },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { stored: number; rejected: { index: number; issues: { path: string }[] }[] };
    await expectDocumented("POST /api/v1/items", 200, body);
    expect(body.stored).toBe(1);
    expect(body.rejected[0]!.index).toBe(1);
    expect(body.rejected[0]!.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(["items.1.id", "items.1.title"]),
    );
  });
});
