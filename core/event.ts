// The event and the session, as they travel: capture enriches an event (functions/edge/capture),
// the queue carries it (core/queue.ts), ingest sessionizes and stores it (jobs/ingest.ts,
// schema/queries/ingest.ts). One shape, defined here once.

/**
 * Learning events (course analytics, dropout risk). Where they point and what they measure travel in
 * `props`, under the keys of LEARNING_PROPS: every learning event names its course and (except
 * `certificate` and a course `rating`) its lesson.
 */
export const LEARNING_EVENT_TYPES = [
  "lesson_start",
  "lesson_progress",
  "lesson_complete",
  "quiz_submit",
  "rating",
  "certificate",
] as const;
export type LearningEventType = (typeof LEARNING_EVENT_TYPES)[number];
export const LEARNING_PROPS = {
  course: "course_id",
  lesson: "lesson_id",
  /** lesson_progress: share watched or read, 0-100. */
  percent: "percent",
  /** lesson_progress: position reached, in seconds. */
  seconds: "seconds",
  /** quiz_submit: 0-100, and whether it passed. */
  score: "score",
  passed: "passed",
  /** rating: 1-5 stars and an optional comment. */
  stars: "stars",
  comment: "comment",
} as const;

export const EVENT_TYPES = [
  "pageview",
  "engagement",
  "click",
  "signup",
  "purchase",
  "refund",
  "custom",
  ...LEARNING_EVENT_TYPES,
] as const;
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
