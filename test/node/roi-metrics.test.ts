// ROI metrics (models/attribution/roi.ts) convert money with core/money.ts: minor units in, the
// currency's major units out, so a 0-digit currency is not divided by 100.
import { describe, expect, it } from "vitest";
import { currencyDigits, roundTo, toMajor } from "../../core/money";
import { emptySums, metricChange, roiMetrics, sumsByPeriod, totalOf } from "../../models/attribution/roi";

const sums = (patch: Partial<ReturnType<typeof emptySums>>) => ({ ...emptySums(), ...patch });

describe("roiMetrics", () => {
  it("reports money in the currency's major units", () => {
    const s = sums({ conversions: 3, revenueMinor: 59_970, costMinor: 20_000, newCustomers: 2, sessions: 30 });
    expect(roiMetrics(s, "CNY")).toMatchObject({
      revenue: 599.7,
      cost: 200,
      roi: 1.9985,
      roas: 2.9985,
      cac: 100,
      aov: 199.9,
      conversion_rate: 0.1,
    });
    // JPY has no minor unit: 5,000 yen stays 5,000.
    expect(roiMetrics(sums({ conversions: 3, revenueMinor: 5000, costMinor: 1000 }), "JPY")).toMatchObject({
      revenue: 5000,
      cost: 1000,
      aov: 1666.67,
      roi: 4,
    });
    expect(toMajor(19_990, "CNY")).toBe(199.9);
    expect(currencyDigits("KRW")).toBe(0);
    expect(roundTo(null, 2)).toBeNull();
  });

  it("adds groups per period, optionally for one key, and compares periods", () => {
    const groups = [
      { period: "2026-11-10", key: "Paid Search", sums: sums({ revenueMinor: 100, costMinor: 50 }) },
      { period: "2026-11-10", key: "Email", sums: sums({ revenueMinor: 40 }) },
      { period: "2026-11-11", key: "Paid Search", sums: sums({ revenueMinor: 60 }) },
    ];
    expect(totalOf(groups).revenueMinor).toBe(200);
    expect(sumsByPeriod(groups).get("2026-11-10")!.revenueMinor).toBe(140);
    expect(sumsByPeriod(groups, "Paid Search").get("2026-11-10")!.revenueMinor).toBe(100);
    expect(sumsByPeriod(groups, null).get("2026-11-11")!.revenueMinor).toBe(60);
    const change = metricChange(
      roiMetrics(sums({ revenueMinor: 300 }), "CNY"),
      roiMetrics(sums({ revenueMinor: 200 }), "CNY"),
    );
    expect(change.revenue).toBe(0.5);
    expect(change.roi).toBeNull(); // no cost in either period
  });

  it("compares ROI and conversion rate in points, even across zero, and counts from nothing as no relative change", () => {
    // ROI from -23 % to 261 %: +284 points, not (2.61 + 0.23) / 0.23 = +1,234.8 %.
    const before = roiMetrics(sums({ revenueMinor: 7700, costMinor: 10000, sessions: 40, conversions: 2 }), "CNY");
    const now = roiMetrics(sums({ revenueMinor: 36100, costMinor: 10000, sessions: 50, conversions: 5 }), "CNY");
    expect([before.roi, now.roi]).toEqual([-0.23, 2.61]);
    const change = metricChange(now, before);
    expect(change.roi).toBe(2.84);
    expect(change.conversion_rate).toBe(0.05); // 5 % to 10 %: +5 points, not +100 %
    expect(change.roas).toBe(3.6883); // a non-negative multiple: relative (0.77 to 3.61)
    expect(change.revenue).toBe(3.6883);
    expect(change.sessions).toBe(0.25);
    // Nothing before: no relative change (shown as "new"); a ratio with nothing under it has none either.
    const empty = roiMetrics(sums({}), "CNY");
    expect(metricChange(now, empty)).toMatchObject({ sessions: null, revenue: null, roi: null, conversion_rate: null });
  });
});
