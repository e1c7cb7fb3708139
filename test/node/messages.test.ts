// The server-side message catalogs: English and Simplified Chinese name exactly the same keys, no
// message is empty, both use the same {{placeholders}}, and every channel has a Chinese name.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHANNELS, channelName } from "../../core/channels";
import { formatDay, formatMoney } from "../../core/format";
import { t } from "../../core/messages";

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../core/messages/${name}.json`, import.meta.url), "utf8")) as Record<
    string,
    string
  >;
const en = load("en");
const zh = load("zh-CN");
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe("message catalogs", () => {
  it("have exactly the same keys and no empty values", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of [...Object.entries(en), ...Object.entries(zh)]) {
      expect(typeof value, key).toBe("string");
      expect(value.trim(), key).not.toBe("");
    }
  });

  it("use the same placeholders in both languages (Chinese may drop the English article)", () => {
    for (const key of Object.keys(en)) {
      const zhNames = placeholders(zh[key]!);
      const enNames = placeholders(en[key]!).filter((n) => n !== "article");
      expect(zhNames, key).toEqual(enNames);
    }
  });

  it("fills placeholders", () => {
    expect(t("zh-CN", "report.title.weekly", { site: "演示学院" })).toBe("演示学院 每周 ROI 报告");
    expect(t("en", "unsubscribe.done.body", { email: "a@b.c" })).toBe("a@b.c will not get this email again.");
  });
});

describe("reader formats", () => {
  it("prints CNY with the narrow ¥ in both languages, dates as the reader writes them", () => {
    expect(formatMoney("zh-CN", "CNY", 22845)).toBe("¥22,845.00");
    expect(formatMoney("en", "CNY", 22845)).toBe("¥22,845.00");
    expect(formatMoney("en", "USD", 5)).toBe("$5.00");
    expect(formatMoney("en", "CNY", null)).toBe("–");
    expect(formatDay("zh-CN", "2026-11-20")).toBe("2026年11月20日");
    expect(formatDay("en", "2026-11-20")).toBe("2026-11-20");
  });

  it("names every channel in Chinese and keeps a site's own channel names", () => {
    for (const c of CHANNELS) {
      expect(channelName("en", c)).toBe(c);
      expect(channelName("zh-CN", c), c).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(channelName("zh-CN", "Organic Search")).toBe("自然搜索");
    expect(channelName("zh-CN", "My partner feed")).toBe("My partner feed");
  });
});
