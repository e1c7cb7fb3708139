// GA4's default channel group, rule by rule (RULES.md order), plus our extensions and site rules.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { classifyChannel } from "../../functions/edge/capture/channels";
import { deriveTraffic } from "../../functions/edge/capture/traffic";
import { api, createSite, IPHONE_UA } from "./helpers";

const ch = (source: string, medium: string, campaign = "(not set)") => classifyChannel({ source, medium, campaign });

describe("GA4 default channel group", () => {
  it.each([
    ["(direct)", "(none)", "(direct)", "Direct"],
    ["google", "cpc", "pmax cross-network q3", "Cross-network"],
    ["amazon.com", "cpc", "(not set)", "Paid Shopping"],
    ["unknown", "paid", "black-friday-shop", "Paid Shopping"],
    ["google", "cpc", "(not set)", "Paid Search"],
    ["baidu", "ppc", "(not set)", "Paid Search"],
    ["facebook.com", "cpm", "(not set)", "Paid Social"], // paid rules come before Display
    ["youtube.com", "paid-video", "(not set)", "Paid Video"],
    ["unknown-site", "cpm", "(not set)", "Display"],
    ["unknown-site", "banner", "(not set)", "Display"],
    ["unknown-site", "retargeting", "(not set)", "Paid Other"],
    ["unknown", "referral", "eshop-week", "Organic Shopping"],
    ["unknown", "referral", "workshop", "Referral"], // "workshop": k before shop, not a shop campaign
    ["l.facebook.com", "referral", "(referral)", "Organic Social"],
    ["anything", "social-network", "(not set)", "Organic Social"],
    ["m.youtube.com", "referral", "(referral)", "Organic Video"],
    ["anything", "webinar-video", "(not set)", "Organic Video"],
    ["duckduckgo", "organic", "(organic)", "Organic Search"],
    ["some-engine", "organic", "(organic)", "Organic Search"],
    ["blog.example.org", "referral", "(referral)", "Referral"],
    ["partner", "app", "(not set)", "Referral"],
    ["newsletter", "email", "(not set)", "Email"],
    ["e-mail", "(not set)", "(not set)", "Email"],
    ["bob", "affiliate", "(not set)", "Affiliates"],
    ["spotify", "audio", "(not set)", "Audio"],
    ["sms", "(not set)", "(not set)", "SMS"],
    ["app", "web-push", "(not set)", "Mobile Push Notifications"],
    ["firebase", "(not set)", "(not set)", "Mobile Push Notifications"],
    ["mystery", "(not set)", "(not set)", "Unassigned"],
  ])("%s / %s / %s -> %s", (source, medium, campaign, channel) => {
    expect(ch(source, medium, campaign)).toBe(channel);
  });

  it("is case-insensitive, as GA4's definitions are", () => {
    expect(ch("Google", "CPC")).toBe("Paid Search");
    expect(ch("Newsletter", "Email")).toBe("Email");
  });

  it("files Chinese platforms and AI assistants where they belong", () => {
    expect(ch("douyin", "paid")).toBe("Paid Social");
    expect(ch("xiaohongshu", "(not set)")).toBe("Organic Social");
    expect(ch("bilibili.com", "referral")).toBe("Organic Video");
    expect(ch("taobao.com", "cpc")).toBe("Paid Shopping");
    expect(ch("sogou", "organic")).toBe("Organic Search");
    expect(ch("perplexity.ai", "referral")).toBe("AI Assistants");
    expect(ch("chatgpt.com", "(not set)")).toBe("AI Assistants"); // ChatGPT's own utm_source
    expect(ch("chatgpt.com", "cpc")).toBe("Paid Other"); // paid still wins
  });
});

describe("source and medium from the landing", () => {
  it("follows GA4: UTMs over click ids over referrers; search engines become organic", () => {
    expect(
      deriveTraffic("https://s.com/?utm_source=Weibo&utm_medium=Social&gclid=1", "https://www.google.com/"),
    ).toMatchObject({
      source: "weibo",
      medium: "social",
      clickIdType: "gclid",
      channel: "Organic Social",
    });
    expect(deriveTraffic("https://s.com/?gclid=1", null)).toMatchObject({
      source: "google",
      medium: "cpc",
      channel: "Paid Search",
    });
    expect(deriveTraffic("https://s.com/?fbclid=1", null)).toMatchObject({
      source: "(direct)",
      channel: "Direct",
      clickIdType: "fbclid",
    });
    expect(deriveTraffic("https://s.com/", "https://www.google.co.uk/")).toMatchObject({
      source: "google",
      medium: "organic",
    });
    expect(deriveTraffic("https://s.com/", "https://m.baidu.com/s?word=x")).toMatchObject({
      source: "baidu",
      channel: "Organic Search",
    });
    expect(deriveTraffic("https://s.com/", "https://gemini.google.com/app")).toMatchObject({
      channel: "AI Assistants",
    });
    expect(deriveTraffic("https://s.com/", "https://t.co/abc")).toMatchObject({
      source: "t.co",
      medium: "referral",
      channel: "Organic Social",
    });
    expect(deriveTraffic("https://s.com/x", "https://s.com/")).toMatchObject({
      source: "(direct)",
      hasCampaign: false,
    });
    expect(deriveTraffic("https://s.com/?ref=Alice", null)).toMatchObject({
      partnerCode: "alice", // codes are case-insensitive: stored lower-case
      source: "partner:alice",
      medium: "affiliate",
      channel: "Affiliates",
    });
    expect(deriveTraffic("https://s.com/?UTM_SOURCE=x&utm_term=k&utm_content=c&utm_id=9", null)).toMatchObject({
      source: "x",
      medium: "(not set)",
      term: "k",
      content: "c",
      utmId: "9",
    });
  });
});

describe("POST /api/v1/classify", () => {
  it("answers with the pipeline's classification, site rules first", async () => {
    const site = await createSite({
      channel_rules: [{ channel: "Private Domain", source: "wecom|wxwork", medium: ".*" }],
    });
    const res = await api("/api/v1/classify", {
      method: "POST",
      token: site.read,
      json: { url: "https://x.com/?utm_source=wecom&utm_medium=chat", user_agent: IPHONE_UA },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      source: "wecom",
      medium: "chat",
      channel: "Private Domain",
      bot: false,
      device: "mobile",
      os: "iOS",
    });
    const bot = await api("/api/v1/classify", {
      method: "POST",
      token: site.read,
      json: {
        url: "https://x.com/",
        referrer: "https://www.bing.com/",
        user_agent: "Mozilla/5.0 (compatible; bingbot/2.0)",
      },
    });
    expect(await bot.json()).toMatchObject({ source: "bing", medium: "organic", channel: "Organic Search", bot: true });
    expect((await api("/api/v1/classify", { method: "POST", json: { url: "https://x.com/" } })).status).toBe(401);
    expect(env.ADMIN_TOKEN).toBeTruthy();
  });
});

describe("PATCH /api/v1/sites/{id}", () => {
  it("changes only the fields sent: saving channel rules keeps the currency, time zone and the rest", async () => {
    const site = await createSite({
      timezone: "Asia/Shanghai",
      currency: "CNY",
      retention_days: 180,
      cookie_mode: true,
      lookback_days: 14,
      item_path_pattern: "/courses/:id",
    });
    const rules = [{ channel: "WeChat", source: "^(wechat|weixin)$" }];
    const res = await api(`/api/v1/sites/${site.id}`, {
      method: "PATCH",
      token: site.admin,
      json: { channel_rules: rules },
    });
    expect(res.status).toBe(200);
    const after = await (await api(`/api/v1/sites/${site.id}`, { token: site.read })).json();
    expect(after).toMatchObject({
      timezone: "Asia/Shanghai",
      currency: "CNY",
      retention_days: 180,
      cookie_mode: true,
      lookback_days: 14,
      item_path_pattern: "/courses/:id",
      channel_rules: rules,
    });
  });
});
