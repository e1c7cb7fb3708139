// The ROI rollup is incremental and idempotent (equal to a full rebuild), nets refunds, converts
// currencies (a missing rate is reported), and the reports and cost import give hand-checked figures.
import { siteDatabase } from "../../schema/databases";
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { rollupSite, ROLLUP_SAFETY_MARGIN_MS } from "../../jobs/rollup";
import { getSite } from "../../schema/queries/sites";
import { api, BASE, createSite, eventsLanded, type TestSite, unique } from "./helpers";

const DAY = 86_400_000;
const T0 = Date.parse("2026-11-10T04:00:00Z"); // noon in Shanghai

async function send(site: TestSite, events: Record<string, unknown>[]) {
  const res = await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });
  expect(res.status).toBe(202);
}

/** Runs the rollup as the cron would, late enough that everything received so far is included. */
async function rollup(site: TestSite, full = false) {
  const row = (await getSite(env.DB, { siteId: site.id }))!;
  return rollupSite(siteDatabase(env, row.id), row, Date.now() + ROLLUP_SAFETY_MARGIN_MS, { full });
}

async function snapshot(siteId: string) {
  const { results } = await env.DB.prepare(
    "SELECT day, dimension, key, sessions, visitors, conversions, new_customers, revenue_minor, refunds_minor, attributed, missing_fx " +
      "FROM rollup_daily WHERE site_id = ?1 ORDER BY day, dimension, key",
  )
    .bind(siteId)
    .all();
  return results;
}

const visit = (visitor: string, ts: number, url: string, extra: Record<string, unknown> = {}) => ({
  id: unique("v"),
  type: "pageview",
  visitor_id: visitor,
  ts,
  url,
  ...extra,
});

async function roi(site: TestSite, query: string) {
  const res = await api(`/api/v1/reports/roi?${query}`, { token: site.read });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    rows: Record<string, number | string | null>[];
    totals: Record<string, number | null>;
    issues: unknown[];
  };
}

describe("incremental ROI rollup", () => {
  it("credits purchases by every model, nets refunds, and equals a full rebuild after late events", async () => {
    const site = await createSite({ currency: "CNY", timezone: "Asia/Shanghai" });
    const o = site.origin;
    // Learner 1: Zhihu two days before, a Baidu ad on the day, buys 199 CNY.
    await send(site, [
      visit("v1", T0 - 2 * DAY, `${o}/?utm_source=zhihu&utm_medium=social&utm_campaign=answer`),
      visit("v1", T0, `${o}/?utm_source=baidu&utm_medium=cpc&utm_campaign=brand`),
      {
        id: unique(),
        type: "purchase",
        visitor_id: "v1",
        user_id: "u1",
        ts: T0 + 60_000,
        order_id: "o1",
        revenue: 199,
        currency: "CNY",
      },
      // Learner 2: newsletter, buys 99 CNY the same day.
      visit("v2", T0 + 3600_000, `${o}/?utm_source=newsletter&utm_medium=email&utm_campaign=weekly`),
      {
        id: unique(),
        type: "purchase",
        visitor_id: "v2",
        user_id: "u2",
        ts: T0 + 3660_000,
        order_id: "o2",
        revenue: 99,
        currency: "CNY",
      },
    ]);
    await eventsLanded(site.id, 5);
    const first = await rollup(site);
    expect(first.days).toBeGreaterThanOrEqual(3);
    const once = await snapshot(site.id);
    expect(await rollup(site)).toEqual({ days: 0, events: 0 }); // nothing new: nothing to do
    expect(await snapshot(site.id)).toEqual(once); // idempotent

    const byLastTouch = await roi(site, "from=2026-11-08&to=2026-11-10&model=last_touch");
    expect(byLastTouch.rows.find((r) => r.channel === "Paid Search")).toMatchObject({ conversions: 1, revenue: 199 });
    expect(byLastTouch.rows.find((r) => r.channel === "Email")).toMatchObject({
      conversions: 1,
      revenue: 99,
      new_customers: 1,
    });
    const linear = await roi(site, "from=2026-11-08&to=2026-11-10&model=linear");
    expect(linear.rows.find((r) => r.channel === "Organic Social")).toMatchObject({ conversions: 0.5, revenue: 99.5 });
    const firstTouch = await roi(site, "from=2026-11-08&to=2026-11-10&model=first_touch&group_by=campaign");
    expect(firstTouch.rows.find((r) => r.campaign === "answer")).toMatchObject({ conversions: 1, revenue: 199 });
    expect(byLastTouch.totals).toMatchObject({ conversions: 2, revenue: 298, new_customers: 2 });
    expect(Date.parse(String((byLastTouch as unknown as { data_until: string }).data_until))).toBeGreaterThan(T0);
    const markov = await roi(site, "from=2026-11-08&to=2026-11-10&model=markov");
    expect(markov.totals.conversions).toBeCloseTo(2, 6); // the fitted chain's credit adds up to every conversion
    expect(markov.totals.revenue).toBeCloseTo(298, 2);

    // Late and corrective events: a refund of o1, a late page view two days back, a repeat purchase.
    await send(site, [
      { id: unique(), type: "refund", visitor_id: "v1", user_id: "u1", ts: T0 + 2 * DAY, order_id: "o1" },
      visit("v3", T0 - 2 * DAY + 5000, `${o}/?utm_source=bilibili&utm_medium=referral`),
      {
        id: unique(),
        type: "purchase",
        visitor_id: "v2",
        user_id: "u2",
        ts: T0 + 5 * DAY,
        order_id: "o3",
        revenue: 49,
        currency: "CNY",
      },
    ]);
    await eventsLanded(site.id, 8);
    const incremental = await rollup(site);
    expect(incremental.events).toBe(3); // reads what is new, not the history
    const afterIncremental = await snapshot(site.id);
    await rollup(site, true);
    expect(await snapshot(site.id)).toEqual(afterIncremental); // incremental == full rebuild

    const net = await roi(site, "from=2026-11-08&to=2026-11-15&model=last_touch");
    expect(net.rows.find((r) => r.channel === "Paid Search")).toMatchObject({ conversions: 1, revenue: 0 }); // refunded
    // The repeat purchase comes in its own (direct) session: last touch credits Direct with it,
    // while Email, which acquired the customer, carries the customer's 30-day value.
    expect(net.rows.find((r) => r.channel === "Email")).toMatchObject({ revenue: 99, new_customers: 1, ltv_30: 148 });
    expect(net.rows.find((r) => r.channel === "Direct")).toMatchObject({ revenue: 49, new_customers: 0 });
    const nonDirect = await roi(site, "from=2026-11-08&to=2026-11-15&model=last_non_direct");
    expect(nonDirect.rows.find((r) => r.channel === "Email")).toMatchObject({ revenue: 148, conversions: 2 });
    expect(net.rows.find((r) => r.channel === "Organic Video")).toMatchObject({ sessions: 1 });
  });

  it("converts other currencies with the site's rates, and reports a missing rate instead of a zero", async () => {
    const site = await createSite({ currency: "CNY", timezone: "Asia/Shanghai" });
    await send(site, [
      visit("w1", T0, `${site.origin}/?utm_source=google&utm_medium=cpc`),
      {
        id: unique(),
        type: "purchase",
        visitor_id: "w1",
        ts: T0 + 1000,
        order_id: "usd-1",
        revenue: 10,
        currency: "USD",
      },
    ]);
    await eventsLanded(site.id, 2);
    await rollup(site);
    const missing = await roi(site, "from=2026-11-10&to=2026-11-10");
    expect(missing.issues).toEqual([{ code: "missing_fx_rate", currency: "USD", date: "2026-11-10" }]);
    expect(missing.totals.revenue).toBe(0);

    const rates = await api("/api/v1/fx-rates", {
      method: "POST",
      token: site.admin,
      json: [{ date: "2026-11-01", currency: "USD", rate: 7.1 }],
    });
    expect(await rates.json()).toEqual({ imported: 1, rejected: [] });
    await rollup(site, true);
    const converted = await roi(site, "from=2026-11-10&to=2026-11-10");
    expect(converted.issues).toEqual([]);
    expect(converted.totals.revenue).toBe(71); // the latest rate on or before the day carries forward
  });
});

describe("attribution settings", () => {
  it("leaves touches older than the site's lookback out of the path", async () => {
    const site = await createSite({ currency: "CNY", timezone: "Asia/Shanghai", lookback_days: 1 });
    await send(site, [
      visit("l1", T0 - 2 * DAY, `${site.origin}/?utm_source=zhihu&utm_medium=social`),
      visit("l1", T0, `${site.origin}/?utm_source=baidu&utm_medium=cpc`),
      {
        id: unique(),
        type: "purchase",
        visitor_id: "l1",
        ts: T0 + 1000,
        order_id: "l-1",
        revenue: 10,
        currency: "CNY",
      },
    ]);
    await eventsLanded(site.id, 3);
    await rollup(site);
    const report = await roi(site, "from=2026-11-08&to=2026-11-10&model=first_touch");
    expect(report.rows.find((r) => r.channel === "Paid Search")).toMatchObject({ conversions: 1, revenue: 10 });
    expect(report.rows.find((r) => r.channel === "Organic Social")).toMatchObject({ conversions: 0, sessions: 1 });
    const bad = await api(`/api/v1/sites/${site.id}`, {
      method: "PATCH",
      token: site.admin,
      json: { lookback_days: 91 },
    });
    expect(bad.status).toBe(400);
  });
});

describe("ad spend", () => {
  const csv = [
    "date,utm_source,utm_medium,campaign_name,campaign_id,daily_cost,daily_impressions,daily_clicks",
    "2026-11-10,baidu,cpc,brand,c-1,50.00,1000,40",
    "2026-11-10,douyin,paid,spring,c-2,120.50,,",
    "2026-13-01,baidu,cpc,brand,c-1,5,1,1",
    "2026-11-10,baidu,cpc,brand,c-1,lots,1,1",
    "2026-11-11,weixin,cpc,gzh,,30,,",
  ].join("\n");
  const postCsv = (site: TestSite, body: string) =>
    SELF.fetch(`${BASE}/api/v1/costs`, {
      method: "POST",
      headers: { authorization: `Bearer ${site.admin}`, "content-type": "text/csv" },
      body,
    });

  it("imports GA4 cost-import CSV, reports bad lines, and replaces on re-import", async () => {
    const site = await createSite({ currency: "CNY", timezone: "Asia/Shanghai" });
    const res = await postCsv(site, csv);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { imported: number; rejected: { line: number; issues: { path: string }[] }[] };
    expect(body.imported).toBe(3);
    expect(body.rejected.map((r) => r.line)).toEqual([4, 5]);
    expect(body.rejected[0]!.issues[0]!.path).toBe("line.4.date");
    expect(body.rejected[1]!.issues[0]!.path).toBe("line.5.cost");
    await postCsv(site, csv); // again: replaced, not doubled
    const { results } = await env.DB.prepare(
      "SELECT channel, sum(cost_minor) AS cost FROM costs WHERE site_id = ?1 GROUP BY channel ORDER BY channel",
    )
      .bind(site.id)
      .all();
    expect(results).toEqual([
      { channel: "Paid Search", cost: 5000 },
      { channel: "Paid Social", cost: 12050 + 3000 },
    ]);
    expect((await postCsv({ ...site, admin: site.read }, csv)).status).toBe(403); // admin scope only
  });

  it("puts spend beside attributed revenue: ROI, ROAS and CAC per channel", async () => {
    const site = await createSite({ currency: "CNY", timezone: "Asia/Shanghai" });
    await send(site, [
      visit("b1", T0, `${site.origin}/?utm_source=baidu&utm_medium=cpc&utm_campaign=brand`),
      {
        id: unique(),
        type: "purchase",
        visitor_id: "b1",
        ts: T0 + 1000,
        order_id: "b-1",
        revenue: 200,
        currency: "CNY",
      },
    ]);
    await eventsLanded(site.id, 2);
    await postCsv(site, csv);
    await rollup(site);
    const report = await roi(site, "from=2026-11-10&to=2026-11-11");
    expect(report.rows.find((r) => r.channel === "Paid Search")).toMatchObject({
      revenue: 200,
      cost: 50,
      roi: 3,
      roas: 4,
      cac: 50,
      new_customers: 1,
    });
    expect(report.rows.find((r) => r.channel === "Paid Social")).toMatchObject({
      revenue: 0,
      cost: 150.5,
      roi: -1,
      cac: null,
    });
    const daily = await roi(site, "from=2026-11-10&to=2026-11-11&period=day&group_by=source");
    expect(daily.rows.filter((r) => r.source === "baidu").map((r) => r.period)).toEqual(["2026-11-10"]);
    const csvReport = await api("/api/v1/reports/roi?from=2026-11-10&to=2026-11-11&format=csv", { token: site.read });
    expect((await csvReport.text()).split("\n")[0]).toContain("roas");
    const overview = (await (
      await api("/api/v1/reports/overview?from=2026-11-10&to=2026-11-11", { token: site.read })
    ).json()) as { totals: { cost: number }; channels: { channel: string }[] };
    expect(overview.totals.cost).toBe(200.5);
    expect(overview.channels[0]!.channel).toBe("Paid Search");
  });

  it("refuses bad JSON rows by index with the standard envelope", async () => {
    const site = await createSite();
    const res = await api("/api/v1/costs", {
      method: "POST",
      token: site.admin,
      json: { rows: [{ date: "yesterday", source: "x", medium: "cpc", campaign: "c", cost: 1 }] },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.issues[0]!.path).toBe("rows.0.date");
    const badRate = await api("/api/v1/fx-rates", {
      method: "POST",
      token: site.admin,
      json: [{ date: "2026-11-01", currency: "XYZ", rate: 7 }],
    });
    expect(((await badRate.json()) as { error: { issues: { path: string }[] } }).error.issues[0]!.path).toBe(
      "rows.0.currency",
    );
  });
});
