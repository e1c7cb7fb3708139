// The query API's date logic (models/analytics/query-dates.ts), pure: presets in the site's time
// zone, comparison periods, UTC offset pieces across summer time, and bucket labels.
import { describe, expect, it } from "vitest";
import {
  bucketKey,
  bucketLabel,
  comparisonPeriod,
  offsetPieces,
  resolveDateRange,
  timeLabels,
} from "../../models/analytics/query-dates";
import { emptyQuerySums, metricChange, metricValue } from "../../models/analytics/query-metrics";
import { api } from "./helpers";
import { ok, seedQuerySite } from "./query-helpers";

const NY = "America/New_York";
// Sunday 8 March 2026, 12:00 UTC = 08:00 EDT: summer time began at 07:00 UTC that day.
const NOW = Date.parse("2026-03-08T12:00:00Z");
const range = (r: Parameters<typeof resolveDateRange>[0], firstEventMs: number | null = null) => {
  const p = resolveDateRange(r, { now: NOW, timeZone: NY, firstEventMs });
  if ("error" in p) throw new Error(p.error);
  return p;
};

describe("date ranges", () => {
  it("resolves presets to local days ending today", () => {
    const days = (r: Parameters<typeof resolveDateRange>[0]) => [range(r).from, range(r).to];
    expect(days("day")).toEqual(["2026-03-08", "2026-03-08"]);
    expect(days("7d")).toEqual(["2026-03-02", "2026-03-08"]);
    expect(days("30d")).toEqual(["2026-02-07", "2026-03-08"]);
    expect(days("month")).toEqual(["2026-03-01", "2026-03-08"]);
    expect(days("6mo")).toEqual(["2025-10-01", "2026-03-08"]);
    expect(days("12mo")).toEqual(["2025-04-01", "2026-03-08"]);
    expect(days("year")).toEqual(["2026-01-01", "2026-03-08"]);
    const all = range("all", Date.parse("2025-12-31T23:30:00Z")); // 18:30 EST on 31 Dec
    expect([all.from, all.to]).toEqual(["2025-12-31", "2026-03-08"]);
  });

  it("gives instants of local midnights: the day summer time begins has 23 hours", () => {
    const day = range("day");
    expect(day.startMs).toBe(Date.parse("2026-03-08T05:00:00Z"));
    expect(day.endMs).toBe(Date.parse("2026-03-09T04:00:00Z"));
    expect(range(["2026-03-07", "2026-03-08"]).dayAligned).toBe(true);
    const times = range(["2026-03-08T01:00:00-05:00", "2026-03-08T12:00:00Z"]);
    expect(times).toMatchObject({ dayAligned: false, from: "2026-03-08", to: "2026-03-08" });
    expect(
      resolveDateRange(["2026-03-09", "2026-03-08"], { now: NOW, timeZone: NY, firstEventMs: null }),
    ).toHaveProperty("error");
  });

  it("compares with as many days before, or the same days a year before", () => {
    const p = range(["2026-03-01", "2026-03-14"]);
    const before = comparisonPeriod(p, "previous_period", NY);
    expect([before.from, before.to]).toEqual(["2026-02-15", "2026-02-28"]);
    const leap = range(["2028-02-28", "2028-02-29"]);
    const lastYear = comparisonPeriod(leap, "year_over_year", NY);
    expect([lastYear.from, lastYear.to]).toEqual(["2027-02-28", "2027-02-28"]);
    const times = range(["2026-03-08T00:00:00Z", "2026-03-08T06:00:00Z"]);
    const earlier = comparisonPeriod(times, "previous_period", NY);
    expect([earlier.startMs, earlier.endMs]).toEqual([Date.parse("2026-03-07T18:00:00Z"), times.startMs]);
  });
});

describe("time buckets", () => {
  it("splits the UTC offset at the summer-time change, to the second", () => {
    const p = range(["2026-03-01", "2026-03-14"]);
    const pieces = offsetPieces(p.startMs, p.endMs, NY);
    expect(pieces).toEqual({
      boundaries: [Date.parse("2026-03-08T07:00:00Z")],
      offsets: [-5 * 3600_000, -4 * 3600_000],
    });
    expect(offsetPieces(p.startMs, p.endMs, "Asia/Shanghai")).toEqual({ boundaries: [], offsets: [8 * 3600_000] });
  });

  it("labels local hours, days, Monday weeks and months, as SQL keys them", () => {
    const p = range(["2026-03-07", "2026-03-08"]);
    const pieces = offsetPieces(p.startMs, p.endMs, NY);
    const at = Date.parse("2026-03-08T07:30:00Z"); // 03:30 EDT, just after the change
    expect(bucketLabel("hour", bucketKey("hour", at, pieces))).toBe("2026-03-08 03:00:00");
    expect(bucketLabel("day", bucketKey("day", at, pieces))).toBe("2026-03-08");
    expect(bucketLabel("week", bucketKey("week", at, pieces))).toBe("2026-03-02");
    expect(bucketKey("month", at, pieces)).toBe("2026-03-01");
    // 02:00 does not exist on 8 March; the labels still list the wall-clock hours.
    expect(timeLabels("hour", range(["2026-03-08", "2026-03-08"]), pieces, 800)).toHaveLength(24);
    expect(timeLabels("week", p, pieces, 800)).toEqual(["2026-03-02"]);
    expect(timeLabels("month", range(["2025-11-15", "2026-02-01"]), pieces, 800)).toEqual([
      "2025-11-01",
      "2025-12-01",
      "2026-01-01",
      "2026-02-01",
    ]);
  });
});

describe("changes", () => {
  it("are percent changes, points for percentages, and null from nothing", () => {
    expect(metricChange("visitors", 150, 100)).toBe(50);
    expect(metricChange("revenue", 79, 199)).toBe(-60.3);
    expect(metricChange("bounce_rate", 33, 67)).toBe(-34);
    expect(metricChange("conversion_rate", 2.5, 1.25)).toBe(1.25);
    expect(metricChange("visits", 3, 0)).toBeNull();
    expect(metricChange("roi", null, 1)).toBeNull();
  });
});

describe("ratios", () => {
  it("keep 4 decimals, so -66.7 % does not show as -67.0 %", () => {
    const sums = { ...emptyQuerySums(), revenueMinor: 338_900, costMinor: 1_017_800 };
    expect(metricValue("roi", sums, "CNY")).toBe(-0.667); // 3,389 / 10,178 - 1 = -0.66703
    expect(metricValue("roas", sums, "CNY")).toBe(0.333); // 0.33297
  });
});

describe("date_range all", () => {
  it("starts at the site's first event", async () => {
    const site = await seedQuerySite();
    const body = await ok(site, { metrics: ["visitors", "visits"], date_range: "all" });
    // v9's first visit on 30 Oct starts it; every visitor since, up to today.
    expect(body.meta.date_range[0]).toBe("2026-10-30");
    expect(body.results[0]!.metrics).toEqual([5, 7]);
    expect(
      (await api("/api/v1/query", { method: "POST", token: site.read, json: { metrics: ["visits"] } })).status,
    ).toBe(400); // date_range is required
  });
});
