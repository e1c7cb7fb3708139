// How a KPI's change reads (dashboard/src/lib/change.ts) in both languages: ratios the API compares
// by their difference in percentage points, other figures as a relative change, "new" from nothing.
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { type ChangeFormat, changeText, type Translate } from "../../dashboard/src/lib/change";
import en from "../../dashboard/src/locales/en.json";
import zhCN from "../../dashboard/src/locales/zh-CN.json";
import { metricChange, roiMetrics, emptySums } from "../../models/attribution/roi";

/** As dashboard/src/format.ts formats changes and points (not imported here: it loads the browser's i18n). */
function formatter(locale: string): ChangeFormat {
  const options = { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: "exceptZero" } as const;
  const change = new Intl.NumberFormat(locale, { style: "percent", ...options });
  const points = new Intl.NumberFormat(locale, options);
  return { change: (r) => change.format(r), points: (d) => points.format(d * 100) };
}

async function translator(lng: "en" | "zh-CN"): Promise<Translate> {
  const i18n = i18next.createInstance();
  await i18n.init({
    lng,
    resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
    interpolation: { escapeValue: false },
  });
  return i18n.t as unknown as Translate;
}

describe("changeText", () => {
  it("shows ROI from -23 % to 261 % as +284.1 points, not +1,236.6 %", async () => {
    const sums = (revenueMinor: number) => ({ ...emptySums(), revenueMinor, costMinor: 1_000_000 });
    const change = metricChange(roiMetrics(sums(3_610_000), "CNY"), roiMetrics(sums(770_000), "CNY"));
    expect(change.roi).toBe(2.84);
    const ratio = { change: 2.841, unit: "points" as const, now: 2.61, previous: -0.23 };
    const t = await translator("en");
    const en = formatter("en");
    expect(changeText(t, en, ratio)).toEqual({ text: "+284.1 pp vs previous period", direction: 1 });
    expect(changeText(t, en, { ...ratio, change: -0.05 }).text).toBe("-5.0 pp vs previous period");
    const zh = await translator("zh-CN");
    expect(changeText(zh, formatter("zh-CN"), ratio).text).toBe("较上一周期 +284.1 个百分点");
  });

  it("keeps the relative change for counts and money, and says new when the previous figure was 0", async () => {
    const t = await translator("en");
    const f = formatter("en");
    expect(changeText(t, f, { change: 0.25, now: 125, previous: 100 })).toEqual({
      text: "+25.0% vs previous period",
      direction: 1,
    });
    expect(changeText(t, f, { change: null, now: 40, previous: 0 })).toEqual({
      text: "new: nothing in the previous period",
      direction: 1,
    });
    expect(changeText(t, f, { change: null, now: 0, previous: 0 })).toEqual({
      text: "nothing in the previous period",
      direction: 0,
    });
    const zh = await translator("zh-CN");
    expect(changeText(zh, formatter("zh-CN"), { change: null, now: 40, previous: 0 }).text).toBe(
      "新增：上一周期无数据",
    );
  });
});
