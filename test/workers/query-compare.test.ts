// Comparison periods, answers from the daily rollup (equal to the raw-event answers), exchange
// rates, and GET /api/v1/realtime.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ROLLUP_SAFETY_MARGIN_MS, rollupSite } from "../../jobs/rollup";
import { getSite } from "../../schema/queries/sites";
import { expectDocumented } from "./documented";
import { api, createSite, eventsLanded, type TestSite, unique } from "./helpers";
import { byDims, ok, seedQuerySite } from "./query-helpers";

let site: TestSite;
beforeAll(async () => {
  site = await seedQuerySite();
});

describe("compare", () => {
  it("compares with the previous period: percent change, points for rates", async () => {
    const body = await ok(site, {
      metrics: ["visits", "pageviews", "events", "bounce_rate", "revenue"],
      date_range: ["2026-11-01", "2026-11-02"],
      compare: "previous_period",
    });
    await expectDocumented("POST /api/v1/query", 200, body);
    expect(body.meta.comparison_date_range).toEqual(["2026-10-30", "2026-10-31"]);
    // Now S3, S4, S5; before: v9's visit on 30 Oct, S1, S2.
    expect(body.results).toEqual([
      {
        dimensions: [],
        metrics: [3, 4, 8, 33, 79],
        comparison: { dimensions: [], metrics: [3, 4, 5, 67, 199], change: [0, 0, 60, -34, -60.3] },
      },
    ]);
  });

  it("lines time buckets up by position", async () => {
    const body = await ok(site, {
      metrics: ["visits"],
      dimensions: ["time:day"],
      date_range: ["2026-11-01", "2026-11-02"],
      compare: "previous_period",
      include: { time_labels: true },
    });
    expect(body.results).toEqual([
      {
        dimensions: ["2026-11-01"],
        metrics: [2],
        comparison: { dimensions: ["2026-10-30"], metrics: [1], change: [100] },
      },
      {
        dimensions: ["2026-11-02"],
        metrics: [1],
        comparison: { dimensions: ["2026-10-31"], metrics: [2], change: [-50] },
      },
    ]);
    expect(body.meta.comparison_time_labels).toEqual(["2026-10-30", "2026-10-31"]);
  });

  it("compares the rows of the page shown; a group absent before has no change", async () => {
    const body = await ok(site, {
      metrics: ["visits"],
      dimensions: ["visit:channel"],
      date_range: ["2026-11-01", "2026-11-02"],
      compare: "previous_period",
      pagination: { limit: 2 },
    });
    expect(body.results).toEqual([
      { dimensions: ["Direct"], metrics: [1], comparison: { dimensions: ["Direct"], metrics: [1], change: [0] } },
      {
        dimensions: ["Organic Social"],
        metrics: [1],
        comparison: { dimensions: ["Organic Social"], metrics: [0], change: [null] },
      },
    ]);
    expect(body.meta.total_rows).toBe(3);
  });

  it("compares with the same days a year before", async () => {
    const body = await ok(site, {
      metrics: ["visits"],
      date_range: ["2026-11-01", "2026-11-02"],
      compare: "year_over_year",
    });
    expect(body.meta.comparison_date_range).toEqual(["2025-11-01", "2025-11-02"]);
    expect(body.results[0]!.comparison).toEqual({ dimensions: [], metrics: [0], change: [null] });
  });
});

describe("answers from the daily rollup", () => {
  it("gives the raw events' figures once the rollup holds the whole range", async () => {
    const own = await seedQuerySite();
    const queries: Record<string, unknown>[] = [
      {
        metrics: ["visits", "conversions", "revenue", "average_order_value", "cost", "roi", "roas"],
        dimensions: ["visit:channel"],
      },
      {
        metrics: ["visits", "revenue", "cost"],
        dimensions: ["time:day", "visit:source"],
        filters: [["is", "visit:source", ["baidu", "zhihu"]]],
      },
      { metrics: ["visits", "conversions", "revenue"], dimensions: ["visit:partner"] },
      { metrics: ["revenue", "cost", "roas"], dimensions: ["time:month"], compare: "previous_period" },
      { metrics: ["visits"], filters: [["matches", "visit:campaign", ["^b"]]] },
    ];
    const before = [];
    for (const q of queries) before.push(await ok(own, q));
    expect(before.map((b) => b.meta.source)).toEqual(queries.map(() => "events"));
    expect(byDims(before[0]!)).toEqual({
      "Paid Search": [2, 1, 199, 199, 150, 0.3267, 1.3267],
      Direct: [1, 0, 0, null, 0, null, null],
      Email: [1, 0, 0, null, 0, null, null],
      "Organic Social": [1, 1, 79, 79, 0, null, null],
    });
    expect(byDims(before[1]!)).toEqual({
      "2026-10-31|baidu": [1, 199, 100],
      "2026-11-01|zhihu": [1, 79, 0],
      "2026-11-02|baidu": [1, 0, 50],
    });

    const row = (await getSite(env.DB, { siteId: own.id }))!;
    await rollupSite(siteDatabase(env, row.id), row, Date.now() + ROLLUP_SAFETY_MARGIN_MS, { full: true });
    for (const [i, q] of queries.entries()) {
      const after = await ok(own, q);
      expect(after.meta.source, JSON.stringify(q)).toBe("rollup");
      expect(after.meta.data_until).not.toBeNull();
      expect(after.results, JSON.stringify(q)).toEqual(before[i]!.results);
      expect(after.meta.total_rows).toBe(before[i]!.meta.total_rows);
    }
    // What the rollup does not keep still comes from raw events: distinct visitors, a page, today.
    expect((await ok(own, { metrics: ["visitors", "visits"], dimensions: ["visit:channel"] })).meta.source).toBe(
      "events",
    );
    expect((await ok(own, { metrics: ["visits"], dimensions: ["event:page"] })).meta.source).toBe("events");
    expect((await ok(own, { metrics: ["visits"], date_range: "day" })).meta.source).toBe("events");
  });
});

describe("currencies", () => {
  it("converts purchases with the site's exchange rates and warns about a missing rate", async () => {
    const shop = await createSite({ currency: "CNY", timezone: "Asia/Shanghai" });
    const buy = (visitor: string, revenue: number, currency: string) => ({
      id: unique("p"),
      type: "purchase",
      visitor_id: visitor,
      ts: Date.parse("2026-11-10T04:00:00Z"),
      order_id: unique("o"),
      revenue,
      currency,
    });
    const events = [buy("a", 10, "USD"), buy("b", 1000, "JPY"), buy("c", 50, "CNY")];
    expect((await api("/api/v1/events", { method: "POST", token: shop.ingest, json: { events } })).status).toBe(202);
    const rates = (rows: unknown[]) => api("/api/v1/fx-rates", { method: "POST", token: shop.admin, json: rows });
    expect((await rates([{ date: "2026-11-01", currency: "USD", rate: 7.2 }])).status).toBe(200);
    await eventsLanded(shop.id, 3);
    const ask = () =>
      api("/api/v1/query", {
        method: "POST",
        token: shop.read,
        json: { metrics: ["conversions", "revenue", "average_order_value"], date_range: ["2026-11-10", "2026-11-10"] },
      }).then((r) => r.json() as Promise<{ results: { metrics: number[] }[]; meta: { warnings: { code: string }[] } }>);
    const missing = await ask();
    expect(missing.results[0]!.metrics).toEqual([3, 122, 40.67]); // 10 USD x 7.2 + 50; the yen left out
    expect(missing.meta.warnings.map((w) => w.code)).toEqual(["missing_fx_rate"]);
    expect((await rates([{ date: "2026-11-09", currency: "JPY", rate: 0.05 }])).status).toBe(200);
    const all = await ask();
    expect(all.results[0]!.metrics).toEqual([3, 172, 57.33]); // + 1000 JPY x 0.05
    expect(all.meta.warnings).toEqual([]);
  });
});

describe("GET /api/v1/realtime", () => {
  it("counts the last 30 minutes, with the top pages and sources", async () => {
    const live = await createSite();
    const now = Date.now();
    const pv = (visitor: string, path: string, minutesAgo: number) => ({
      id: unique("r"),
      type: "pageview",
      visitor_id: visitor,
      ts: now - minutesAgo * 60_000,
      url: `${live.origin}${path}`,
    });
    const events = [
      pv("a", "/a?utm_source=zhihu&utm_medium=social", 5),
      pv("a", "/b", 4),
      pv("b", "/a", 2),
      pv("c", "/old", 45),
    ];
    expect((await api("/api/v1/events", { method: "POST", token: live.ingest, json: { events } })).status).toBe(202);
    await eventsLanded(live.id, 4);
    const res = await api("/api/v1/realtime", { token: live.read });
    expect(res.status).toBe(200);
    const body = await res.json();
    await expectDocumented("GET /api/v1/realtime", 200, body);
    expect(body).toMatchObject({
      visitors: 2,
      visits: 2,
      pageviews: 3,
      events: 3,
      top_pages: [
        { page: "/a", visitors: 2, pageviews: 2 },
        { page: "/b", visitors: 1, pageviews: 1 },
      ],
      top_sources: [
        { source: "(direct)", visitors: 1 },
        { source: "zhihu", visitors: 1 },
      ],
    });
    const other = await createSite();
    expect((await api(`/api/v1/realtime?site_id=${live.id}`, { token: other.read })).status).toBe(403);
  });
});
