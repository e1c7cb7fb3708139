// Commission rules and money safety, through the real queue and D1: refunds before and after
// approval, tiers, recurrence, two-level shares, creator shares, self-referrals, idempotent
// settlement and a purchase and its refund arriving together.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SERVER_MAX_EVENTS } from "../../functions/edge/capture/schemas";
import { SETTLE_ORDERS_PER_BATCH, settleOrders } from "../../jobs/commissions";
import { approveDue } from "../../schema/queries/commissions";
import { api, collect, createSite, eventually, pageview, type TestSite, unique, uniqueIp } from "./helpers";
import {
  commissionRows,
  DAY,
  partner,
  program,
  purchase,
  purchaseStored,
  referredVisit,
  refund,
  rule,
  sendEvents,
  settled,
  type TestPartner,
} from "./partner-helpers";

/** A site with one affiliate and a default rule; `buy` sends a referred purchase and waits for its rows. */
async function setup(ruleBody: Record<string, unknown> = { percent: 10 }, programPatch?: Record<string, unknown>) {
  const site = await createSite({ currency: "CNY" });
  if (programPatch) await program(site, programPatch);
  const aff = await partner(site, { name: "Affiliate" });
  await rule(site, ruleBody);
  return { site, aff };
}

async function buy(site: TestSite, p: TestPartner, learner: string, revenue: number, ts: number, extra = {}) {
  const order = unique("order");
  await sendEvents(site, [
    referredVisit(site, learner, p.code, ts - 60_000),
    purchase(learner, order, revenue, ts, extra),
  ]);
  return { order, rows: await settled(site.id, order) };
}

const amounts = (rows: { kind: string; amount_minor: number; status: string }[]) =>
  rows.map((r) => [r.kind, r.amount_minor, r.status]);

async function payoutTotal(site: TestSite) {
  const res = await api("/api/v1/payouts", { method: "POST", token: site.admin, json: {} });
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: { amount_minor: number }[] }).data.map((p) => p.amount_minor);
}

describe("refunds", () => {
  it("before approval: a full refund reverses, a partial one reduces pro rata", { timeout: 20_000 }, async () => {
    const { site, aff } = await setup({ percent: 10 });
    const full = await buy(site, aff, "l1", 300, Date.now() - 1000);
    const partial = await buy(site, aff, "l2", 300, Date.now() - 1000);
    await sendEvents(site, [refund(full.order, Date.now()), refund(partial.order, Date.now(), 100.01)]);
    const reversed = await settled(site.id, full.order, 1, (r) => r[0]!.status === "reversed");
    expect(amounts(reversed)).toEqual([["referral", 0, "reversed"]]);
    const reduced = await settled(site.id, partial.order, 1, (r) => r[0]!.amount_minor !== 3000);
    // 30.00 less a third of it, rounded down to whole fen (never a fraction of a minor unit).
    expect(amounts(reduced)).toEqual([["referral", 2000, "pending"]]);
    // The scorecard counts both conversions but only the revenue kept: 0 + (300 - 100.01).
    const res = await api(`/api/v1/partners/${aff.id}/scorecard`, { token: site.read });
    const card = (await res.json()) as { performance: Record<string, number | null> };
    expect(card.performance).toMatchObject({ conversions: 2, revenue: 199.99, refund_rate: 1, commissions: 20 });
  });

  it(
    "after approval: a refund claws back against the next payout; after payment too",
    { timeout: 20_000 },
    async () => {
      const { site, aff } = await setup({ percent: 10 });
      const long = Date.now() - 40 * DAY; // past the 30-day holding period
      const kept = await buy(site, aff, "l1", 500, long);
      const returned = await buy(site, aff, "l2", 200, long);
      await approveDue(siteDatabase(env, site.id), Date.now());
      await sendEvents(site, [refund(returned.order, Date.now())]);
      const rows = await settled(site.id, returned.order, 2);
      expect(amounts(rows)).toEqual([
        ["referral", 2000, "approved"],
        ["clawback", -2000, "approved"],
      ]);
      // Net payout: 50.00 + 20.00 - 20.00.
      expect(await payoutTotal(site)).toEqual([5000]);

      // A refund after payment: the clawback waits for the next payout (net negative: none yet).
      const [payout] = (
        (await (await api("/api/v1/payouts", { token: site.read })).json()) as { data: { id: string }[] }
      ).data;
      await api(`/api/v1/payouts/${payout!.id}/paid`, { method: "POST", token: site.admin, json: { reference: "r1" } });
      await sendEvents(site, [refund(kept.order, Date.now(), 250.03)]);
      const after = await settled(site.id, kept.order, 2);
      expect(amounts(after)).toEqual([
        ["referral", 5000, "paid"],
        ["clawback", -2500, "approved"],
      ]);
      expect(await payoutTotal(site)).toEqual([]);
      // Reprocessing the order changes nothing: the clawback is not taken twice.
      await settleOrders(env, { siteId: site.id }, [kept.order], Date.now());
      expect(amounts(await commissionRows(site.id, kept.order))).toEqual(amounts(after));
    },
  );

  it("a purchase and its refund in one batch settle as reversed", async () => {
    const { site, aff } = await setup({ percent: 10 });
    const order = unique("order");
    const ts = Date.now() - 5000;
    await sendEvents(site, [
      referredVisit(site, "l1", aff.code, ts - 1000),
      purchase("l1", order, 100, ts),
      refund(order, ts + 1000),
    ]);
    const rows = await settled(site.id, order, 1, (r) => r[0]!.status === "reversed");
    expect(amounts(rows)).toEqual([["referral", 0, "reversed"]]);
  });
});

describe("payouts", () => {
  it("wait until a partner's approved total reaches the program's minimum", { timeout: 20_000 }, async () => {
    const { site, aff } = await setup({ percent: 10 }, { payout_minimum: 100 });
    await buy(site, aff, "l1", 500, Date.now() - 40 * DAY);
    await approveDue(siteDatabase(env, site.id), Date.now());
    expect(await payoutTotal(site)).toEqual([]); // 50.00 < 100.00
    await buy(site, aff, "l2", 600, Date.now() - 35 * DAY);
    await approveDue(siteDatabase(env, site.id), Date.now());
    expect(await payoutTotal(site)).toEqual([11_000]);
  });
});

describe("rules", () => {
  it("tiers by the partner's sales this month", async () => {
    const { site, aff } = await setup({ percent: 10, tiers: [{ from: 1000, percent: 20 }] });
    const now = Date.now() - 1000;
    const first = await buy(site, aff, "l1", 600, now);
    const second = await buy(site, aff, "l2", 600, now);
    expect(first.rows[0]!.amount_minor).toBe(6000); // 600 this month: 10%
    expect(second.rows[0]!.amount_minor).toBe(12000); // 1,200 this month: 20%
  });

  it("tiers and one-time rules hold within one batch too (settled oldest first)", async () => {
    const { site, aff } = await setup({ percent: 10, recurring_months: 0, tiers: [{ from: 1000, percent: 20 }] });
    const now = Date.now() - 60_000;
    const [o1, o2, o3] = [unique("order"), unique("order"), unique("order")];
    await sendEvents(site, [
      referredVisit(site, "b1", aff.code, now - 5000),
      referredVisit(site, "b2", aff.code, now - 5000),
      purchase("b2", o3, 600, now + 2000), // sent first, bought last
      purchase("b1", o1, 600, now),
      purchase("b1", o2, 100, now + 1000), // b1's second order: one-time rule, nothing due
    ]);
    const rows = await eventually(async () => {
      const all = await commissionRows(site.id);
      return all.length === 3 ? all : undefined;
    });
    const byOrder = Object.fromEntries(rows.map((r) => [r.order_id, r.amount_minor]));
    // o1: 600 this month, 10%; o2: the learner's second order; o3: 1,300 this month, 20%.
    expect(byOrder).toEqual({ [o1]: 6000, [o2]: 0, [o3]: 12000 });
  });

  it(
    "one-time rules pay the learner's first purchase only; recurring ones for N months",
    { timeout: 20_000 },
    async () => {
      const { site, aff } = await setup({ percent: 10, recurring_months: 0 });
      const now = Date.now();
      const a = await buy(site, aff, "once", 100, now - 10 * DAY);
      const b = await buy(site, aff, "once", 100, now - 5 * DAY);
      expect(amounts(a.rows)).toEqual([["referral", 1000, "pending"]]);
      expect(b.rows[0]).toMatchObject({ amount_minor: 0, reason: "no_commission_due" });

      const other = await setup({ percent: 10, recurring_months: 1 });
      const c = await buy(other.site, other.aff, "monthly", 100, now - 50 * DAY);
      const d = await buy(other.site, other.aff, "monthly", 100, now - 30 * DAY);
      const e = await buy(other.site, other.aff, "monthly", 100, now - 10 * DAY);
      expect([c, d, e].map((x) => x.rows[0]!.amount_minor)).toEqual([1000, 1000, 0]);
    },
  );

  it("item and category rules beat the default; flat rules pay per unit or per order", async () => {
    const site = await createSite({ currency: "CNY" });
    const aff = await partner(site);
    await api("/api/v1/items", {
      method: "POST",
      token: site.ingest,
      json: {
        items: [
          { id: "py", title: "Python", category: "coding", price: 100, currency: "CNY" },
          { id: "go", title: "Go", category: "coding", price: 100, currency: "CNY" },
          { id: "art", title: "Drawing", category: "art", price: 200, currency: "CNY" },
        ],
      },
    });
    await rule(site, { percent: 10 });
    await rule(site, { category: "coding", percent: 30 });
    await rule(site, { item_id: "go", flat: 5 });
    const items = [
      { id: "py", price: 100, quantity: 1 },
      { id: "go", price: 100, quantity: 2 },
      { id: "art", price: 200, quantity: 1 },
    ];
    // Paid 400 for a list price of 500: each line's base is discounted alike (80, 160, 160).
    const { rows } = await buy(site, aff, "l1", 400, Date.now() - 1000, { items });
    expect(rows[0]!.amount_minor).toBe(2400 + 1000 + 1600); // 30% of 80, 2 x 5 flat, 10% of 160
  });

  it("second-level shares go to the parent only when the program enables them", { timeout: 20_000 }, async () => {
    for (const levels of [1, 2]) {
      const site = await createSite({ currency: "CNY" });
      await program(site, { levels });
      const parent = await partner(site, { name: "Parent" });
      const child = await partner(site, { name: "Child", parent_id: parent.id });
      await rule(site, { percent: 15 });
      await rule(site, { level: 2, percent: 5 });
      const { order } = await buy(site, child, "l1", 200, Date.now() - 1000);
      const rows = levels === 2 ? await settled(site.id, order, 2) : await commissionRows(site.id, order);
      const byPartner = Object.fromEntries(rows.map((r) => [r.partner_id, [r.kind, r.amount_minor]]));
      expect(byPartner[child.id]).toEqual(["referral", 3000]);
      expect(byPartner[parent.id]).toEqual(levels === 2 ? ["second_level", 1000] : undefined);
    }
  });

  it("creators earn their share of their own items, with or without a referrer", async () => {
    const site = await createSite({ currency: "CNY" });
    const creator = await partner(site, { type: "creator", name: "Teacher Li" });
    await api("/api/v1/items/li-course", {
      method: "PUT",
      token: site.ingest,
      json: { title: "Li's course", price: 300, currency: "CNY", creator_partner_id: creator.id },
    });
    await rule(site, { basis: "creator", partner_id: creator.id, percent: 70 });
    const order = unique("order");
    const items = [
      { id: "li-course", price: 300, quantity: 1 },
      { id: "someone-else", price: 100, quantity: 1 },
    ];
    await sendEvents(site, [purchase("l1", order, 400, Date.now() - 1000, { items })]);
    const rows = await settled(site.id, order);
    expect(rows.map((r) => [r.partner_id, r.kind, r.base_minor, r.amount_minor])).toEqual([
      [creator.id, "creator_share", 30000, 21000],
    ]);
  });
});

describe("volume", () => {
  it(
    "settles a full server batch of referred purchases once each, in chunked reads and writes",
    { timeout: 30_000 },
    async () => {
      const { site, aff } = await setup({ percent: 10 });
      const orders = SETTLE_ORDERS_PER_BATCH * 6 + 7; // several write batches, one partial
      const now = Date.now() - 3_600_000;
      const events = [];
      for (let i = 0; i < orders; i++) {
        events.push(referredVisit(site, `vol-${i}`, aff.code, now + i * 10));
        events.push(purchase(`vol-${i}`, `vol-order-${i}`, 10, now + i * 10 + 5));
      }
      for (let i = 0; i < events.length; i += SERVER_MAX_EVENTS)
        await sendEvents(site, events.slice(i, i + SERVER_MAX_EVENTS));
      const count = () =>
        env.DB.prepare(
          "SELECT count(*) AS n, count(DISTINCT order_id) AS orders, sum(amount_minor) AS total FROM partner_commissions WHERE site_id = ?1",
        )
          .bind(site.id)
          .first<{ n: number; orders: number; total: number }>();
      const done = await eventually(async () => {
        const row = await count();
        return row && row.n >= orders ? row : undefined;
      }, 20_000);
      expect(done).toEqual({ n: orders, orders, total: orders * 100 });
    },
  );
});

describe("money safety", () => {
  it("refuses self-referrals and flags them on the scorecard", { timeout: 20_000 }, async () => {
    const site = await createSite({ currency: "CNY" });
    const cheat = await partner(site, { name: "Cheat", user_id: "cheat-account" });
    await rule(site, { percent: 50 });
    const { rows } = await buy(site, cheat, "cheat-browser", 100, Date.now() - 1000, { user_id: "cheat-account" });
    expect(rows[0]).toMatchObject({ status: "rejected", reason: "self_referral", amount_minor: 0 });
    // The same browser later buys without logging in: still the partner's own visitor.
    const { rows: anonymous } = await buy(site, cheat, "cheat-browser", 100, Date.now() - 500);
    expect(anonymous[0]).toMatchObject({ status: "rejected", reason: "self_referral" });
    const res = await api(`/api/v1/partners/${cheat.id}/scorecard`, { token: site.read });
    const card = (await res.json()) as { flags: { code: string }[]; performance: { conversions: number } };
    expect(card.flags.map((f) => f.code)).toContain("self_referral");
    expect(card.performance.conversions).toBe(0);
  });

  it("settling an order again, or receiving its purchase twice, never pays twice", async () => {
    const { site, aff } = await setup({ percent: 10 }, { levels: 2 });
    const order = unique("order");
    const buyEvent = purchase("l1", order, 100, Date.now() - 1000);
    await sendEvents(site, [referredVisit(site, "l1", aff.code, Date.now() - 5000), buyEvent]);
    const first = await settled(site.id, order);
    await sendEvents(site, [buyEvent]); // the same event id again
    await settleOrders(env, { siteId: site.id }, [order, order], Date.now());
    const res = await api("/api/v1/commissions/reprocess", {
      method: "POST",
      token: site.admin,
      json: { order_ids: [order] },
    });
    expect(res.status).toBe(200);
    await purchaseStored(site.id, order);
    expect(await commissionRows(site.id, order)).toEqual(first);
  });

  it("recomputes an unapproved order when the server's purchase supersedes the browser's", async () => {
    const { site, aff } = await setup({ percent: 20 });
    const ip = uniqueIp();
    const order = unique("order");
    await collect(site, [pageview(`${site.origin}/?ref=${aff.code}`)], { ip });
    const browser = {
      id: unique("b"),
      type: "purchase",
      order_id: order,
      revenue: 100,
      currency: "CNY",
      user_id: "sup-1",
    };
    await collect(site, [browser], { ip });
    expect((await settled(site.id, order))[0]!.amount_minor).toBe(2000);
    // The payment webhook reports what was really paid.
    const server = purchase("ignored", order, 120, Date.now(), { visitor_id: undefined, user_id: "sup-1" });
    await sendEvents(site, [server]);
    const rows = await settled(site.id, order, 1, (r) => r[0]!.amount_minor !== 2000);
    expect(rows.map((r) => [r.partner_id, r.amount_minor, r.status])).toEqual([[aff.id, 2400, "pending"]]);
    expect((rows[0] as unknown as { purchase_event_id: string }).purchase_event_id).toBe(server.id);
  });

  it("converts other currencies with the site's rates, and holds the order while a rate is missing", async () => {
    const { site, aff } = await setup({ percent: 10 });
    const { order, rows } = await buy(site, aff, "l1", 20, Date.now() - 1000, { currency: "USD" });
    expect(rows[0]).toMatchObject({ status: "held", reason: "missing_fx_rate" });
    const today = new Date().toISOString().slice(0, 10);
    await api("/api/v1/fx-rates", {
      method: "POST",
      token: site.admin,
      json: [
        { date: "2026-01-01", currency: "USD", rate: 7.1 },
        { date: today, currency: "USD", rate: 7.2 },
      ],
    });
    await api("/api/v1/commissions/reprocess", { method: "POST", token: site.admin, json: { order_ids: [order] } });
    expect(amounts(await commissionRows(site.id, order))).toEqual([["referral", 1440, "pending"]]);
  });
});
