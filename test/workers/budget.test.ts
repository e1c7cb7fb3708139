// Budget advice: the fit recovers known curves, the allocation follows marginal returns and stops
// at the extrapolation cap, and the endpoint says what it left out and why.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { allocate, EXTRAPOLATION_CAP, fitCurve, predict } from "../../models/attribution/budget";
import { expectDocumented } from "./documented";
import { api, createSite } from "./helpers";
import { DAY_MS } from "../../core/time";

const sqrtChannel = (a: number, costs: number[]) => costs.map((cost) => ({ cost, revenue: a * Math.sqrt(cost) }));
const costs = Array.from({ length: 30 }, (_, i) => 100 + ((i * 37) % 200));

describe("response curves and allocation", () => {
  it("recovers a square-root response and refuses channels with too few spend days", () => {
    const curve = fitCurve(sqrtChannel(10, costs))!;
    expect(curve.b).toBeCloseTo(0.5, 6);
    expect(curve.a).toBeCloseTo(10, 6);
    expect(curve.r2).toBeCloseTo(1, 6);
    expect(fitCurve(sqrtChannel(10, [100, 200, 300]))).toBeUndefined();
  });

  it("splits spend where the marginal return is equal, within the caps", () => {
    const curves = new Map([
      ["A", fitCurve(sqrtChannel(10, costs))!],
      ["B", fitCurve(sqrtChannel(3, costs))!],
    ]);
    const { spend, unallocated } = allocate(curves, 400);
    // Optimum of 10 sqrt(x) + 3 sqrt(y) with x + y = 400: x / y = (10/3)^2.
    expect(spend.get("A")!).toBeCloseTo(400 * (100 / 109), -1);
    expect(unallocated).toBeCloseTo(0, 6);
    const capped = allocate(curves, 5000);
    const cap = Math.max(...costs) * EXTRAPOLATION_CAP;
    expect(capped.spend.get("A")!).toBeLessThanOrEqual(cap + 1e-6);
    expect(capped.unallocated).toBeGreaterThan(0);
    expect(predict(curves.get("A")!, 400)).toBeCloseTo(200, 6);
  });
});

describe("GET /api/v1/reports/budget", () => {
  it("moves spend towards the better channel, with the expected change, and explains exclusions and caps", async () => {
    const site = await createSite({ currency: "CNY" });
    const yesterday = new Date(Date.now() - DAY_MS);
    const day = (i: number) => new Date(yesterday.getTime() - i * DAY_MS).toISOString().slice(0, 10);
    const rows = costs.flatMap(
      (cost, i) =>
        [
          ["Paid Search", "baidu", 10 * Math.sqrt(cost), cost, i],
          ["Paid Social", "douyin", 3 * Math.sqrt(cost), cost, i],
        ] as const,
    );
    for (const [channel, , revenue, , i] of rows) {
      const credit = { conversions: 1, value_minor: revenue * 100, new_customers: 1, ltv30_minor: 0, ltv90_minor: 0 };
      await env.DB.prepare(
        "INSERT INTO rollup_daily (site_id, day, dimension, key, sessions, visitors, conversions, new_customers, revenue_minor, refunds_minor, attributed) " +
          "VALUES (?1, ?2, 'channel', ?3, 10, 10, 1, 1, ?4, 0, ?5)",
      )
        .bind(site.id, day(i), channel, Math.round(revenue * 100), JSON.stringify({ last_non_direct: credit }))
        .run();
    }
    const costRows = [
      ...rows.map(([, source, , cost, i]) => ({
        date: day(i),
        source,
        medium: source === "baidu" ? "cpc" : "paid",
        campaign: "c",
        cost,
      })),
      ...[0, 1, 2].map((i) => ({ date: day(i), source: "adnet", medium: "cpc", campaign: "test", cost: 50 })),
    ];
    expect((await api("/api/v1/costs", { method: "POST", token: site.admin, json: costRows })).status).toBe(200);

    const res = await api("/api/v1/reports/budget?days=30", { token: site.read });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      channels: { channel: string; current_daily_spend: number; suggested_daily_spend: number; fit: { b: number } }[];
      expected_daily_revenue_change: { estimate: number; low: number; high: number };
      excluded: { channel: string; reason: string }[];
      daily_budget: number;
    };
    await expectDocumented("GET /api/v1/reports/budget", 200, body);
    const search = body.channels.find((c) => c.channel === "Paid Search")!;
    const social = body.channels.find((c) => c.channel === "Paid Social")!;
    expect(search.fit.b).toBeCloseTo(0.5, 6);
    expect(search.suggested_daily_spend).toBeGreaterThan(search.current_daily_spend);
    expect(social.suggested_daily_spend).toBeLessThan(social.current_daily_spend);
    expect(search.suggested_daily_spend + social.suggested_daily_spend).toBeCloseTo(body.daily_budget, 0);
    expect(body.expected_daily_revenue_change.estimate).toBeGreaterThan(0);
    expect(body.expected_daily_revenue_change.low).toBeLessThanOrEqual(body.expected_daily_revenue_change.estimate);
    expect(body.excluded).toEqual([{ channel: "Paid Other", reason: expect.stringContaining("fewer than 7 days") }]);

    const big = (await (await api("/api/v1/reports/budget?days=30&budget=5000", { token: site.read })).json()) as {
      notes: string[];
    };
    expect(big.notes.join(" ")).toContain("unallocated");
    expect(big.notes.join(" ")).toContain("highest observed daily spend");
    expect((await api("/api/v1/reports/budget?days=3", { token: site.read })).status).toBe(400);

    // 30 days of spend under the default 90-day window: the daily rate divides by the 30 days with data.
    const wide = (await (await api("/api/v1/reports/budget", { token: site.read })).json()) as {
      days_covered: number;
      channels: { channel: string; current_daily_spend: number }[];
    };
    expect(wide.days_covered).toBe(30);
    const perDay = costs.reduce((a, b) => a + b, 0) / 30;
    for (const ch of wide.channels) expect(ch.current_daily_spend).toBeCloseTo(perDay, 2);
    expect(wide.channels.map((c) => c.current_daily_spend)).toEqual(body.channels.map((c) => c.current_daily_spend));
  });
});
