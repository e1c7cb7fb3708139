// The ROI email's section for running experiments: each variant's visitors and rate, each
// treatment's effect with its interval and p-value, in both languages, and an SRM warning.
import { describe, expect, it } from "vitest";
import type { ReportData } from "../../jobs/reports/data";
import { renderHtml, renderText } from "../../jobs/reports/render";

const data = {
  site: { id: "s", name: "Demo Academy", currency: "CNY" },
  model: "position",
  from: "2026-11-23",
  to: "2026-11-29",
  previous: { from: "2026-11-16", to: "2026-11-22" },
  issues: [],
  movers: [],
  experiments: [
    {
      key: "pricing-page",
      name: "Shorter pricing page",
      metric: "purchase",
      variants: [
        { key: "a", units: 3407, mean: 0.041 },
        { key: "b", units: 3461, mean: 0.052 },
      ],
      effects: [{ key: "b", effect: 0.2683, ci: [0.0123, 0.5243] as [number, number], pValue: 0.04 }],
      srmWarning: true,
    },
  ],
} as unknown as ReportData;

describe("ROI email: running experiments", () => {
  it("shows each variant and the treatment's effect, in English and Chinese, with the SRM warning", () => {
    const options = { title: "Weekly", sections: ["experiments" as const], unsubscribeUrl: "https://u.test/x" };
    const html = renderHtml(data, options);
    expect(html).toContain("Experiment: Shorter pricing page (purchase)");
    expect(html).toContain("3,407");
    expect(html).toContain("+26.8% (+1.2% to +52.4%), p = 0.040");
    expect(html).toContain("sample ratio mismatch");
    const text = renderText(data, options);
    expect(text).toContain("Shorter pricing page b: 3,461 / 0.05 / +26.8% (+1.2% to +52.4%), p = 0.040");
    const zh = renderHtml(data, { ...options, locale: "zh-CN" });
    expect(zh).toContain("实验：Shorter pricing page（purchase）");
    expect(zh).toContain("对照组");
    // Without the section (or without running experiments) nothing is shown.
    expect(renderHtml(data, { ...options, sections: ["movers"] })).not.toContain("Shorter pricing page");
  });
});
