// POST /api/v1/query over the hand-counted event set of query-helpers.ts: every metric, every
// dimension, time buckets across a DST change and a month end in the site's time zone, pagination,
// and the response checked against the OpenAPI document.
import { beforeAll, describe, expect, it } from "vitest";
import type { TestSite } from "./helpers";
import { expectDocumented } from "./documented";
import { byDims, ok, seedQuerySite } from "./query-helpers";

let site: TestSite;
beforeAll(async () => {
  site = await seedQuerySite();
});

const ALL_METRICS = [
  "visitors",
  "visits",
  "pageviews",
  "events",
  "bounce_rate",
  "visit_duration",
  "engaged_time",
  "views_per_visit",
  "conversions",
  "conversion_rate",
  "signups",
  "revenue",
  "average_order_value",
  "cost",
  "roi",
  "roas",
];

describe("metrics", () => {
  it("totals every metric over the three days", async () => {
    const body = await ok(site, { metrics: ALL_METRICS });
    await expectDocumented("POST /api/v1/query", 200, body);
    expect(body.results).toHaveLength(1);
    expect(body.results[0]!.dimensions).toEqual([]);
    expect(Object.fromEntries(ALL_METRICS.map((m, i) => [m, body.results[0]!.metrics[i]]))).toEqual({
      visitors: 4, // v1-v4 (v9 is outside the range)
      visits: 5, // S1-S5
      pageviews: 7, // 2 + 1 + 1 + 2 + 1
      events: 12, // everything but the engagement event: 3 + 1 + 3 + 4 + 1
      bounce_rate: 40, // S2 and S5 of 5 (S3 has one page view, but signed up): percent, as Plausible
      visit_duration: 312, // (360 + 0 + 600 + 600 + 0) / 5 seconds
      engaged_time: 12, // 60 s / 5 visits
      views_per_visit: 1.4, // 7 / 5
      conversions: 2, // o1, o2
      conversion_rate: 50, // v1 and v3 of 4 visitors, percent
      signups: 1,
      revenue: 278, // 199 + (99 - 20 refunded), CNY
      average_order_value: 139, // 278 / 2
      cost: 150, // 100 + 50 of Baidu spend
      roi: 0.8533, // (278 - 150) / 150 = 0.85333, 4 decimals as the ROI report
      roas: 1.8533, // 278 / 150 = 1.85333
    });
    expect(body.meta).toMatchObject({
      currency: "CNY",
      time_zone: "America/New_York",
      date_range: ["2026-10-31", "2026-11-02"],
      comparison_date_range: null,
      total_rows: 1,
      source: "events",
      warnings: [],
    });
    expect(body.query).toMatchObject({
      site_id: site.id,
      metrics: ALL_METRICS,
      dimensions: [],
      order_by: [["visitors", "desc"]],
      pagination: { limit: 100, offset: 0 },
    });
  });
});

describe("visit dimensions", () => {
  it("breaks down by channel with spend, ROI and ROAS where spend is known", async () => {
    const body = await ok(site, {
      metrics: [
        "visitors",
        "visits",
        "pageviews",
        "bounce_rate",
        "visit_duration",
        "conversions",
        "revenue",
        "cost",
        "roi",
        "roas",
        "conversion_rate",
      ],
      dimensions: ["visit:channel"],
    });
    // Default order: the first metric, descending; ties by the dimension.
    expect(body.results.map((r) => r.dimensions[0])).toEqual(["Paid Search", "Direct", "Email", "Organic Social"]);
    expect(byDims(body)).toEqual({
      "Paid Search": [2, 2, 3, 50, 180, 1, 199, 150, 0.3267, 1.3267, 50], // S1 + S5; (199 - 150) / 150
      Direct: [1, 1, 1, 0, 600, 0, 0, 0, null, null, 0], // S3: no spend, so no ROI (never 0)
      Email: [1, 1, 1, 100, 0, 0, 0, 0, null, null, 0],
      "Organic Social": [1, 1, 2, 0, 600, 1, 79, 0, null, null, 100],
    });
    expect(body.meta.total_rows).toBe(4);
  });

  it("breaks down by source, medium, campaign, content, term and partner", async () => {
    const visits = async (dimension: string) =>
      byDims(await ok(site, { metrics: ["visits"], dimensions: [dimension] }));
    expect(await visits("visit:source")).toEqual({ baidu: [2], newsletter: [1], "(direct)": [1], zhihu: [1] });
    expect(await visits("visit:medium")).toEqual({ cpc: [2], email: [1], "(none)": [1], social: [1] });
    expect(await visits("visit:campaign")).toEqual({ brand: [2], weekly: [1], "(direct)": [1], "(not set)": [1] });
    expect(await visits("visit:utm_content")).toEqual({ "(none)": [4], banner: [1] });
    expect(await visits("visit:utm_term")).toEqual({ "(none)": [4], python: [1] });
    expect(await visits("visit:partner")).toEqual({ "(none)": [4], laowang: [1] });
  });

  it("breaks down by entry and exit page, country, region, device, browser and OS", async () => {
    const visitors = async (dimension: string) =>
      byDims(await ok(site, { metrics: ["visitors", "visits"], dimensions: [dimension] }));
    expect(await visitors("visit:entry_page")).toEqual({
      "/courses/py-101": [2, 2], // S3 (v2), S5 (v4)
      "/": [1, 1],
      "/blog/a": [1, 1],
      "/courses/ds-201": [1, 1],
    });
    expect(await visitors("visit:exit_page")).toEqual({
      "/courses/py-101": [3, 3], // S1 (after /), S3, S5
      "/blog/a": [1, 1],
      "/pricing": [1, 1], // S4's last page view
    });
    expect(await visitors("visit:country")).toEqual({ CN: [3, 3], US: [1, 2] });
    expect(await visitors("visit:region")).toEqual({ "(none)": [3, 4], BJ: [1, 1] });
    expect(await visitors("visit:device")).toEqual({ desktop: [2, 2], mobile: [2, 3] });
    expect(await visitors("visit:browser")).toEqual({ Chrome: [2, 2], "Mobile Safari": [2, 3] });
    expect(await visitors("visit:os")).toEqual({ "Mac OS": [2, 2], iOS: [2, 3] });
  });
});

describe("event dimensions", () => {
  it("breaks down by page: page views, events and engaged time where they happened", async () => {
    const body = await ok(site, {
      metrics: ["visitors", "pageviews", "events", "engaged_time"],
      dimensions: ["event:page"],
      order_by: [["event:page", "asc"]],
    });
    expect(body.results.map((r) => r.dimensions[0])).toEqual([
      "(none)",
      "/",
      "/blog/a",
      "/checkout",
      "/courses/ds-201",
      "/courses/py-101",
      "/pricing",
    ]);
    expect(byDims(body)).toEqual({
      "(none)": [2, 0, 3, 0], // signup, lesson_start (v2), refund (v3): no URL
      "/": [1, 1, 1, 0],
      "/blog/a": [1, 1, 1, 0],
      "/checkout": [2, 0, 2, 0], // the two purchases
      "/courses/ds-201": [1, 1, 1, 0],
      "/courses/py-101": [3, 3, 3, 20], // S1, S3, S5; S1's 60 s over those 3 visits
      "/pricing": [1, 1, 1, 0],
    });
  });

  it("breaks down by event name", async () => {
    const body = await ok(site, { metrics: ["visitors", "events"], dimensions: ["event:name"] });
    expect(byDims(body)).toEqual({
      pageview: [4, 7],
      purchase: [2, 2],
      engagement: [1, 0], // engagement measures time on a page: never counted as an event
      lesson_start: [1, 1],
      refund: [1, 1],
      signup: [1, 1],
    });
  });

  it("breaks down by course: page views of its pages, and each order line's share of the net revenue", async () => {
    const body = await ok(site, { metrics: ["pageviews", "conversions", "revenue"], dimensions: ["event:item"] });
    expect(byDims(body)).toEqual({
      // Page views of /courses/py-101 (3), o1 (199) and o2's line at 40 of 100 list: 0.4 x 79 net.
      "py-101": [3, 2, 230.6],
      "ds-201": [1, 1, 47.4], // 0.6 x 79
      "(none)": [3, 0, 0], // /, /blog/a, /pricing
    });
  });

  it("breaks down by a custom property", async () => {
    const course = await ok(site, { metrics: ["events"], dimensions: ["event:props:course"] });
    expect(byDims(course)).toEqual({ "(none)": [11], "py-101": [1] });
    const free = await ok(site, { metrics: ["visitors"], dimensions: ["event:props:free"] });
    expect(byDims(free)).toEqual({ "(none)": [4], true: [1] }); // booleans read as "true"/"false"
  });
});

describe("segments", () => {
  it("breaks down by one kind of segment, and by every segment, keyed by user id or visitor id", async () => {
    const rfm = await ok(site, { metrics: ["visitors", "revenue"], dimensions: ["segment:rfm"] });
    // v2's first visit was anonymous: identify() ties it to u2, so it counts as loyal too.
    expect(byDims(rfm)).toEqual({ champions: [2, 278], loyal: [1, 0], "(none)": [1, 0] });
    const any = await ok(site, { metrics: ["visitors"], dimensions: ["segment"] });
    expect(byDims(any)).toEqual({ champions: [2], loyal: [1], pro: [1], "(none)": [1] });
  });

  it("filters by segment", async () => {
    const pro = await ok(site, { metrics: ["visitors", "visits"], filters: [["is", "segment", ["pro"]]] });
    expect(pro.results[0]!.metrics).toEqual([1, 1]);
    const notChampions = await ok(site, {
      metrics: ["visitors"],
      filters: [["is_not", "segment:rfm", ["champions"]]],
    });
    expect(notChampions.results[0]!.metrics).toEqual([2]); // v2 (loyal), v4 (none)
    const none = await ok(site, { metrics: ["visitors"], filters: [["is", "segment", ["(none)"]]] });
    expect(none.results[0]!.metrics).toEqual([1]); // v4
  });
});

describe("time dimensions in the site's time zone", () => {
  it("puts 23:30 EDT on 31 Oct (UTC: 1 Nov) and 23:30 EST on 1 Nov (UTC: 2 Nov) on their local days", async () => {
    const body = await ok(site, {
      metrics: ["visitors", "visits", "pageviews"],
      dimensions: ["time:day"],
      include: { time_labels: true },
    });
    expect(body.results).toEqual([
      { dimensions: ["2026-10-31"], metrics: [2, 2, 3] }, // S1, S2
      { dimensions: ["2026-11-01"], metrics: [2, 2, 3] }, // S3, S4
      { dimensions: ["2026-11-02"], metrics: [1, 1, 1] }, // S5
    ]);
    expect(body.meta.time_labels).toEqual(["2026-10-31", "2026-11-01", "2026-11-02"]);
  });

  it("buckets by local hour on the day summer time ends", async () => {
    const body = await ok(site, {
      metrics: ["pageviews", "events"],
      dimensions: ["time:hour"],
      date_range: ["2026-11-01", "2026-11-01"],
      include: { time_labels: true },
    });
    expect(byDims(body)).toEqual({ "2026-11-01 01:00:00": [1, 3], "2026-11-01 23:00:00": [2, 4] });
    // 25 hours that day, with 01:00 twice: the wall-clock labels list it once.
    expect(body.meta.time_labels).toHaveLength(24);
    expect(body.meta.time_labels![0]).toBe("2026-11-01 00:00:00");
  });

  it("buckets by week (Monday) and by month across the month end", async () => {
    const weeks = await ok(site, { metrics: ["visits"], dimensions: ["time:week"] });
    expect(byDims(weeks)).toEqual({ "2026-10-26": [4], "2026-11-02": [1] });
    const months = await ok(site, { metrics: ["visitors", "visits"], dimensions: ["time:month"] });
    expect(months.results).toEqual([
      { dimensions: ["2026-10-01"], metrics: [2, 2] }, // S2 is 1 Nov in UTC but 31 Oct here
      { dimensions: ["2026-11-01"], metrics: [3, 3] },
    ]);
  });

  it("combines a time dimension with another, ordered by time first", async () => {
    const body = await ok(site, { metrics: ["visits"], dimensions: ["time:day", "visit:channel"] });
    expect(body.results.map((r) => [...r.dimensions, r.metrics[0]])).toEqual([
      ["2026-10-31", "Email", 1],
      ["2026-10-31", "Paid Search", 1],
      ["2026-11-01", "Direct", 1],
      ["2026-11-01", "Organic Social", 1],
      ["2026-11-02", "Paid Search", 1],
    ]);
  });
});

describe("pagination", () => {
  it("pages through ordered rows with the total count", async () => {
    const page = (offset: number) =>
      ok(site, {
        metrics: ["visits", "pageviews"],
        dimensions: ["visit:channel"],
        order_by: [["pageviews", "desc"]],
        pagination: { limit: 2, offset },
      });
    const first = await page(0);
    const second = await page(2);
    const third = await page(4);
    expect(first.results.map((r) => r.dimensions[0])).toEqual(["Paid Search", "Organic Social"]);
    expect(second.results.map((r) => r.dimensions[0])).toEqual(["Direct", "Email"]);
    expect(third.results).toEqual([]);
    expect([first.meta.total_rows, second.meta.total_rows]).toEqual([4, 4]);
  });

  it("pages rows sorted by cost, which only JavaScript knows", async () => {
    const body = await ok(site, {
      metrics: ["cost", "visits"],
      dimensions: ["visit:source"],
      order_by: [["cost", "desc"]],
      pagination: { limit: 1, offset: 0 },
    });
    expect(body.results).toEqual([{ dimensions: ["baidu"], metrics: [150, 2] }]);
    expect(body.meta.total_rows).toBe(4);
  });
});
