// What the behaviour analyses read: an event or a session row from D1, camelCased, as the
// stored shapes in core/event.ts name their fields. One input shape for goals, funnels,
// retention, journeys, RFM and the value model, so a route feeds all of them from one query.
import type { SessionState, StoredEvent } from "../../core/event";

export type PropValue = string | number | boolean | null;
export type Props = Record<string, PropValue>;

/**
 * One event as the analyses read it. Required: who (`visitorId`), when (`ts`, ms since the
 * epoch), what (`type`, `name`, `path`) and revenue. The rest is read when present.
 *
 * - `visitorId` is the person key. A route that stitches identities passes `userId ?? visitorId`
 *   here (a learner's devices then count once); the analyses never look at `userId` themselves.
 * - `revenueMinor` is in the site's currency: the route converts other currencies first
 *   (core/money.ts convertMinor) and leaves out superseded browser purchases (`superseded = 1`).
 * - `props` may be the stored JSON text or the parsed object; text is parsed once per event.
 * - `sessionId` splits journeys into visits and counts sessions for the value model; without it
 *   a visit ends after SESSION_GAP_MS of silence.
 */
export type AnalyticsEvent = Pick<StoredEvent, "visitorId" | "ts" | "type" | "name" | "path" | "revenueMinor"> &
  Partial<
    Pick<
      StoredEvent,
      "sessionId" | "userId" | "channel" | "source" | "medium" | "campaign" | "device" | "engagedMs" | "orderId"
    >
  > & { props?: string | Props | null };

/** A session row: enough for "any activity" retention and first-touch breakdowns without reading events. */
export type AnalyticsSession = Pick<SessionState, "id" | "visitorId" | "startedAt"> &
  Partial<Pick<SessionState, "landingPath" | "channel" | "source" | "medium" | "campaign" | "device">>;

/** The type a session becomes in fromSession(): no captured event has it, so no goal matches it. */
export const SESSION_EVENT_TYPE = "session";

/** A session as one activity event at its start (cohorts by first visit, return by any activity). */
export function fromSession(s: AnalyticsSession): AnalyticsEvent {
  return {
    visitorId: s.visitorId,
    sessionId: s.id,
    ts: s.startedAt,
    type: SESSION_EVENT_TYPE,
    name: null,
    path: s.landingPath ?? null,
    revenueMinor: null,
    ...(s.channel !== undefined && { channel: s.channel }),
    ...(s.source !== undefined && { source: s.source }),
    ...(s.medium !== undefined && { medium: s.medium }),
    ...(s.campaign !== undefined && { campaign: s.campaign }),
    ...(s.device !== undefined && { device: s.device }),
  };
}

/** Custom event names that mean learning happened (the snippet's and back ends' lesson events). */
export const LESSON_EVENT_NAMES: readonly string[] = ["lesson_start", "lesson_complete"];

/**
 * Engagement events measure the page before them (time on page, sent when it is left); they are
 * not steps a learner takes, so funnels and journeys skip them.
 */
export const MEASUREMENT_TYPES: ReadonlySet<string> = new Set(["engagement"]);

/** Silence after which, without session ids, the next event starts a new visit (GA4's default 30 minutes). */
export const SESSION_GAP_MS = 30 * 60_000;

export const isPurchase = (e: Pick<AnalyticsEvent, "type">) => e.type === "purchase";
export const isLesson = (e: Pick<AnalyticsEvent, "name">) => e.name !== null && LESSON_EVENT_NAMES.includes(e.name);

const parsedProps = new WeakMap<object, Props>();

/** An event's properties as an object ({} when absent or not a JSON object). */
export function propsOf(event: AnalyticsEvent): Props {
  const raw = event.props;
  if (raw === null || raw === undefined) return {};
  if (typeof raw === "object") return raw;
  let props = parsedProps.get(event);
  if (!props) {
    try {
      const value: unknown = JSON.parse(raw);
      props = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : {};
    } catch {
      // A stored props column is always JSON (capture serialises it); anything else has no properties.
      props = {};
    }
    parsedProps.set(event, props);
  }
  return props;
}

/**
 * Events per person, each list in time order. Equal timestamps keep their input order, so a
 * route that reads `ORDER BY ts, received_at` gets the order it read.
 */
export function byVisitor<E extends AnalyticsEvent>(events: readonly E[]): Map<string, E[]> {
  const out = new Map<string, E[]>();
  for (const e of events) {
    const list = out.get(e.visitorId);
    if (list) list.push(e);
    else out.set(e.visitorId, [e]);
  }
  // Array.prototype.sort is stable (ES2019), so ties stay in input order.
  for (const list of out.values()) list.sort((a, b) => a.ts - b.ts);
  return out;
}

/** The median of a list (mean of the middle two for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The share a / b, or null when b is 0 (a rate of nothing is unknown, not zero). */
export const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
