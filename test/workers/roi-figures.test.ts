// One ROI figures service (jobs/roi.ts) behind the reports API and the ROI email: for the same
// site and range they show the same revenue, cost, ROI and previous period. The range crosses a
// DST change in the site's zone (America/New_York) and its previous period a month end.
import { siteDatabase } from "../../schema/databases";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { loadReportData } from "../../jobs/reports/data";
import { rollupSite, ROLLUP_SAFETY_MARGIN_MS } from "../../jobs/rollup";
import { getSite } from "../../schema/queries/sites";
import { api, createSite, eventsLanded, type TestSite, unique } from "./helpers";
import { purchase, sendEvents } from "./partner-helpers";

const FROM = "2026-03-05";
const TO = "2026-03-11"; // clocks spring forward in New York on 2026-03-08
const PREVIOUS = { from: "2026-02-26", to: "2026-03-04" };

const visit = (site: TestSite, visitor: string, ts: number, query: string) => ({
  id: unique("v"),
  type: "pageview",
  visitor_id: visitor,
  ts,
  url: `${site.origin}/${query}`,
});

async function get<T>(site: TestSite, path: string): Promise<T> {
  const res = await api(path, { token: site.read });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

type Totals = Record<string, number | null>;

describe("ROI figures service", () => {
  it("gives the reports API and the email the same figures and the same previous period", async () => {
    const site = await createSite({ currency: "CNY", timezone: "America/New_York" });
    const paid = "?utm_source=baidu&utm_medium=cpc&utm_campaign=brand";
    const social = "?utm_source=zhihu&utm_medium=social&utm_campaign=answer";
    const at = (iso: string) => Date.parse(iso);
    await sendEvents(site, [
      // In range: 2026-03-09 noon EDT.
      visit(site, "a", at("2026-03-09T16:00:00Z"), paid),
      purchase("a", unique("o"), 300, at("2026-03-09T16:01:00Z")),
      // 2026-03-04 23:30 EST is 04:30 UTC on 03-05: the previous period's last local day, not the range's.
      visit(site, "b", at("2026-03-05T04:30:00Z"), social),
      purchase("b", unique("o"), 100, at("2026-03-05T04:31:00Z")),
      // 2026-02-26 (previous period, across the month end).
      visit(site, "c", at("2026-02-26T17:00:00Z"), paid),
      purchase("c", unique("o"), 80, at("2026-02-26T17:01:00Z")),
      // 2026-02-25: in neither period.
      visit(site, "d", at("2026-02-25T17:00:00Z"), paid),
      purchase("d", unique("o"), 999, at("2026-02-25T17:01:00Z")),
    ]);
    const cost = (date: string, amount: number) => ({
      date,
      source: "baidu",
      medium: "cpc",
      campaign: "brand",
      cost: amount,
      currency: "CNY",
    });
    const costs = [cost("2026-03-11", 120), cost("2026-03-04", 50), cost("2026-02-26", 30), cost("2026-02-25", 999)];
    expect((await api("/api/v1/costs", { method: "POST", token: site.admin, json: costs })).status).toBe(200);
    await eventsLanded(site.id, 8);
    const row = (await getSite(env.DB, { siteId: site.id }))!;
    await rollupSite(siteDatabase(env, row.id), row, Date.now() + ROLLUP_SAFETY_MARGIN_MS);

    const query = `from=${FROM}&to=${TO}`;
    const overview = await get<{
      previous: { from: string; to: string };
      totals: Totals;
      previous_totals: Totals;
      channels: (Totals & { channel: string })[];
      issues: unknown[];
    }>(site, `/api/v1/reports/overview?${query}`);
    const roi = await get<{ totals: Totals }>(site, `/api/v1/reports/roi?${query}`);
    const roiBefore = await get<{ totals: Totals }>(
      site,
      `/api/v1/reports/roi?from=${PREVIOUS.from}&to=${PREVIOUS.to}`,
    );
    const email = await loadReportData(siteDatabase(env, row.id), row, "last_non_direct", FROM, TO);

    // One previous period: seven local days ending the day before `from`, in both.
    expect(overview.previous).toEqual(PREVIOUS);
    expect(email.previous).toEqual(PREVIOUS);

    // Hand-checked figures, then the same in every reader.
    expect(overview.totals).toMatchObject({ revenue: 300, cost: 120, roi: 1.5 });
    expect(overview.previous_totals).toMatchObject({ revenue: 180, cost: 80, roi: 1.25 });
    expect(email.totals).toEqual(overview.totals);
    expect(email.previousTotals).toEqual(overview.previous_totals);
    expect(roi.totals).toEqual(overview.totals);
    expect(roiBefore.totals).toEqual(overview.previous_totals);
    const byChannel = <T extends { channel: string }>(list: T[]) =>
      [...list].sort((a, b) => a.channel.localeCompare(b.channel));
    expect(byChannel(email.channels)).toEqual(byChannel(overview.channels));
    expect(email.issues).toEqual(overview.issues);
  });
});
