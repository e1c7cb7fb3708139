// Turns a validated event plus what the request tells us (user agent, country) into the row we
// store, minus the session, which the queue consumer assigns. Pure, apart from the salt lookup.
import { itemFromPath } from "./item-path";
import UAParser from "ua-parser-js";
import type { ChannelRule } from "./channels";
import { type EventInput, timestampMs } from "./schemas";
import { toMinor } from "../../../core/money";
import type { EnrichedEvent } from "../../../core/event";
import { deriveTraffic } from "./traffic";
import { botLabel, isBotUserAgent } from "./bots";

export interface RequestContext {
  origin: "browser" | "server";
  receivedAt: number;
  userAgent: string;
  country: string | null;
  region: string | null;
  /** Resolved before enrichment: cookieless hash, first-party id hash, or null (server, user id only). */
  visitorId: string | null;
}

export interface SiteContext {
  siteId: string;
  domains: readonly string[];
  channelRules: readonly ChannelRule[];
  /** Compiled item path pattern (sites.item_path_pattern), if the site set one. */
  itemPath?: RegExp | null;
}

export interface Client {
  device: string;
  browser: string | null;
  os: string | null;
  bot: boolean;
  botName: string | null;
  /** False when the user agent names no device type (desktop browsers): the screen may then tell. */
  deviceFromUserAgent: boolean;
}

/** Device from the screen width, for user agents that name none (as Plausible does). */
export function deviceFromScreen(screen: string): string {
  const width = Number(screen.split("x")[0]);
  return width < 576 ? "mobile" : width < 992 ? "tablet" : "desktop";
}

/** What a user agent says, whatever the screen: parsed once per distinct string, see parseClient. */
interface UserAgentFacts {
  type: string | undefined;
  browser: string | null;
  os: string | null;
  bot: boolean;
  botName: string | null;
}

/**
 * Distinct user agents an isolate keeps parsed. Parsing one runs a few hundred regular expressions
 * (an eighth of a collect request's CPU), while a site's traffic repeats a small set of browsers; the
 * map is bounded so a flood of random user agents cannot grow it (oldest entry out first).
 */
export const USER_AGENT_CACHE_MAX = 1_000;
const userAgents = new Map<string, UserAgentFacts>();

function userAgentFacts(userAgent: string): UserAgentFacts {
  let facts = userAgents.get(userAgent);
  if (facts) return facts;
  const bot = isBotUserAgent(userAgent);
  const parsed = new UAParser(userAgent).getResult();
  facts = {
    type: parsed.device.type,
    browser: parsed.browser.name ?? null,
    os: parsed.os.name ?? null,
    bot,
    botName: bot ? botLabel(userAgent) : null,
  };
  if (userAgents.size >= USER_AGENT_CACHE_MAX) userAgents.delete(userAgents.keys().next().value!);
  userAgents.set(userAgent, facts);
  return facts;
}

/** How many user agents are kept parsed (at most USER_AGENT_CACHE_MAX). */
export const parsedUserAgents = (): number => userAgents.size;

export function parseClient(userAgent: string, screen?: string): Client {
  const { type, browser, os, bot, botName } = userAgentFacts(userAgent);
  const device =
    type === "mobile" || type === "tablet" ? type : type ? "other" : screen ? deviceFromScreen(screen) : "desktop";
  return { device, browser, os, bot, botName, deviceFromUserAgent: type !== undefined };
}

export function enrichEvent(e: EventInput, req: RequestContext, site: SiteContext, client: Client): EnrichedEvent {
  let hostname: string | null = null;
  let path: string | null = null;
  let u: URL | null = null;
  if (e.url) {
    u = new URL(e.url);
    hostname = u.hostname;
    // Hash-routed single-page apps keep their route in the fragment ("/#/courses/1").
    path = u.pathname + (u.hash.startsWith("#/") ? u.hash : "");
  }
  const traffic = deriveTraffic(u, e.referrer, site.domains, site.channelRules);
  // A course page's view and engaged time are about that course, unless the event names one.
  let props = e.props;
  if (site.itemPath && path && (e.type === "pageview" || e.type === "engagement") && props?.item_id === undefined) {
    const item = itemFromPath(site.itemPath, path);
    if (item) props = { ...props, item_id: item };
  }
  return {
    id: e.id,
    type: e.type,
    name: e.name ?? null,
    ts: timestampMs(e.ts, req.receivedAt),
    receivedAt: req.receivedAt,
    origin: req.origin,
    visitorId: req.visitorId,
    userId: e.user_id ?? null,
    url: e.url ?? null,
    hostname,
    path,
    referrer: e.referrer || null,
    title: e.title ?? null,
    source: traffic.source,
    medium: traffic.medium,
    campaign: traffic.campaign,
    term: traffic.term,
    content: traffic.content,
    utmId: traffic.utmId,
    channel: traffic.channel,
    clickIdType: traffic.clickIdType,
    clickId: traffic.clickId,
    partnerCode: e.partner_code?.toLowerCase() ?? traffic.partnerCode,
    device: client.device,
    browser: client.browser,
    os: client.os,
    country: req.country,
    region: req.region,
    screen: e.screen ?? null,
    language: e.language ?? null,
    engagedMs: e.engaged_ms ?? null,
    revenueMinor: e.revenue !== undefined && e.currency ? toMinor(e.revenue, e.currency) : null,
    currency: e.currency ?? null,
    orderId: e.order_id ?? null,
    items: e.items ? JSON.stringify(e.items) : null,
    props: props ? JSON.stringify(props) : null,
    recId: e.rec_id ?? null,
    hasCampaign: traffic.hasCampaign,
  };
}
