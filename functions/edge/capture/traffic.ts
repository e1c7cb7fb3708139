// Where a visit came from: UTM tags, ad click ids, partner codes and the referrer turned into
// source / medium / campaign, the way GA4 derives them (see README "Channels").
import { type ChannelRule, classifyChannel, sourceCategory } from "./channels";

/** Ad platforms' click ids, most specific first. Only Google's and Microsoft's imply a source. */
export const CLICK_ID_PARAMS = [
  "gclid",
  "gbraid",
  "wbraid",
  "dclid",
  "msclkid",
  "fbclid",
  "ttclid",
  "li_fat_id",
  "twclid",
  "rdt_cid",
  "scclid",
  "epik",
  "yclid",
  "qclid",
  "bd_vid", // Baidu ads
  "clickid",
] as const;
const IMPLIED_BY_CLICK_ID: Partial<Record<string, { source: string; medium: string }>> = {
  gclid: { source: "google", medium: "cpc" },
  gbraid: { source: "google", medium: "cpc" },
  wbraid: { source: "google", medium: "cpc" },
  dclid: { source: "dv360", medium: "cpm" },
  msclkid: { source: "bing", medium: "cpc" },
  bd_vid: { source: "baidu", medium: "cpc" },
};
export const PARTNER_PARAMS = ["ref", "via"] as const;

/** Referrer hosts of search engines and the source name GA4 gives them. */
const SEARCH_ENGINES: [RegExp, string][] = [
  [/^(www\.)?google(\.[a-z]{2,3}){1,2}$/, "google"],
  [/^((www|cn|m)\.)?bing\.com$/, "bing"],
  [/^([a-z]+\.)?search\.yahoo\.(com|co\.jp)$/, "yahoo"],
  [/^(html\.|lite\.|www\.)?duckduckgo\.com$/, "duckduckgo"],
  [/^(www\.|m\.)?baidu\.com$/, "baidu"],
  [/^(www\.)?yandex(\.[a-z]{2,3}){1,2}$/, "yandex"],
  [/^(www\.|m\.|wap\.)?sogou\.com$/, "sogou"],
  [/^(www\.|m\.)?so\.com$/, "so.com"],
  [/^(www\.|m\.|quark\.)?sm\.cn$/, "shenma"],
  [/^(www\.|m\.|search\.)?naver\.com$/, "naver"],
  [/^(www\.)?ecosia\.org$/, "ecosia.org"],
  [/^search\.brave\.com$/, "brave"],
  [/^(www\.)?qwant\.com$/, "qwant"],
  [/^(www\.|search\.)?seznam\.cz$/, "seznam"],
  [/^(www\.|search\.)?daum\.net$/, "daum"],
];

export interface Traffic {
  source: string;
  medium: string;
  campaign: string;
  term: string | null;
  content: string | null;
  utmId: string | null;
  clickIdType: string | null;
  clickId: string | null;
  partnerCode: string | null;
  channel: string;
  /** False when nothing in the landing marks a campaign: internal navigation or a plain direct visit. */
  hasCampaign: boolean;
}

/** A URL as sent, or already parsed by the caller (the capture path parses each page URL once). */
type UrlInput = string | URL | null | undefined;

function parseUrl(url: UrlInput): URL | null {
  if (!url) return null;
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function hostOf(url: UrlInput): string | null {
  const u = parseUrl(url);
  return u && (u.protocol === "http:" || u.protocol === "https:") ? u.hostname.toLowerCase() : null;
}

/** Query parameters by lower-cased name, first value wins, empty values ignored. */
function landingParams(url: UrlInput): Map<string, string> {
  const params = new Map<string, string>();
  const parsed = parseUrl(url);
  if (!parsed) return params;
  for (const [k, v] of parsed.searchParams) {
    const key = k.toLowerCase();
    const value = v.trim();
    if (value && !params.has(key)) params.set(key, value.slice(0, 200));
  }
  return params;
}

export function searchEngineName(host: string): string | undefined {
  for (const [pattern, name] of SEARCH_ENGINES) if (pattern.test(host)) return name;
  return undefined;
}

/** A referrer from the page's own host or one of the site's domains is internal navigation. */
export function isInternalReferrer(refHost: string, pageHost: string | null, siteDomains: readonly string[]): boolean {
  const bare = (h: string) => h.replace(/^www\./, "");
  const ref = bare(refHost);
  if (pageHost && ref === bare(pageHost)) return true;
  return siteDomains.some((d) => ref === bare(d) || ref.endsWith(`.${bare(d)}`));
}

export function deriveTraffic(
  url: UrlInput,
  referrer: string | null | undefined,
  siteDomains: readonly string[] = [],
  siteRules: readonly ChannelRule[] = [],
): Traffic {
  const params = landingParams(url);
  const clickIdType = CLICK_ID_PARAMS.find((p) => params.has(p)) ?? null;
  // Referral codes are case-insensitive: stored lower-case, as partner_links keeps them.
  const partnerCode =
    PARTNER_PARAMS.map((p) => params.get(p))
      .find(Boolean)
      ?.toLowerCase() ?? null;
  const base = {
    term: params.get("utm_term") ?? null,
    content: params.get("utm_content") ?? null,
    utmId: params.get("utm_id") ?? null,
    clickIdType,
    clickId: clickIdType ? (params.get(clickIdType) ?? null) : null,
    partnerCode,
  };
  const finish = (source: string, medium: string, campaign: string, hasCampaign: boolean): Traffic => {
    const t = { source, medium, campaign };
    return { ...t, ...base, channel: classifyChannel(t, siteRules), hasCampaign };
  };

  const utmSource = params.get("utm_source");
  if (utmSource) {
    return finish(
      utmSource.toLowerCase(),
      (params.get("utm_medium") ?? "(not set)").toLowerCase(),
      params.get("utm_campaign") ?? "(not set)",
      true,
    );
  }
  const implied = clickIdType ? IMPLIED_BY_CLICK_ID[clickIdType] : undefined;
  if (implied) return finish(implied.source, implied.medium, params.get("utm_campaign") ?? "(not set)", true);
  // Prefixed, so a partner named like a listed source ("alice" is a search engine to GA4) stays a partner.
  if (partnerCode) {
    return finish(`partner:${partnerCode}`, "affiliate", params.get("utm_campaign") ?? "(not set)", true);
  }

  const refHost = hostOf(referrer);
  if (refHost && !isInternalReferrer(refHost, hostOf(url), siteDomains)) {
    const host = refHost.replace(/^www\./, "");
    // An AI assistant's host is kept as the source so "chatgpt.com" reads as itself.
    const engine = sourceCategory(host) === "ai" ? undefined : searchEngineName(refHost);
    if (engine) return finish(engine, "organic", "(organic)", true);
    return finish(host, "referral", "(referral)", true);
  }
  // Click ids that imply no source (fbclid, ttclid, ...) still mark the landing as a campaign.
  return finish("(direct)", "(none)", "(direct)", clickIdType !== null);
}
