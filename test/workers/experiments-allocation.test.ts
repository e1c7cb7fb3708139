// A creative test's budget allocation through the API: spend imported in USD on a CNY site is
// converted at the site's rate (results' cost and ROAS too), the shares are the model's Thompson
// sampling on the same figures, and tests without spend at their level are refused in the envelope.
import { describe, expect, it } from "vitest";
import { thompsonAllocation } from "../../models/experiments/allocation";
import { expectDocumented } from "./documented";
import { api, collect, createSite, eventsLanded, expectError, unique } from "./helpers";

describe("GET /api/v1/experiments/{key}/allocation", () => {
  it("suggests budget shares from conversions, revenue and converted spend per creative", async () => {
    const site = await createSite({ currency: "CNY" });
    const create = (json: Record<string, unknown>) =>
      api("/api/v1/experiments", { method: "POST", token: site.admin, json: { name: "Ads", ...json } });
    const created = await create({
      key: "ads",
      kind: "creative",
      creative_field: "utm_campaign",
      variants: ["ad-a", "ad-b"],
      primary_metric: "revenue",
    });
    expect(created.status).toBe(201);
    expect((await api("/api/v1/experiments/ads/start", { method: "POST", token: site.admin })).status).toBe(200);
    const now = Date.now() + 1000;
    // ad-a: 4 visitors, 1 buys; ad-b: 4 visitors, 3 buy (¥100 each).
    const visitors: [string, boolean][] = [
      ["ad-a", true],
      ["ad-a", false],
      ["ad-a", false],
      ["ad-a", false],
      ["ad-b", true],
      ["ad-b", true],
      ["ad-b", true],
      ["ad-b", false],
    ];
    let sent = 0;
    for (const [i, [campaign, buys]] of visitors.entries()) {
      const events: unknown[] = [
        {
          id: unique("l"),
          type: "pageview",
          url: `${site.origin}/?utm_source=douyin&utm_medium=cpc&utm_campaign=${campaign}`,
          ts: now,
        },
      ];
      if (buys)
        events.push({
          id: unique("p"),
          type: "purchase",
          url: `${site.origin}/thanks`,
          ts: now + 1000,
          revenue: 100,
          currency: "CNY",
          order_id: unique("o"),
        });
      expect((await collect(site, events, { ip: `10.97.${i}.1` })).status).toBeLessThan(300);
      sent += events.length;
    }
    const day = new Date(now).toISOString().slice(0, 10);
    const cost = (campaign: string, amount: number) => ({
      date: day,
      source: "douyin",
      medium: "cpc",
      campaign,
      cost: amount,
      currency: "USD",
    });
    const costs = [cost("ad-a", 50), cost("ad-b", 50)];
    expect((await api("/api/v1/costs", { method: "POST", token: site.admin, json: costs })).status).toBe(200);
    const rates = [{ date: day, currency: "USD", rate: 7 }];
    expect((await api("/api/v1/fx-rates", { method: "POST", token: site.admin, json: rates })).status).toBe(200);
    await eventsLanded(site.id, sent);

    const res = await api("/api/v1/experiments/ads/allocation", { token: site.read });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      objective: string;
      currency: string;
      variants: { variant: string; cost: number; conversions: number; revenue: number; share: number }[];
    };
    await expectDocumented("GET /api/v1/experiments/{key}/allocation", 200, body);
    expect(body.objective).toBe("revenue");
    expect(body.currency).toBe("CNY");
    const arms = body.variants.map(({ cost, conversions, revenue }) => ({ cost, conversions, revenue }));
    expect(arms).toEqual([
      { cost: 350, conversions: 1, revenue: 100 },
      { cost: 350, conversions: 3, revenue: 300 },
    ]);
    expect(body.variants.map((v) => v.share)).toEqual(thompsonAllocation(arms, "revenue").shares);
    expect(body.variants[1]!.share).toBeGreaterThan(body.variants[0]!.share);
    const byConversions = await api("/api/v1/experiments/ads/allocation?objective=conversions", { token: site.read });
    expect(((await byConversions.json()) as { objective: string }).objective).toBe("conversions");

    // Results show the same converted spend, and ROAS on it.
    const results = (await (await api("/api/v1/experiments/ads/results", { token: site.read })).json()) as {
      cost: number[];
      roas: number[];
    };
    expect(results.cost).toEqual([350, 350]);
    expect(results.roas).toEqual([100 / 350, 300 / 350]);

    // No spend imported yet (and no conversions): no invented return or even split.
    expect(
      (await create({ key: "fresh", kind: "creative", creative_field: "utm_campaign", variants: ["f-a", "f-b"] }))
        .status,
    ).toBe(201);
    expect((await api("/api/v1/experiments/fresh/start", { method: "POST", token: site.admin })).status).toBe(200);
    await expectError(await api("/api/v1/experiments/fresh/allocation", { token: site.read }), 409, "no_spend_yet");
    // No spend level (utm_content), an on-site experiment, a bad objective.
    expect(
      (await create({ key: "content", kind: "creative", creative_field: "utm_content", variants: ["x", "y"] })).status,
    ).toBe(201);
    await expectError(await api("/api/v1/experiments/content/allocation", { token: site.read }), 409, "conflict");
    expect((await create({ key: "onsite", variants: ["x", "y"] })).status).toBe(201);
    await expectError(await api("/api/v1/experiments/onsite/allocation", { token: site.read }), 409, "conflict");
    await expectError(
      await api("/api/v1/experiments/ads/allocation?objective=clicks", { token: site.read }),
      400,
      "validation_failed",
      "objective",
    );
  });
});
