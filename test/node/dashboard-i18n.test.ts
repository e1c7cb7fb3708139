// The dashboard's message catalogs (dashboard/src/locales): both languages have exactly the same
// keys, no empty text, and the same {{placeholders}} in each message, so switching the language
// never shows a key, a blank or a missing figure.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CHANNELS, channelName } from "../../core/channels";

const dir = resolve(import.meta.dirname, "../../dashboard/src/locales");
type Tree = { [key: string]: string | Tree };

/** key path → message, for every leaf. */
function flatten(tree: Tree, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object") for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const catalogs = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f.replace(/\.json$/, ""), flatten(JSON.parse(readFileSync(resolve(dir, f), "utf8")) as Tree)]),
);
const placeholders = (s: unknown) => [...String(s).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("dashboard message catalogs", () => {
  it("has zh-CN and en, and nothing else unreviewed", () => {
    expect(Object.keys(catalogs).sort()).toEqual(["en", "zh-CN"]);
  });

  it("has exactly the same keys in both languages", () => {
    const en = [...catalogs.en!.keys()].sort();
    const zh = [...catalogs["zh-CN"]!.keys()].sort();
    expect(zh).toEqual(en);
    expect(en.length).toBeGreaterThan(100);
  });

  it("has no empty or non-text values", () => {
    for (const [lang, messages] of Object.entries(catalogs)) {
      for (const [key, value] of messages) {
        expect(typeof value, `${lang} ${key}`).toBe("string");
        expect((value as string).trim(), `${lang} ${key}`).not.toBe("");
      }
    }
  });

  it("uses the same placeholders in both languages", () => {
    for (const [key, value] of catalogs.en!) {
      expect(placeholders(catalogs["zh-CN"]!.get(key)), key).toEqual(placeholders(value));
    }
  });

  it("really is translated: Chinese text in zh-CN's navigation", () => {
    expect(catalogs["zh-CN"]!.get("nav.overview")).toMatch(/[\u4e00-\u9fff]/);
    expect(catalogs.en!.get("nav.overview")).toBe("Overview");
  });

  it("names every GA4 channel as core/channels.ts does (emails and pages agree)", () => {
    for (const channel of CHANNELS) {
      expect(catalogs.en!.get(`channels.${channel}`)).toBe(channel);
      expect(catalogs["zh-CN"]!.get(`channels.${channel}`)).toBe(channelName("zh-CN", channel));
    }
    expect([...catalogs.en!.keys()].filter((k) => k.startsWith("channels."))).toHaveLength(CHANNELS.length);
  });
});
