// D1 reads for the recommenders: pages of a site's item signals and sessions for training, and one
// learner's history for serving (jobs/recs/data.ts pages and caps them). All bound parameters.
import type { SiteDatabase } from "../databases";
import type { SessionFact } from "../../models/propensity/learner";
import type { EventRow } from "../../models/recs/signals";

// An event "about an item" has item lines or props.item_id; refunds may name only their order.
const ITEM_EVENT_FILTER =
  "superseded = 0 AND (items IS NOT NULL OR type = 'refund' OR json_extract(props, '$.item_id') IS NOT NULL)";
/**
 * The learner an event or session belongs to: its user id; else the user its visitor was
 * identified as (identify() or signup), so browsing before sign-up counts; else the visitor.
 */
export const learnerOf = (table: string) =>
  `coalesce(${table}.user_id, (SELECT i.user_id FROM identities i WHERE i.site_id = ${table}.site_id ` +
  `AND i.visitor_id = ${table}.visitor_id), ${table}.visitor_id)`;
const SIGNAL_COLUMNS = "type, name, ts, items, props, order_id, engaged_ms, id";
const EVENT_COLUMNS = `${learnerOf("events")} AS user, ${SIGNAL_COLUMNS}`;
/** Serving reads one learner, so every row is theirs: no per-row identity lookup on the request path. */
const LEARNER_EVENT_COLUMNS = `'learner' AS user, ${SIGNAL_COLUMNS}`;

export type SignalRow = EventRow & { id: string };

/** Item signals of a site after `after` in (ts, id) order, oldest first. */
export async function itemEventsPage(
  db: SiteDatabase,
  siteId: string,
  after: { ts: number; id: string },
  limit: number,
): Promise<SignalRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE site_id = ?1 AND ${ITEM_EVENT_FILTER} ` +
        "AND (ts > ?2 OR (ts = ?2 AND id > ?3)) ORDER BY ts, id LIMIT ?4",
    )
    .bind(siteId, after.ts, after.id, limit)
    .all<SignalRow>();
  return results;
}

export type LearnerSessionRow = SessionFact & { id: string; user: string };

/** Sessions of a site after `after` in (started_at, id) order, each with its learner key. */
export async function sessionFactsPage(
  db: SiteDatabase,
  siteId: string,
  after: { startedAt: number; id: string },
  limit: number,
): Promise<LearnerSessionRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, ${learnerOf("sessions")} AS user, started_at AS startedAt, pageviews, ` +
        "engaged_ms AS engagedMs, channel, device FROM sessions WHERE site_id = ?1 " +
        "AND (started_at > ?2 OR (started_at = ?2 AND id > ?3)) ORDER BY started_at, id LIMIT ?4",
    )
    .bind(siteId, after.startedAt, after.id, limit)
    .all<LearnerSessionRow>();
  return results;
}

/** The user a (hashed) visitor id was identified as, if any. */
export async function identifiedUser(db: SiteDatabase, siteId: string, visitorId: string): Promise<string | null> {
  const row = await db
    .prepare("SELECT user_id FROM identities WHERE site_id = ?1 AND visitor_id = ?2")
    .bind(siteId, visitorId)
    .first<{ user_id: string }>();
  return row?.user_id ?? null;
}

/**
 * One learner's most recent item events (at most `maxEvents`) and sessions (at most 200). A user
 * is also every visitor identified as them; a visitor is only itself.
 */
export async function learnerHistory(
  db: SiteDatabase,
  siteId: string,
  learner: { userId: string } | { visitorId: string },
  maxEvents: number,
): Promise<{ events: SignalRow[]; sessions: SessionFact[] }> {
  const isUser = "userId" in learner;
  const key = isUser ? learner.userId : learner.visitorId;
  const sessionColumns =
    "started_at AS startedAt, pageviews, engaged_ms AS engagedMs, channel, device FROM sessions WHERE site_id = ?1";
  const visitors = isUser
    ? "visitor_id IN (SELECT visitor_id FROM identities WHERE site_id = ?1 AND user_id = ?2)"
    : "visitor_id = ?2";
  const ownSessions = `SELECT id FROM sessions WHERE site_id = ?1 AND ${visitors} ORDER BY last_seen_at DESC LIMIT 200`;
  const own = isUser ? `(user_id = ?2 OR session_id IN (${ownSessions}))` : `session_id IN (${ownSessions})`;
  const [events, sessions] = await db.batch<SignalRow>([
    db
      .prepare(
        `SELECT ${LEARNER_EVENT_COLUMNS} FROM events WHERE site_id = ?1 AND ${own} AND ${ITEM_EVENT_FILTER} ORDER BY ts DESC LIMIT ?3`,
      )
      .bind(siteId, key, maxEvents),
    db
      .prepare(
        `SELECT ${sessionColumns} AND ${isUser ? `(user_id = ?2 OR ${visitors})` : visitors} ORDER BY started_at DESC LIMIT 200`,
      )
      .bind(siteId, key),
  ]);
  return { events: events!.results, sessions: sessions!.results as unknown as SessionFact[] };
}

/** Refund events of these orders (the payment back end often sends them without the learner's id). */
export async function refundEventsOf(db: SiteDatabase, siteId: string, orderIds: string[]): Promise<SignalRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${LEARNER_EVENT_COLUMNS} FROM events WHERE site_id = ?1 AND type = 'refund' AND superseded = 0 ` +
        "AND order_id IN (SELECT value FROM json_each(?2))",
    )
    .bind(siteId, JSON.stringify(orderIds))
    .all<SignalRow>();
  return results;
}
