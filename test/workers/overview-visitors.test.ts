// Unique visitors over a range are counted once (as Plausible and GA4 do), not once per day and
// channel as adding the daily rollup's rows would: the Overview (GET /api/v1/reports/overview),
// the ROI report, the ROI email and the query API (the Acquisition page) show the same figure.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadReportData } from "../../jobs/reports/data";
import { rollupSite, ROLLUP_SAFETY_MARGIN_MS } from "../../jobs/rollup";
import { getSite } from "../../schema/queries/sites";
import { api, createSite, eventsLanded, type TestSite, unique } from "./helpers";

const FROM = "2026-10-01";
const TO = "2026-10-30"; // 30 days; the previous period is 2026-09-01..09-30

const visit = (site: TestSite, visitor: string, iso: string, query = "") => ({
  id: unique("v"),
  type: "pageview",
  visitor_id: visitor,
  ts: Date.parse(iso),
  url: `${site.origin}/${query}`,
});

async function get<T>(site: TestSite, path: string): Promise<T> {
  const res = await api(path, { token: site.read });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

async function queryVisitors(site: TestSite, from: string, to: string) {
  const res = await api("/api/v1/query", {
    method: "POST",
    token: site.read,
    json: { metrics: ["visitors", "visits"], date_range: [from, to] },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { results: { metrics: number[] }[] };
  return { visitors: body.results[0]!.metrics[0], visits: body.results[0]!.metrics[1] };
}

type Totals = { visitors: number; sessions: number };

describe("visitors over a range", () => {
  it("counts a visitor seen on three days, or through two channels, once", async () => {
    const site = await createSite({ currency: "CNY", timezone: "UTC" });
    const paid = "?utm_source=baidu&utm_medium=cpc&utm_campaign=brand";
    const social = "?utm_source=zhihu&utm_medium=social&utm_campaign=answer";
    await sendAll(site, [
      // a: three days, three sessions.
      visit(site, "a", "2026-10-02T10:00:00Z"),
      visit(site, "a", "2026-10-09T10:00:00Z"),
      visit(site, "a", "2026-10-20T10:00:00Z", paid),
      // b: one day, two sessions through two channels.
      visit(site, "b", "2026-10-05T09:00:00Z", paid),
      visit(site, "b", "2026-10-05T15:00:00Z", social),
      // c: once.
      visit(site, "c", "2026-10-25T12:00:00Z"),
      // Previous period: d on two days, a once.
      visit(site, "d", "2026-09-03T10:00:00Z"),
      visit(site, "d", "2026-09-10T10:00:00Z"),
      visit(site, "a", "2026-09-20T10:00:00Z"),
    ]);
    await eventsLanded(site.id, 9);
    const row = (await getSite(env.DB, { siteId: site.id }))!;
    await rollupSite(siteDatabase(env, row.id), row, Date.now() + ROLLUP_SAFETY_MARGIN_MS);

    const overview = await get<{ totals: Totals; previous_totals: Totals; change: Record<string, number | null> }>(
      site,
      `/api/v1/reports/overview?from=${FROM}&to=${TO}`,
    );
    expect(overview.totals).toMatchObject({ visitors: 3, sessions: 6 });
    expect(overview.previous_totals).toMatchObject({ visitors: 2, sessions: 3 });
    expect(overview.change.visitors).toBe(0.5);

    // The query API (the Acquisition page's totals) gives the same figures for the same ranges.
    const current = await queryVisitors(site, FROM, TO);
    expect(current).toEqual({ visitors: overview.totals.visitors, visits: overview.totals.sessions });
    const previous = await queryVisitors(site, "2026-09-01", "2026-09-30");
    expect(previous).toEqual({
      visitors: overview.previous_totals.visitors,
      visits: overview.previous_totals.sessions,
    });

    // So do the ROI report's totals and the ROI email.
    const roi = await get<{ totals: Totals }>(site, `/api/v1/reports/roi?from=${FROM}&to=${TO}&period=day`);
    expect(roi.totals.visitors).toBe(3);
    const email = await loadReportData(siteDatabase(env, row.id), row, "last_non_direct", FROM, TO);
    expect(email.totals.visitors).toBe(3);
    expect(email.previousTotals.visitors).toBe(2);
  });
});

async function sendAll(site: TestSite, events: Record<string, unknown>[]) {
  const res = await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });
  expect(res.status, await res.clone().text()).toBe(202);
}
