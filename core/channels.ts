// A site's own channel rule: stored in sites.channel_rules, evaluated by capture before GA4's
// default channel grouping (functions/edge/capture/channels.ts).

import type { Locale } from "./messages";

/** Every given pattern must match (full, case-insensitive) for the rule to name the channel. */
export interface ChannelRule {
  channel: string;
  source?: string;
  medium?: string;
  campaign?: string;
}

/** The channel keys capture assigns: GA4's default channel group, in GA4's order, plus AI Assistants. */
export const CHANNELS = [
  "Direct",
  "Cross-network",
  "Paid Shopping",
  "Paid Search",
  "Paid Social",
  "Paid Video",
  "Display",
  "Paid Other",
  "AI Assistants",
  "Organic Shopping",
  "Organic Social",
  "Organic Video",
  "Organic Search",
  "Referral",
  "Email",
  "Affiliates",
  "Audio",
  "SMS",
  "Mobile Push Notifications",
  "Unassigned",
] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * GA4's Chinese display names (what GA4 shows in its zh-CN interface). The API keeps the English
 * keys; these are for people reading emails and pages.
 */
const CHANNEL_NAMES_ZH: Record<Channel, string> = {
  Direct: "直接",
  "Cross-network": "跨网络",
  "Paid Shopping": "付费购物",
  "Paid Search": "付费搜索",
  "Paid Social": "付费社交",
  "Paid Video": "付费视频",
  Display: "展示广告",
  "Paid Other": "其他付费",
  "AI Assistants": "AI 助手",
  "Organic Shopping": "自然购物",
  "Organic Social": "自然社交",
  "Organic Video": "自然视频",
  "Organic Search": "自然搜索",
  Referral: "引荐",
  Email: "电子邮件",
  Affiliates: "联属网络",
  Audio: "音频",
  SMS: "短信",
  "Mobile Push Notifications": "移动推送通知",
  Unassigned: "未分配",
};

/** A channel as a reader of `locale` calls it; a site's own channel names are shown as written. */
export function channelName(locale: Locale, channel: string): string {
  return locale === "zh-CN" ? (CHANNEL_NAMES_ZH[channel as Channel] ?? channel) : channel;
}
