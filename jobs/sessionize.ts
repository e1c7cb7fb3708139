// Sessions: 30 minutes of inactivity, or a landing with a different campaign, start a new one.
// Pure: given the visitors' recent sessions and new events, returns the session of each event and
// the session rows to upsert. Session ids derive from the first event's id, so a retried batch
// produces the same ids.
import type { EnrichedEvent } from "../functions/capture/enrich";
import { sha256Hex } from "../functions/lib/crypto";

export const SESSION_TIMEOUT_MS = 30 * 60_000;

export interface SessionState {
  id: string;
  visitorId: string;
  userId: string | null;
  startedAt: number;
  lastSeenAt: number;
  source: string;
  medium: string;
  campaign: string;
  term: string | null;
  content: string | null;
  channel: string;
  landingUrl: string | null;
  landingPath: string | null;
  referrer: string | null;
  partnerCode: string | null;
  clickIdType: string | null;
  clickId: string | null;
  device: string;
  browser: string | null;
  os: string | null;
  country: string | null;
  region: string | null;
  /** Increments from this batch only; the upsert adds them to the stored counters. */
  pageviews: number;
  events: number;
  engagedMs: number;
}

export type StoredEvent = EnrichedEvent & { visitorId: string; sessionId: string };

function campaignChanged(event: EnrichedEvent, session: SessionState): boolean {
  if (event.type !== "pageview" || !event.hasCampaign) return false;
  return event.source !== session.source || event.medium !== session.medium || event.campaign !== session.campaign;
}

function fits(event: EnrichedEvent, session: SessionState): boolean {
  return event.ts >= session.startedAt - SESSION_TIMEOUT_MS && event.ts <= session.lastSeenAt + SESSION_TIMEOUT_MS;
}

async function newSession(siteId: string, event: EnrichedEvent & { visitorId: string }): Promise<SessionState> {
  return {
    id: `s_${(await sha256Hex(`${siteId}|${event.visitorId}|${event.id}`)).slice(0, 24)}`,
    visitorId: event.visitorId,
    userId: event.userId,
    startedAt: event.ts,
    lastSeenAt: event.ts,
    source: event.source,
    medium: event.medium,
    campaign: event.campaign,
    term: event.term,
    content: event.content,
    channel: event.channel,
    landingUrl: event.url,
    landingPath: event.path,
    referrer: event.referrer,
    partnerCode: event.partnerCode,
    clickIdType: event.clickIdType,
    clickId: event.clickId,
    device: event.device,
    browser: event.browser,
    os: event.os,
    country: event.country,
    region: event.region,
    pageviews: 0,
    events: 0,
    engagedMs: 0,
  };
}

/**
 * @param known recent sessions of these visitors (from D1), any order; their counters are ignored.
 * @returns events with session ids, and sessions touched (new ones and known ones with increments).
 */
export async function sessionize(
  siteId: string,
  events: readonly (EnrichedEvent & { visitorId: string })[],
  known: readonly SessionState[],
): Promise<{ events: StoredEvent[]; sessions: SessionState[] }> {
  const byVisitor = new Map<string, SessionState[]>();
  for (const s of known) {
    const list = byVisitor.get(s.visitorId) ?? [];
    list.push({ ...s, pageviews: 0, events: 0, engagedMs: 0 });
    byVisitor.set(s.visitorId, list);
  }
  const touched = new Set<SessionState>();
  const sorted = [...events].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
  const out: StoredEvent[] = [];
  for (const event of sorted) {
    const list = byVisitor.get(event.visitorId) ?? [];
    byVisitor.set(event.visitorId, list);
    // The most recent session this event falls into, unless it lands from a new campaign.
    let session = list
      .filter((s) => fits(event, s))
      .sort((a, b) => b.lastSeenAt - a.lastSeenAt)
      .at(0);
    if (session && campaignChanged(event, session) && event.ts >= session.lastSeenAt) session = undefined;
    if (!session) {
      session = await newSession(siteId, event);
      list.push(session);
    }
    session.startedAt = Math.min(session.startedAt, event.ts);
    session.lastSeenAt = Math.max(session.lastSeenAt, event.ts);
    session.userId ??= event.userId;
    session.events += 1;
    if (event.type === "pageview") session.pageviews += 1;
    if (event.type === "engagement") session.engagedMs += event.engagedMs ?? 0;
    touched.add(session);
    // An event with no campaign of its own (internal navigation, a server event) is credited to
    // its session's entry, as GA4 and Plausible report events.
    const credit = event.hasCampaign
      ? {}
      : {
          source: session.source,
          medium: session.medium,
          campaign: session.campaign,
          term: session.term,
          content: session.content,
          channel: session.channel,
          partnerCode: session.partnerCode,
        };
    out.push({ ...event, ...credit, sessionId: session.id });
  }
  return { events: out, sessions: [...touched] };
}
