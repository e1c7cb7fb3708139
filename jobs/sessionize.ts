// Sessions: 30 minutes of inactivity, or a landing with a different campaign, start a new one.
// Pure: given the visitors' recent sessions and new events, returns the session of each event and
// the session rows to upsert. Session ids derive from the first event's id, so a retried batch
// produces the same ids.
import type { EnrichedEvent, SessionState, StoredEvent } from "../core/event";
import { sha256Hex } from "../core/hash";

export const SESSION_TIMEOUT_MS = 30 * 60_000;

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
