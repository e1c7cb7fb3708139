// Issue 21: the dashboard shows the API's error envelope in the reader's language. zod's real
// messages (the version the API validates with) and the handlers' sentences map to catalog text in
// both languages, with their figures; unknown messages fall back without showing English to a
// Chinese reader; envelope codes map to `errors.<code>`.
import { z } from "@hono/zod-openapi";
import i18next from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { errorText, issueText } from "../../dashboard/src/lib/error-text";
import en from "../../dashboard/src/locales/en.json";
import zh from "../../dashboard/src/locales/zh-CN.json";

type T = (key: string, options?: Record<string, unknown>) => string;
let tEn: T;
let tZh: T;
beforeAll(async () => {
  const i18n = i18next.createInstance();
  await i18n.init({
    lng: "en",
    resources: { en: { translation: en }, "zh-CN": { translation: zh } },
    interpolation: { escapeValue: false },
  });
  tEn = i18n.getFixedT("en") as unknown as T;
  tZh = i18n.getFixedT("zh-CN") as unknown as T;
});

/** The messages zod itself produces for these inputs (as the API's envelope carries them). */
function zodMessages(): Record<string, string> {
  const schema = z.object({
    name: z.string().min(1).max(5),
    code: z.string().min(3),
    email: z.email(),
    url: z.url(),
    hour: z.number().int().min(0).max(23),
    frequency: z.enum(["daily", "weekly"]),
    recipients: z.array(z.string()).min(1),
    count: z.number(),
  });
  const cases: Record<string, unknown> = {
    name: "",
    code: "ab",
    email: "nope",
    url: "not a url",
    hour: 24,
    frequency: "hourly",
    recipients: [],
    count: "seven",
  };
  const out: Record<string, string> = {};
  for (const issue of schema.safeParse(cases).error!.issues) out[String(issue.path[0])] = issue.message;
  out.missing = z.object({ a: z.string() }).safeParse({}).error!.issues[0]!.message;
  out.long = z.string().max(5).safeParse("toolong").error!.issues[0]!.message;
  return out;
}

describe("API issues in the reader's language", () => {
  it("maps zod's own messages to catalog text in both languages, keeping the figures", () => {
    const m = zodMessages();
    const expected: Record<string, [string, string]> = {
      name: ["Required.", "必填。"],
      code: ["At least 3 characters.", "至少 3 个字符。"],
      email: ["Enter a valid email address.", "请输入有效的邮箱地址。"],
      url: ["Enter a full web address (https://…).", "请输入完整网址（https://…）。"],
      hour: ["At most 23.", "不能大于 23。"],
      frequency: ["Choose one of: daily|weekly.", "请从以下选项中选择：daily|weekly。"],
      recipients: ["At least 1.", "至少 1 项。"],
      count: ["Enter a number.", "请输入数字。"],
      missing: ["Required.", "必填。"],
      long: ["At most 5 characters.", "最多 5 个字符。"],
    };
    for (const [field, [english, chinese]] of Object.entries(expected)) {
      expect(issueText(tEn, "en", m[field]!), `${field}: ${m[field]}`).toBe(english);
      expect(issueText(tZh, "zh-CN", m[field]!), `${field}: ${m[field]}`).toBe(chinese);
    }
  });

  it("maps the handlers' sentences, and never shows unknown English to a Chinese reader", () => {
    expect(issueText(tZh, "zh-CN", "Required for weekly reports.")).toBe("每周报告需选择星期几发送。");
    expect(issueText(tZh, "zh-CN", "Use a page on academy.example.com or an allowed origin.")).toBe(
      "请使用 academy.example.com 或允许来源上的页面。",
    );
    // The experiments routes' sentences, the new ones included (walkthrough: only "此值无效。" showed).
    for (const sentence of [
      "One weight per variant.",
      "Weights must sum to 1.",
      "Variant keys must differ.",
      "Unknown variant.",
      "user_id or visitor_id is required.",
      "A creative test needs creative_field.",
      "Only a creative test has creative_field.",
      "A mean metric needs sum_squares.",
      "More conversions than units.",
      "CUPED needs pre for every variant or none.",
      "sum_squares cannot be below sum² / n.",
      "An experiment with this key exists.",
    ]) {
      expect(issueText(tZh, "zh-CN", sentence), sentence).not.toBe(zh.errors.issue.invalid);
    }
    expect(issueText(tZh, "zh-CN", "Weights must sum to 1.")).toBe("权重之和必须为 1。");
    expect(
      errorText(tZh, "zh-CN", {
        status: 409,
        code: "experiment_exists",
        message: "An experiment with this key exists.",
      }),
    ).toBe(zh.errors.experiment_exists);
    expect(issueText(tZh, "zh-CN", "Something nobody mapped.")).toBe("此值无效。");
    expect(issueText(tEn, "en", "Something nobody mapped.")).toBe("Something nobody mapped.");
  });

  it("maps envelope codes to the catalog and unknown codes by status", () => {
    const forbidden = { status: 403, code: "forbidden", message: "Your role (viewer) cannot do this." };
    expect(errorText(tZh, "zh-CN", forbidden)).toBe(zh.errors.forbidden);
    expect(errorText(tEn, "en", forbidden)).toBe(en.errors.forbidden);
    const conflict = { status: 409, code: "conflict", message: "This payout is already paid." };
    expect(errorText(tZh, "zh-CN", conflict)).toBe(zh.errors.conflict);
    const unknown = { status: 422, code: "brand_new_code", message: "Some English." };
    expect(errorText(tZh, "zh-CN", unknown)).toBe(zh.errors.validation_failed);
    expect(errorText(tEn, "en", unknown)).toBe("Some English.");
  });

  it("has catalog text for every error code the API raises", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { resolve } = await import("node:path");
    const root = resolve(import.meta.dirname, "../../functions/edge");
    const codes = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = resolve(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".ts"))
          for (const m of readFileSync(p, "utf8").matchAll(/new ApiError\(\s*\d+,\s*"(\w+)"/g)) codes.add(m[1]!);
      }
    };
    walk(root);
    expect(codes.size).toBeGreaterThan(10);
    for (const code of codes) {
      expect(en.errors, code).toHaveProperty(code);
      expect(zh.errors, code).toHaveProperty(code);
    }
  });
});
