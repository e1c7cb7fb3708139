// Bot or person, from the user agent: isbot, corrected with its own customisation API.
// isbot's list flags about 2 % of people's user agents: in-app browsers whose tokens look like
// feeds or scripts (AppleNews, Toutiao's NewsArticle, Alipay's "ws:390|780|3.0", Taobao's
// "TTID/...@taobao_android_10.", Sogou's mobile browser) and one-word feature-phone agents
// (MAUI_WAP_Browser). So a user agent carrying a known app or phone-browser token is judged by
// isbot's list without the patterns those tokens trip; every other pattern (bot, spider, crawl,
// headless, the named crawlers) still applies, so a crawler dressed as an app is still caught.
// And a few automation agents isbot misses are added for everyone.
import { createIsbotFromList, findBotMatch, list } from "isbot";

/** isbot patterns that app and feature-phone user agents trip; ignored only for those agents. */
export const APP_EXCLUDED_PATTERNS: readonly string[] = [
  "(?:^|[^g])news(?!sapphire)", // AppleNews, GoogleNews, NewsArticle (Toutiao), SohuNews, NewsApp
  "(?<! channel/|google/)google(?!(?:wv|app|/google| pixel))", // GoogleNews/
  "\\|", // Alipay's AlipayDefined(nt:WIFI,ws:390|780|3.0)
  "@[a-z][\\w-]+\\.", // Taobao's TTID/227200@taobao_android_10.36.10
  "sogou", // SogouMobileBrowser
  "^[\\w \\.\\-\\(?:\\):%]+(?:/v?\\d+(?:\\.\\d+)?(?:\\.\\d{1,10})*?)?(?:,|$)", // MAUI_WAP_Browser
];

/** Automation that isbot 5 does not name (checked against test/fixtures/user-agents). */
export const EXTRA_BOT_PATTERNS: readonly string[] = ["dart:io", "puppeteer", "wkhtmlto", "slimerjs"];

/**
 * Tokens of people's clients: in-app browsers (Western and Chinese), Chinese phone makers' and
 * portal browsers, and feature-phone browsers.
 */
export const HUMAN_CLIENT =
  /FBAN\/|FBAV\/|FB_IAB|Instagram |Snapchat\/|AppleNews\/|Pinterest\/|\bGSA\/|GoogleApp\/|GoogleNews\/|LinkedInApp\/|musical_ly|BytedanceWebview|KAKAOTALK|NAVER\(inapp|\bLine\/\d|MicroMessenger\/|wxwork\/|Wechat|AlipayClient\/|AliApp\(|DingTalk|MQQBrowser\/|\bQQ\/\d|baiduboxapp\/|aweme|\bKwai\/|ksNebula\/|NewsArticle\/|ToutiaoMicroApp|VideoArticle\/|discover\/|XhsAndroid|XiaoHongShu|__weibo__|Weibo \(|BiliApp\/|ZhihuHybrid|UCBrowser\/|UCWEB\/|\bQuark\/|HuaweiBrowser\/|MiuiBrowser\/|HeyTapBrowser\/|VivoBrowser\/|SogouMobileBrowser\/|QihooBrowser\/|\bLark\/|Feishu\/|jdapp;|meituangroup\/|DianPing\/|SohuNews\/|NewsApp\/|NeteaseMusic\/|Xianyu\/|MIDP-\d|CLDC-\d|MAUI[_ ]WAP|UP\.Browser|Obigo\/|KAIOS\/|S40OviBrowser/i;

const excluded = new Set(APP_EXCLUDED_PATTERNS);
const isBotAgent = createIsbotFromList([...list, ...EXTRA_BOT_PATTERNS]);
const isBotApp = createIsbotFromList([...list.filter((p) => !excluded.has(p)), ...EXTRA_BOT_PATTERNS]);
const extra = new RegExp(EXTRA_BOT_PATTERNS.join("|"), "i");

/** True for crawlers, scripts, headless browsers and an empty user agent. */
export function isBotUserAgent(userAgent: string): boolean {
  if (!userAgent) return true;
  return HUMAN_CLIENT.test(userAgent) ? isBotApp(userAgent) : isBotAgent(userAgent);
}

/** A readable name for counting: the UA's own "...bot"/"...spider" token when it has one. */
export function botLabel(userAgent: string): string {
  if (!userAgent) return "empty user agent";
  const token = /[\w.-]*(bot|crawler|spider|slurp|fetcher)[\w.-]*/i.exec(userAgent)?.[0];
  return (token ?? findBotMatch(userAgent) ?? extra.exec(userAgent)?.[0] ?? "unknown").slice(0, 64);
}
