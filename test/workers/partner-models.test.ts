// The pure partner models: binding, order lines, rule choice, tiers, recurrence, refunds (checked
// against the SQL that applies them in D1), scores and flags.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  afterRefund,
  bindingPartner,
  earningFor,
  effectiveTerms,
  orderLines,
  pickRule,
  type Rule,
  withinRecurrence,
} from "../../models/partners/commission";
import { compositeScores, FLAG_RULES, flags, performance, type PartnerFacts } from "../../models/partners/scorecard";
import { REFUND_SQL_PARAMS } from "../../schema/queries/commissions";
import { emptyFacts } from "../../schema/queries/scorecards";
import { DAY_MS } from "../../core/time";
import { seededRandom } from "../../models/random";

// The exact SQL fragments refundStatements uses: ?3 refunded, ?4 revenue.
const { refunded: REFUNDED, revenue: REVENUE } = REFUND_SQL_PARAMS;

const rule = (over: Partial<Rule>): Rule => ({
  id: "r",
  partnerId: null,
  partnerGroup: null,
  basis: "referral",
  level: 1,
  kind: "percent",
  rateBps: 1000,
  flatMinor: null,
  itemId: null,
  category: null,
  tiers: [],
  recurringMonths: null,
  holdingDays: null,
  ...over,
});

describe("binding", () => {
  const t = (partnerId: string, daysAgo: number) => ({ partnerId, ts: 1000 * DAY_MS - daysAgo * DAY_MS });
  const now = 1000 * DAY_MS;
  it("ignores touches after the purchase and picks by policy", () => {
    const touches = [t("a", 10), t("b", 3), { partnerId: "late", ts: now + 1 }];
    expect(bindingPartner(touches, now, { binding: "last", bindingDays: 365, cookieDays: 30 })).toBe("b");
    expect(bindingPartner(touches, now, { binding: "first", bindingDays: 365, cookieDays: 30 })).toBe("a");
    expect(bindingPartner([t("a", 31)], now, { binding: "last", bindingDays: 365, cookieDays: 30 })).toBeNull();
    expect(bindingPartner([t("a", 366)], now, { binding: "first", bindingDays: 365, cookieDays: 30 })).toBeNull();
    expect(bindingPartner([], now, { binding: "first", bindingDays: 365, cookieDays: 30 })).toBeNull();
  });
});

describe("order lines", () => {
  it("share the paid amount by list price and always add up exactly", () => {
    const catalog = new Map([["a", { category: "x", creatorPartnerId: "c" }]]);
    const lines = orderLines(
      1000,
      [
        { id: "a", price: 1, quantity: 1 },
        { id: "b", price: 1, quantity: 1 },
        { id: "c", price: 1, quantity: 1 },
      ],
      catalog,
    );
    expect(lines.map((l) => l.baseMinor)).toEqual([333, 333, 334]);
    expect(lines[0]).toMatchObject({ category: "x", creatorPartnerId: "c" });
    expect(orderLines(500, [], catalog)).toEqual([
      { itemId: null, category: null, creatorPartnerId: null, quantity: 1, baseMinor: 500 },
    ]);
    expect(orderLines(9, [{ id: "free" }, { id: "free2" }], catalog).map((l) => l.baseMinor)).toEqual([4, 5]);
  });
});

describe("rules", () => {
  const line = { itemId: "py", category: "coding", creatorPartnerId: null, quantity: 1, baseMinor: 10_000 };
  const me = { id: "p1", group: "gold" };
  it("prefer partner over group over default, then item over category", () => {
    const rules = [
      rule({ id: "default" }),
      rule({ id: "group", partnerGroup: "gold" }),
      rule({ id: "group-item", partnerGroup: "gold", itemId: "py" }),
      rule({ id: "partner", partnerId: "p1" }),
      rule({ id: "other", partnerId: "p2", itemId: "py" }),
      rule({ id: "level2", partnerId: "p1", level: 2, itemId: "py" }),
    ];
    expect(pickRule(rules, me, line, "referral", 1)?.id).toBe("partner");
    expect(pickRule(rules.slice(0, 3), me, line, "referral", 1)?.id).toBe("group-item");
    expect(pickRule(rules, { id: "p3", group: null }, line, "referral", 1)?.id).toBe("default");
    expect(pickRule(rules, me, line, "referral", 2)?.id).toBe("level2");
    expect(pickRule(rules, me, line, "creator", 1)).toBeUndefined();
  });

  it("tiers apply from their threshold on", () => {
    const tiered = rule({
      tiers: [
        { fromMinor: 500, rateBps: 2000 },
        { fromMinor: 100, rateBps: 1500 },
      ],
    });
    expect(effectiveTerms(tiered, 99).rateBps).toBe(1000);
    expect(effectiveTerms(tiered, 100).rateBps).toBe(1500);
    expect(effectiveTerms(tiered, 10_000).rateBps).toBe(2000);
  });

  it("recurrence counts calendar months from the first credited order", () => {
    const first = Date.UTC(2026, 0, 31);
    expect(withinRecurrence(rule({ recurringMonths: null }), first, first + 900 * DAY_MS)).toBe(true);
    expect(withinRecurrence(rule({ recurringMonths: 0 }), first, first + 1)).toBe(false);
    expect(withinRecurrence(rule({ recurringMonths: 0 }), null, first)).toBe(true);
    expect(withinRecurrence(rule({ recurringMonths: 3 }), first, Date.UTC(2026, 3, 30))).toBe(true);
    expect(withinRecurrence(rule({ recurringMonths: 3 }), first, Date.UTC(2026, 4, 2))).toBe(false);
  });

  it("never pays more than the learner paid", () => {
    const flat = [rule({ kind: "flat", rateBps: null, flatMinor: 50_000 })];
    const e = earningFor(me, "referral", [line], flat, {
      basis: "referral",
      level: 1,
      monthToDateMinor: 0,
      firstOrderTs: null,
      purchaseTs: 0,
    });
    expect(e?.amountMinor).toBe(10_000);
  });
});

describe("refund arithmetic", () => {
  it("matches the SQL that applies it in D1", async () => {
    const cases: [number, number, number][] = [
      [3980, 19_900, 0],
      [3980, 19_900, 1],
      [3980, 19_900, 9_950],
      [3333, 10_000, 3_333],
      [7, 3, 2],
      [1000, 1000, 1000],
      [1000, 1000, 5000],
    ];
    for (const [gross, revenue, refunded] of cases) {
      const row = await env.DB.prepare(
        // ?1 stands for the INTEGER column gross_amount_minor; ?2 is unused, as the order id is there.
        "SELECT ?2 AS label, CASE WHEN " +
          `${REFUNDED} >= ${REVENUE} THEN 0 ELSE CAST(?1 AS INTEGER) - CAST(?1 AS INTEGER) * ${REFUNDED} / ${REVENUE} END AS left_minor`,
      )
        .bind(gross, "case", refunded, revenue)
        .first<{ left_minor: number }>();
      expect(row!.left_minor).toBe(afterRefund(gross, revenue, refunded));
    }
  });
});

describe("scorecards", () => {
  const facts = (over: Partial<PartnerFacts>): PartnerFacts => ({ ...emptyFacts(), ...over });
  it("leave out what a partner has no data for instead of counting it as zero", () => {
    const scores = compositeScores([
      { id: "rated", ratings: { professionalism: 5 }, performance: performance(facts({})) },
      { id: "new", ratings: {}, performance: performance(facts({})) },
      {
        id: "seller",
        ratings: { professionalism: 1 },
        performance: performance(facts({ clicks: 10, conversions: 2, revenueMinor: 100, commissionsMinor: 10 })),
      },
    ]);
    // Revenue and conversions are measured zeros; EPC, refund rate and retention have no denominator yet.
    expect(scores.get("rated")!.components).toEqual({ professionalism: 1, revenue: 0, conversions: 0 });
    expect(scores.get("rated")!.score).toBe(25); // (1 x 1 + 2 x 0 + 1 x 0) / 4
    expect(scores.get("new")!.score).toBe(0);
    expect(scores.get("seller")!.components).toEqual({
      professionalism: 0,
      revenue: 1,
      conversions: 1,
      epc: 1,
      commission_roi: 1,
      refund_rate: 1,
    });
    const ratingsOnly = { revenue: 0, conversions: 0 };
    const x = compositeScores(
      [{ id: "x", ratings: { reputation: 3 }, performance: performance(facts({})) }],
      ratingsOnly,
    );
    expect(x.get("x")!.score).toBe(50);
    const y = compositeScores([{ id: "y", ratings: {}, performance: performance(facts({})) }], ratingsOnly);
    expect(y.get("y")!.score).toBeNull();
  });

  it("rate conversion per referred visitor, so it never exceeds 1 however many orders or clicks", () => {
    // The partner of the issue: one click, two orders, both by the one visitor it referred.
    const one = performance(facts({ clicks: 1, conversions: 2, referredVisitors: 1, convertedVisitors: 1 }));
    expect(one.conversion_rate).toBe(1);
    expect(performance(facts({ clicks: 1, conversions: 2, referredVisitors: 4, convertedVisitors: 1 }))).toMatchObject({
      visitors: 4,
      conversion_rate: 0.25,
    });
    // Orders but no referred visit seen (a code typed at checkout): no rate rather than infinity.
    expect(performance(facts({ clicks: 0, conversions: 2 })).conversion_rate).toBeNull();
    const random = seededRandom(11);
    const n = () => Math.floor(random() * 30);
    for (let i = 0; i < 2000; i++) {
      const f = facts({
        clicks: n(),
        uniqueClickers: n(),
        conversions: n(),
        referredVisitors: n(),
        convertedVisitors: n(),
      });
      const rate = performance(f).conversion_rate;
      if (rate === null) expect(f.referredVisitors).toBe(0);
      else {
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
      }
    }
  });

  it("flag refund spikes, click spam, repeated clicks, implausible conversion and self-referrals", () => {
    expect(
      flags(facts({ conversions: 20, recentOrders: 5, recentRefundedOrders: 3, refundedOrders: 3 })).map((f) => f.code),
    ).toEqual(["refund_spike"]);
    expect(flags(facts({ clicks: FLAG_RULES.clickSpamMinClicks, uniqueClickers: 190 })).map((f) => f.code)).toEqual([
      "click_spam",
    ]);
    expect(flags(facts({ clicks: 60, uniqueClickers: 3, conversions: 1 })).map((f) => f.code)).toEqual([
      "repeated_clicks",
    ]);
    expect(flags(facts({ clicks: 10, uniqueClickers: 10, conversions: 9 })).map((f) => f.code)).toEqual([
      "implausible_conversion_rate",
    ]);
    expect(flags(facts({ selfReferrals: 1 })).map((f) => f.code)).toEqual(["self_referral"]);
    expect(
      flags(facts({ clicks: 100, uniqueClickers: 90, conversions: 5, recentOrders: 5, recentRefundedOrders: 1 })),
    ).toEqual([]);
  });
});
