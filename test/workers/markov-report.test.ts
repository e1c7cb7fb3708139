// GET /api/v1/reports/markov: the site's own Markov chain over its recent journeys, worked out by
// hand. Three customers, by source: u1 comes from bilibili and buys; u2 comes from wechat, a day
// later from bilibili, and buys; u3 comes from baidu and does not buy. Paths: [bilibili] → buy,
// [wechat, bilibili] → buy, [baidu] → no buy.
import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../core/time";
import { expectDocumented } from "./documented";
import { api, createSite, eventsLanded, expectError, unique } from "./helpers";

const origin = "https://learn.example.com";
const visit = (user: string, ts: number, source: string) => ({
  id: unique("e"),
  type: "pageview",
  user_id: user,
  visitor_id: `v-${user}`,
  ts,
  url: `${origin}/courses/py?utm_source=${source}&utm_medium=cpc`,
});
const buy = (user: string, ts: number) => ({
  id: unique("e"),
  type: "purchase",
  user_id: user,
  visitor_id: `v-${user}`,
  ts,
  order_id: unique("o"),
  revenue: 99,
  currency: "USD",
});

describe("the site's Markov chain", () => {
  it("gives the transition probabilities and removal effects of its journeys", async () => {
    const site = await createSite({ currency: "USD" });
    const t = Date.now() - 5 * DAY_MS;
    const events = [
      visit("u1", t, "bilibili"),
      buy("u1", t + 60_000),
      visit("u2", t, "wechat"),
      visit("u2", t + DAY_MS, "bilibili"),
      buy("u2", t + DAY_MS + 60_000),
      visit("u3", t, "baidu"),
    ];
    const sent = await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });
    expect(sent.status).toBe(202);
    await eventsLanded(site.id, events.length);

    const res = await api("/api/v1/reports/markov?dimension=source", { token: site.read });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    await expectDocumented("GET /api/v1/reports/markov", 200, body);
    expect(body).toMatchObject({ dimension: "source", paths: 3, conversions: 2, nulls: 1 });
    expect(body.transition_matrix["(start)"]).toEqual({ bilibili: 0.3333, wechat: 0.3333, baidu: 0.3333 });
    expect(body.transition_matrix.wechat).toEqual({ bilibili: 1 });
    expect(body.transition_matrix.bilibili).toEqual({ "(conversion)": 1 });
    expect(body.transition_matrix.baidu).toEqual({ "(null)": 1 });
    expect(body.conversion_probability).toBe(0.6667);
    // Without bilibili nothing converts; without wechat half of the conversions are lost; baidu adds none.
    expect(body.removal_effects).toEqual([
      { value: "bilibili", removal_effect: 1 },
      { value: "wechat", removal_effect: 0.5 },
      { value: "baidu", removal_effect: 0 },
    ]);
  });

  it("refuses an unknown dimension with the envelope, naming the field", async () => {
    const site = await createSite();
    await expectError(
      await api("/api/v1/reports/markov?dimension=content", { token: site.read }),
      400,
      "validation_failed",
      "dimension",
    );
  });
});
