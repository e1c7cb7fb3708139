// Bot detection on tables of people's and crawlers' user agents: isbot corrected for in-app and
// feature-phone browsers must flag at most 0.5 % of people and still catch 99 % of crawlers.
import { findBotPatterns, isbot, list } from "isbot";
import { describe, expect, it } from "vitest";
import {
  APP_EXCLUDED_PATTERNS,
  botLabel,
  EXTRA_BOT_PATTERNS,
  HUMAN_CLIENT,
  isBotUserAgent,
} from "../../functions/edge/capture/bots";
import { parseClient } from "../../functions/edge/capture/enrich";
import { CRAWLER_USER_AGENTS } from "../fixtures/user-agents/crawlers";
import { HUMAN_USER_AGENTS } from "../fixtures/user-agents/humans";

const rate = (uas: readonly string[], test: (ua: string) => boolean) => uas.filter(test).length / uas.length;

describe("bot detection", () => {
  it("has tables big enough to measure: 150+ people, 100+ crawlers", () => {
    expect(HUMAN_USER_AGENTS.length).toBeGreaterThanOrEqual(150);
    expect(CRAWLER_USER_AGENTS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(HUMAN_USER_AGENTS).size).toBe(HUMAN_USER_AGENTS.length);
    expect(new Set(CRAWLER_USER_AGENTS).size).toBe(CRAWLER_USER_AGENTS.length);
  });

  it("flags at most 0.5 % of people, where isbot alone flags several per cent", () => {
    const flagged = HUMAN_USER_AGENTS.filter(isBotUserAgent);
    expect(flagged).toEqual([]);
    expect(rate(HUMAN_USER_AGENTS, isBotUserAgent)).toBeLessThanOrEqual(0.005);
    // The table holds the cases the correction is for: isbot alone gets them wrong.
    expect(rate(HUMAN_USER_AGENTS, (ua) => isbot(ua))).toBeGreaterThan(0.05);
  });

  it("still catches at least 99 % of crawlers, scripts and headless browsers", () => {
    const missed = CRAWLER_USER_AGENTS.filter((ua) => !isBotUserAgent(ua));
    expect(missed).toEqual([]);
    expect(rate(CRAWLER_USER_AGENTS, isBotUserAgent)).toBeGreaterThanOrEqual(0.99);
  });

  it("recognises the main Chinese in-app browsers as people", () => {
    const apps: Record<string, RegExp> = {
      WeChat: /MicroMessenger/,
      WeCom: /wxwork/,
      Alipay: /AlipayClient/,
      DingTalk: /DingTalk/,
      QQ: /\bQQ\/\d/,
      "QQ Browser": /MQQBrowser/,
      "Baidu app": /baiduboxapp/,
      Douyin: /aweme/,
      Kuaishou: /Kwai\/|ksNebula/,
      Toutiao: /NewsArticle/,
      Xiaohongshu: /discover\//,
      Weibo: /__weibo__/,
      Bilibili: /BiliApp/,
      Zhihu: /ZhihuHybrid/,
      UC: /UCBrowser/,
      Quark: /Quark\//,
      "Huawei browser": /HuaweiBrowser/,
    };
    for (const [app, token] of Object.entries(apps)) {
      const uas = HUMAN_USER_AGENTS.filter((ua) => token.test(ua));
      expect(uas.length, app).toBeGreaterThan(0);
      for (const ua of uas) {
        expect(HUMAN_CLIENT.test(ua), ua).toBe(true);
        expect(isBotUserAgent(ua), ua).toBe(false);
      }
    }
  });

  it("keeps crawlers and headless browsers that carry an app token as bots", () => {
    const disguised = [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50 (compatible; Baiduspider-render/2.0; +http://www.baidu.com/search/spider.html)",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36 MicroMessenger/8.0.47",
      "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 NewsArticle/9.8.4 (compatible; Bytespider; spider-feedback@bytedance.com)",
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) AppleNews/608.0.1",
      "python-requests/2.32.3 AlipayClient/10.6.10",
    ];
    for (const ua of disguised) expect(isBotUserAgent(ua), ua).toBe(true);
    expect(isBotUserAgent("")).toBe(true);
  });

  it("customises isbot's own list: every excluded pattern is one of isbot's, every extra one is needed", () => {
    for (const pattern of APP_EXCLUDED_PATTERNS) expect(list).toContain(pattern);
    // Each exclusion is what flags some person in the table under isbot alone.
    const tripped = new Set(HUMAN_USER_AGENTS.flatMap((ua) => findBotPatterns(ua)));
    for (const pattern of APP_EXCLUDED_PATTERNS) expect(tripped, pattern).toContain(pattern);
    for (const pattern of EXTRA_BOT_PATTERNS) {
      const caught = CRAWLER_USER_AGENTS.filter((ua) => ua.toLowerCase().includes(pattern));
      expect(caught.length, pattern).toBeGreaterThan(0);
      expect(
        caught.some((ua) => !isbot(ua)),
        pattern,
      ).toBe(true);
    }
  });

  it("labels bots for counting and parseClient uses the corrected detector", () => {
    expect(botLabel("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)")).toBe(
      "Baiduspider",
    );
    expect(botLabel("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) SlimerJS/1.0.0")).toBe(
      "SlimerJS",
    );
    const toutiao = HUMAN_USER_AGENTS.find((ua) => ua.includes("NewsArticle"))!;
    expect(parseClient(toutiao)).toMatchObject({ bot: false, botName: null, device: "mobile" });
    expect(parseClient("curl/8.5.0")).toMatchObject({ bot: true, botName: "curl/8.5.0" });
  });
});
