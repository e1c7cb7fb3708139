// Channel classification: GA4's default channel group, rule for rule and in GA4's order,
// extended where GA4 is blind for this market (Chinese platforms, AI assistants).
// Pure: the capture pipeline and POST /api/v1/classify call the same function.
import type { ChannelRule } from "../../../core/channels";
import { GA4_SOURCE_LISTS } from "./ga4-source-categories";
import { RULE_INPUT_MAX_CHARS, unsafePatternReason } from "./safe-pattern";

export { CHANNELS, type Channel } from "../../../core/channels";
export type SourceCategory = "search" | "social" | "shopping" | "video" | "ai";

/**
 * Platforms GA4's 2023 list lacks. Chinese platforms join GA4's groups by what they are;
 * AI assistants get a category of their own (checked before the organic rules).
 */
const EXTRA_SOURCES: Record<SourceCategory, string> = {
  search:
    "baidu.com m.baidu.com sogou.com m.sogou.com so.com m.so.com sm.cn m.sm.cn shenma quark bing.com cn.bing.com " +
    "google.com yandex.com yandex.ru duckduckgo.com ecosia.org naver.com brave search.brave.com",
  social:
    "zhihu zhihu.com www.zhihu.com zhuanlan.zhihu.com xiaohongshu xiaohongshu.com xhslink.com xhs redbook rednote " +
    "weixin weixin.qq.com mp.weixin.qq.com wx wechat weibo.cn m.weibo.cn t.cn toutiao toutiao.com m.toutiao.com " +
    "douban douban.com qzone qzone.qq.com jike okjike.com x.com threads.net bsky.app juejin.cn csdn.net " +
    // Short-video feeds join Social, as GA4 files TikTok; long-form video sites join Video.
    "douyin douyin.com v.douyin.com iesdouyin.com kuaishou kuaishou.com v.kuaishou.com",
  video:
    "bilibili bilibili.com m.bilibili.com b23.tv ixigua ixigua.com iqiyi iqiyi.com v.qq.com tencentvideo " +
    "channels.weixin.qq.com shipinhao",
  shopping:
    "taobao taobao.com tmall tmall.com jd jd.com pinduoduo pinduoduo.com yangkeduo.com youzan youzan.com " +
    "xiaoe-tech.com xiaoetong",
  ai:
    "chatgpt chatgpt.com chat.openai.com openai perplexity perplexity.ai claude claude.ai gemini gemini.google.com " +
    "copilot copilot.microsoft.com kimi kimi.com kimi.moonshot.cn deepseek chat.deepseek.com doubao doubao.com " +
    "yiyan yiyan.baidu.com tongyi tongyi.aliyun.com qianwen yuanbao yuanbao.tencent.com poe poe.com you.com meta.ai grok grok.com",
};

let categoryIndex: Map<string, SourceCategory> | undefined;

/** Exact, case-insensitive lookup, as GA4 does (so "www.facebook.com" is looked up as written). */
export function sourceCategory(source: string): SourceCategory | undefined {
  if (!categoryIndex) {
    categoryIndex = new Map();
    for (const [category, list] of Object.entries(GA4_SOURCE_LISTS) as [SourceCategory, string][]) {
      for (const s of list.split(" ")) categoryIndex.set(s.toLowerCase(), category);
    }
    for (const [category, list] of Object.entries(EXTRA_SOURCES) as [SourceCategory, string][]) {
      for (const s of list.split(" ")) categoryIndex.set(s, category);
    }
    categoryIndex.set("google shopping", "shopping"); // the one GA4 entry with a space in it
  }
  return categoryIndex.get(source.toLowerCase());
}

const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const SHOP_CAMPAIGN = /^(.*(([^a-df-z]|^)shop|shopping).*)$/;
const DISPLAY_MEDIUM = new Set(["display", "banner", "expandable", "interstitial", "cpm"]);
const SOCIAL_MEDIUM = new Set(["social", "social-network", "social-media", "sm", "social network", "social media"]);
const EMAIL_TOKEN = new Set(["email", "e-mail", "e_mail", "e mail"]);
const REFERRAL_MEDIUM = new Set(["referral", "app", "link"]);

export type { ChannelRule };

export interface TrafficSource {
  source: string;
  medium: string;
  campaign: string;
}

/**
 * Compiled rule patterns, shared by every site in this isolate (a pattern is its own version: an
 * edited rule is a new key). Null: invalid, or unsafe on untrusted input (safe-pattern.ts), so it
 * never matches. Rules are checked on save; this also neutralises rules stored before that check.
 */
const compiled = new Map<string, RegExp | null>();
const COMPILED_MAX = 2000;

function compile(pattern: string): RegExp | null {
  let re = compiled.get(pattern);
  if (re !== undefined) return re;
  const unsafe = unsafePatternReason(pattern);
  if (unsafe) console.warn("channel rule skipped:", JSON.stringify(pattern), unsafe);
  try {
    re = unsafe ? null : new RegExp(`^(?:${pattern})$`, "i");
  } catch {
    re = null; // rules are validated on save; a bad one never matches rather than failing capture
  }
  if (compiled.size >= COMPILED_MAX) compiled.clear();
  compiled.set(pattern, re);
  return re;
}

function fullMatch(pattern: string, value: string): boolean {
  return compile(pattern)?.test(value.slice(0, RULE_INPUT_MAX_CHARS)) ?? false;
}

export function matchesRule(rule: ChannelRule, t: TrafficSource): boolean {
  if (rule.source === undefined && rule.medium === undefined && rule.campaign === undefined) return false;
  return (
    (rule.source === undefined || fullMatch(rule.source, t.source)) &&
    (rule.medium === undefined || fullMatch(rule.medium, t.medium)) &&
    (rule.campaign === undefined || fullMatch(rule.campaign, t.campaign))
  );
}

export function classifyChannel(input: TrafficSource, siteRules: readonly ChannelRule[] = []): string {
  for (const rule of siteRules) if (matchesRule(rule, input)) return rule.channel;
  const source = input.source.toLowerCase();
  const medium = input.medium.toLowerCase();
  const campaign = input.campaign.toLowerCase();
  const category = sourceCategory(source);
  const paid = PAID_MEDIUM.test(medium);
  const shopCampaign = SHOP_CAMPAIGN.test(campaign);

  if (source === "(direct)" && (medium === "(none)" || medium === "(not set)")) return "Direct";
  if (campaign.includes("cross-network")) return "Cross-network";
  if ((category === "shopping" || shopCampaign) && paid) return "Paid Shopping";
  if (category === "search" && paid) return "Paid Search";
  if (category === "social" && paid) return "Paid Social";
  if (category === "video" && paid) return "Paid Video";
  if (DISPLAY_MEDIUM.has(medium)) return "Display";
  if (paid) return "Paid Other";
  if (category === "ai") return "AI Assistants";
  if (category === "shopping" || shopCampaign) return "Organic Shopping";
  if (category === "social" || SOCIAL_MEDIUM.has(medium)) return "Organic Social";
  if (category === "video" || /^(.*video.*)$/.test(medium)) return "Organic Video";
  if (category === "search" || medium === "organic") return "Organic Search";
  if (REFERRAL_MEDIUM.has(medium)) return "Referral";
  if (EMAIL_TOKEN.has(source) || EMAIL_TOKEN.has(medium)) return "Email";
  if (medium === "affiliate") return "Affiliates";
  if (medium === "audio") return "Audio";
  if (source === "sms" || medium === "sms") return "SMS";
  if (medium.endsWith("push") || medium.includes("mobile") || medium.includes("notification") || source === "firebase")
    return "Mobile Push Notifications";
  return "Unassigned";
}
