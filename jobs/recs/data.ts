// D1 reads for the recommenders: a site's item signals for training, one learner's
// history for serving. All bound parameters; pages of PAGE_ROWS keep each result small.
import { firstPartyVisitorId } from "../../core/hash";
import { toMajor } from "../../core/money";
import type { EventRow } from "../../models/recs/signals";
import type { SessionFact } from "../../models/propensity/learner";

/** Training looks back this far. Older taste says little about what a learner buys next. */
export const TRAINING_WINDOW_DAYS = 365;
/** Upper bound on events read for one training run: memory (128 MB) and CPU stay bounded. */
export const MAX_TRAINING_EVENTS = 400_000;
/** Rows per D1 read while paging. */
export const PAGE_ROWS = 5_000;
/** A learner's history for serving: their most recent events, this many at most. */
export const MAX_HISTORY_EVENTS = 2_000;
/** Orders whose refunds are looked up per request: 500 ids of at most 128 characters stay inside JSON_PARAM_BUDGET_BYTES. */
export const MAX_REFUND_LOOKUP_ORDERS = 500;

/**
 * An item's price as the propensity `price` feature: major units of its currency (199.00), or null.
 * A price without a currency is read with two decimals, as most currencies have.
 */
export function priceOf(item: { priceMinor: number | null; currency: string | null }): number | null {
  if (item.priceMinor === null) return null;
  return item.currency ? toMajor(item.priceMinor, item.currency) : item.priceMinor / 100;
}

// An event "about an item" has item lines or props.item_id; refunds may name only their order.
const ITEM_EVENT_FILTER =
  "superseded = 0 AND (items IS NOT NULL OR type = 'refund' OR json_extract(props, '$.item_id') IS NOT NULL)";
/**
 * The learner an event or session belongs to: its user id; else the user its visitor was
 * identified as (identify() or signup), so browsing before sign-up counts; else the visitor.
 */
const learnerOf = (table: string) =>
  `coalesce(${table}.user_id, (SELECT i.user_id FROM identities i WHERE i.site_id = ${table}.site_id ` +
  `AND i.visitor_id = ${table}.visitor_id), ${table}.visitor_id)`;
const SIGNAL_COLUMNS = "type, name, ts, items, props, order_id, engaged_ms, id";
const EVENT_COLUMNS = `${learnerOf("events")} AS user, ${SIGNAL_COLUMNS}`;
/** Serving reads one learner, so every row is theirs: no per-row identity lookup on the request path. */
const LEARNER_EVENT_COLUMNS = `'learner' AS user, ${SIGNAL_COLUMNS}`;

/** Every item signal of a site since `from`, oldest first, paged by (ts, id). */
export async function loadSiteEvents(db: D1Database, siteId: string, from: number): Promise<EventRow[]> {
  const rows: EventRow[] = [];
  let after = { ts: from - 1, id: "" };
  while (rows.length < MAX_TRAINING_EVENTS) {
    const { results } = await db
      .prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE site_id = ?1 AND ${ITEM_EVENT_FILTER} ` +
          "AND (ts > ?2 OR (ts = ?2 AND id > ?3)) ORDER BY ts, id LIMIT ?4",
      )
      .bind(siteId, after.ts, after.id, PAGE_ROWS)
      .all<EventRow & { id: string }>();
    rows.push(...results);
    if (results.length < PAGE_ROWS) break;
    const last = results[results.length - 1]!;
    after = { ts: last.ts, id: last.id };
  }
  return rows;
}

/** Sessions since `from` per learner key (user id, else visitor id), for propensity features. */
export async function loadSiteSessions(
  db: D1Database,
  siteId: string,
  from: number,
): Promise<Map<string, SessionFact[]>> {
  const byUser = new Map<string, SessionFact[]>();
  let after = { startedAt: from - 1, id: "" };
  for (let read = 0; read < MAX_TRAINING_EVENTS; read += PAGE_ROWS) {
    const { results } = await db
      .prepare(
        `SELECT id, ${learnerOf("sessions")} AS user, started_at AS startedAt, pageviews, ` +
          "engaged_ms AS engagedMs, channel, device FROM sessions WHERE site_id = ?1 " +
          "AND (started_at > ?2 OR (started_at = ?2 AND id > ?3)) ORDER BY started_at, id LIMIT ?4",
      )
      .bind(siteId, after.startedAt, after.id, PAGE_ROWS)
      .all<SessionFact & { id: string; user: string }>();
    for (const { id: _id, user, ...fact } of results) {
      const list = byUser.get(user);
      if (list) list.push(fact);
      else byUser.set(user, [fact]);
    }
    if (results.length < PAGE_ROWS) break;
    const last = results[results.length - 1]!;
    after = { startedAt: last.startedAt, id: last.id };
  }
  return byUser;
}

export type LearnerKey = { userId: string } | { visitorId: string };

/** One learner's recent item events and sessions (by user id, else visitor id), and refunds of their orders. */
export async function loadLearner(
  db: D1Database,
  siteId: string,
  who: LearnerKey,
): Promise<{ key: string; events: EventRow[]; sessions: SessionFact[] }> {
  const sessionColumns =
    "started_at AS startedAt, pageviews, engaged_ms AS engagedMs, channel, device FROM sessions WHERE site_id = ?1";
  // A visitor identified as a user is that user; a user is also every visitor identified as them.
  let userId = "userId" in who ? who.userId : null;
  // Visitor ids are stored hashed per site, as capture hashes the id a back end or cookie sends.
  const visitorId = "visitorId" in who ? await firstPartyVisitorId(siteId, who.visitorId) : null;
  if (!userId && visitorId) {
    const identified = await db
      .prepare("SELECT user_id FROM identities WHERE site_id = ?1 AND visitor_id = ?2")
      .bind(siteId, visitorId)
      .first<{ user_id: string }>();
    userId = identified?.user_id ?? null;
  }
  const key = userId ?? visitorId!;
  const visitors = userId
    ? "visitor_id IN (SELECT visitor_id FROM identities WHERE site_id = ?1 AND user_id = ?2)"
    : "visitor_id = ?2";
  const ownSessions = `SELECT id FROM sessions WHERE site_id = ?1 AND ${visitors} ORDER BY last_seen_at DESC LIMIT 200`;
  const own = userId ? `(user_id = ?2 OR session_id IN (${ownSessions}))` : `session_id IN (${ownSessions})`;
  const [events, sessions] = await db.batch<EventRow>([
    db
      .prepare(
        `SELECT ${LEARNER_EVENT_COLUMNS} FROM events WHERE site_id = ?1 AND ${own} AND ${ITEM_EVENT_FILTER} ORDER BY ts DESC LIMIT ?3`,
      )
      .bind(siteId, key, MAX_HISTORY_EVENTS),
    db
      .prepare(
        `SELECT ${sessionColumns} AND ${userId ? `(user_id = ?2 OR ${visitors})` : visitors} ORDER BY started_at DESC LIMIT 200`,
      )
      .bind(siteId, key),
  ]);
  const rows = events!.results;
  // Refunds often come from the payment back end, without this learner's id: find them by order.
  const orders = [...new Set(rows.filter((e) => e.type === "purchase" && e.order_id).map((e) => e.order_id!))].slice(
    0,
    MAX_REFUND_LOOKUP_ORDERS,
  );
  if (orders.length) {
    const { results: refunds } = await db
      .prepare(
        `SELECT ${LEARNER_EVENT_COLUMNS} FROM events WHERE site_id = ?1 AND type = 'refund' AND superseded = 0 ` +
          "AND order_id IN (SELECT value FROM json_each(?2))",
      )
      .bind(siteId, JSON.stringify(orders))
      .all<EventRow>();
    const seen = new Set(rows.map((e) => (e as EventRow & { id: string }).id));
    for (const r of refunds) if (!seen.has((r as EventRow & { id: string }).id)) rows.push(r);
  }
  return { key, events: rows, sessions: sessions!.results as unknown as SessionFact[] };
}
