// The event and the session, as they travel: capture enriches an event (functions/edge/capture),
// the queue carries it (core/queue.ts), ingest sessionizes and stores it (jobs/ingest.ts,
// schema/queries/ingest.ts). One shape, defined here once.

export const EVENT_TYPES = ["pageview", "engagement", "click", "signup", "purchase", "refund", "custom"] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const EVENT_ORIGINS = ["browser", "server"] as const;

/** One line of a purchase (or cart) event, as the event's `items` column stores it. */
export interface EventItem {
  id: string;
  name?: string;
  price?: number;
  quantity?: number;
}

/** An event's custom properties, as its `props` column stores them. */
export type EventProps = Record<string, string | number | boolean | null>;

/** An accepted event after validation and enrichment: what capture puts on the queue. */
export interface EnrichedEvent {
  id: string;
  type: string;
  name: string | null;
  ts: number;
  receivedAt: number;
  origin: (typeof EVENT_ORIGINS)[number];
  visitorId: string | null;
  userId: string | null;
  url: string | null;
  hostname: string | null;
  path: string | null;
  referrer: string | null;
  title: string | null;
  source: string;
  medium: string;
  campaign: string;
  term: string | null;
  content: string | null;
  utmId: string | null;
  channel: string;
  clickIdType: string | null;
  clickId: string | null;
  partnerCode: string | null;
  device: string;
  browser: string | null;
  os: string | null;
  country: string | null;
  region: string | null;
  screen: string | null;
  language: string | null;
  engagedMs: number | null;
  revenueMinor: number | null;
  currency: string | null;
  orderId: string | null;
  /** JSON of EventItem[] and EventProps, serialised once at capture. */
  items: string | null;
  props: string | null;
  recId: string | null;
  /** The landing carries a campaign (UTM, click id, partner code or external referrer). */
  hasCampaign: boolean;
}

/** An event once ingest knows its visitor and session: what is written to the events table. */
/** A session as sessionizing sees it: stored columns, plus this batch's counter increments. */
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
