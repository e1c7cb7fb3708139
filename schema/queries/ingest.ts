// Bulk statements for the queue consumer. Each binds the site id and one JSON array that
// json_each() expands into rows, so a statement has 2 bound parameters whatever its row count,
// and the JSON is chunked under JSON_PARAM_BUDGET_BYTES (schema/limits.ts). The SQL text is built
// only from the constant column lists below, never from input.
import type { SiteDatabase } from "../databases";
import type { SessionState, StoredEvent } from "../../core/event";
import { chunkByJsonBytes, JSON_PARAM_BUDGET_BYTES } from "../limits";
import type { SiteScope } from "./scope";

type Row = (string | number | null)[];

const EVENT_COLUMNS: [column: string, value: (e: StoredEvent) => string | number | null][] = [
  ["id", (e) => e.id],
  ["type", (e) => e.type],
  ["name", (e) => e.name],
  ["ts", (e) => e.ts],
  ["received_at", (e) => e.receivedAt],
  ["origin", (e) => e.origin],
  ["session_id", (e) => e.sessionId],
  ["visitor_id", (e) => e.visitorId],
  ["user_id", (e) => e.userId],
  ["url", (e) => e.url],
  ["hostname", (e) => e.hostname],
  ["path", (e) => e.path],
  ["referrer", (e) => e.referrer],
  ["title", (e) => e.title],
  ["source", (e) => e.source],
  ["medium", (e) => e.medium],
  ["campaign", (e) => e.campaign],
  ["term", (e) => e.term],
  ["content", (e) => e.content],
  ["utm_id", (e) => e.utmId],
  ["channel", (e) => e.channel],
  ["click_id_type", (e) => e.clickIdType],
  ["click_id", (e) => e.clickId],
  ["partner_code", (e) => e.partnerCode],
  ["device", (e) => e.device],
  ["browser", (e) => e.browser],
  ["os", (e) => e.os],
  ["country", (e) => e.country],
  ["region", (e) => e.region],
  ["screen", (e) => e.screen],
  ["language", (e) => e.language],
  ["engaged_ms", (e) => e.engagedMs],
  ["revenue_minor", (e) => e.revenueMinor],
  ["currency", (e) => e.currency],
  ["order_id", (e) => e.orderId],
  ["items", (e) => e.items],
  ["props", (e) => e.props],
  ["rec_id", (e) => e.recId],
];

const SESSION_COLUMNS: [column: string, value: (s: SessionState) => string | number | null][] = [
  ["id", (s) => s.id],
  ["visitor_id", (s) => s.visitorId],
  ["user_id", (s) => s.userId],
  ["started_at", (s) => s.startedAt],
  ["last_seen_at", (s) => s.lastSeenAt],
  ["source", (s) => s.source],
  ["medium", (s) => s.medium],
  ["campaign", (s) => s.campaign],
  ["term", (s) => s.term],
  ["content", (s) => s.content],
  ["channel", (s) => s.channel],
  ["landing_url", (s) => s.landingUrl],
  ["landing_path", (s) => s.landingPath],
  ["referrer", (s) => s.referrer],
  ["partner_code", (s) => s.partnerCode],
  ["click_id_type", (s) => s.clickIdType],
  ["click_id", (s) => s.clickId],
  ["device", (s) => s.device],
  ["browser", (s) => s.browser],
  ["os", (s) => s.os],
  ["country", (s) => s.country],
  ["region", (s) => s.region],
  ["pageviews", (s) => s.pageviews],
  ["events", (s) => s.events],
  ["engaged_ms", (s) => s.engagedMs],
];

function selectFromJson(columns: readonly unknown[]): string {
  return columns.map((_, i) => `json_extract(j.value, '$[${i}]')`).join(", ");
}

// A plain INSERT, no ON CONFLICT: the consumer inserts only events it has just read as new, and
// derives session counters from them in the same transaction. If a concurrent delivery (the same
// message twice at once, or a resent request in another message) stored one of them since, the key
// conflict rolls the whole transaction back and the consumer writes the message again from a fresh
// read, so sessions never count an event twice.
const INSERT_EVENTS =
  `INSERT INTO events (site_id, ${EVENT_COLUMNS.map(([c]) => c).join(", ")}) ` +
  `SELECT ?1, ${selectFromJson(EVENT_COLUMNS)} FROM json_each(?2) AS j`;

const UPSERT_SESSIONS =
  `INSERT INTO sessions (site_id, ${SESSION_COLUMNS.map(([c]) => c).join(", ")}) ` +
  `SELECT ?1, ${selectFromJson(SESSION_COLUMNS)} FROM json_each(?2) AS j WHERE true ` +
  `ON CONFLICT (site_id, id) DO UPDATE SET ` +
  `started_at = min(sessions.started_at, excluded.started_at), ` +
  `last_seen_at = max(sessions.last_seen_at, excluded.last_seen_at), ` +
  `user_id = coalesce(sessions.user_id, excluded.user_id), ` +
  `pageviews = sessions.pageviews + excluded.pageviews, ` +
  `events = sessions.events + excluded.events, ` +
  `engaged_ms = sessions.engaged_ms + excluded.engaged_ms`;

/** Exposed so the limits test can check the statements' size. */
export const BULK_SQL = { INSERT_EVENTS, UPSERT_SESSIONS };

function bulk(db: SiteDatabase, sqlText: string, scope: SiteScope, rows: Row[]): D1PreparedStatement[] {
  return chunkByJsonBytes(rows, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
    db.prepare(sqlText).bind(scope.siteId, JSON.stringify(chunk)),
  );
}

export function insertEventsStatements(db: SiteDatabase, scope: SiteScope, events: StoredEvent[]) {
  return bulk(
    db,
    INSERT_EVENTS,
    scope,
    events.map((e) => EVENT_COLUMNS.map(([, value]) => value(e))),
  );
}

export function upsertSessionsStatements(db: SiteDatabase, scope: SiteScope, sessions: SessionState[]) {
  return bulk(
    db,
    UPSERT_SESSIONS,
    scope,
    sessions.map((s) => SESSION_COLUMNS.map(([, value]) => value(s))),
  );
}

export function insertIdentitiesStatements(
  db: SiteDatabase,
  scope: SiteScope,
  pairs: { visitorId: string; userId: string; at: number }[],
) {
  const sqlText =
    "INSERT INTO identities (site_id, visitor_id, user_id, first_seen_at) " +
    "SELECT ?1, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]') " +
    "FROM json_each(?2) AS j WHERE true ON CONFLICT (site_id, visitor_id) DO NOTHING";
  return bulk(
    db,
    sqlText,
    scope,
    pairs.map((p) => [p.visitorId, p.userId, p.at]),
  );
}

/** A server-reported purchase wins over browser-reported ones with the same order id. */
export function supersedeBrowserPurchasesStatements(db: SiteDatabase, scope: SiteScope, orderIds: string[]) {
  const sqlText =
    "UPDATE events SET superseded = 1 WHERE site_id = ?1 AND type = 'purchase' AND origin = 'browser' " +
    "AND superseded = 0 AND order_id IN (SELECT order_id FROM events WHERE site_id = ?1 AND type = 'purchase' " +
    "AND origin = 'server' AND order_id IN (SELECT value FROM json_each(?2)))";
  return chunkByJsonBytes(orderIds, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
    db.prepare(sqlText).bind(scope.siteId, JSON.stringify(chunk)),
  );
}

export function botHitsStatements(db: SiteDatabase, scope: SiteScope, day: string, counts: Record<string, number>) {
  const sqlText =
    "INSERT INTO bot_hits (site_id, day, agent, hits) " +
    "SELECT ?1, ?3, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(?2) AS j WHERE true " +
    "ON CONFLICT (site_id, day, agent) DO UPDATE SET hits = bot_hits.hits + excluded.hits";
  return chunkByJsonBytes(Object.entries(counts), JSON_PARAM_BUDGET_BYTES).map((chunk) =>
    db.prepare(sqlText).bind(scope.siteId, JSON.stringify(chunk), day),
  );
}

/**
 * A queue message's bot counts, added once: each statement adds only while the message has no
 * receipt, and the last one writes the receipt. Run in one batch (one transaction) with the rest of
 * the message, a redelivery after a failure adds nothing (schema/reliability-tables.ts).
 */
export function messageBotHitsStatements(
  db: SiteDatabase,
  scope: SiteScope,
  messageId: string,
  bots: Record<string, Record<string, number>>,
  now: number,
) {
  const sqlText =
    "INSERT INTO bot_hits (site_id, day, agent, hits) " +
    "SELECT ?1, ?3, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(?2) AS j " +
    "WHERE NOT EXISTS (SELECT 1 FROM bot_hit_receipts WHERE site_id = ?1 AND message_id = ?4) " +
    "ON CONFLICT (site_id, day, agent) DO UPDATE SET hits = bot_hits.hits + excluded.hits";
  const statements = Object.entries(bots).flatMap(([day, counts]) =>
    chunkByJsonBytes(Object.entries(counts), JSON_PARAM_BUDGET_BYTES).map((chunk) =>
      db.prepare(sqlText).bind(scope.siteId, JSON.stringify(chunk), day, messageId),
    ),
  );
  if (statements.length === 0) return [];
  const receipt = db
    .prepare("INSERT INTO bot_hit_receipts (site_id, message_id, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
    .bind(scope.siteId, messageId, now);
  return [...statements, receipt];
}

/** Ids among `ids` already stored for this site. */
export async function existingEventIds(db: SiteDatabase, scope: SiteScope, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunkByJsonBytes(ids, JSON_PARAM_BUDGET_BYTES)) {
    const { results } = await db
      .prepare("SELECT id FROM events WHERE site_id = ?1 AND id IN (SELECT value FROM json_each(?2))")
      .bind(scope.siteId, JSON.stringify(chunk))
      .all<{ id: string }>();
    for (const r of results) found.add(r.id);
  }
  return found;
}

/** Sessions of these visitors still open to events at or after `since`. */
export async function recentSessions(
  db: SiteDatabase,
  scope: SiteScope,
  visitorIds: string[],
  since: number,
): Promise<SessionState[]> {
  const out: SessionState[] = [];
  const columns = SESSION_COLUMNS.map(([c]) => c).join(", ");
  for (const chunk of chunkByJsonBytes(visitorIds, JSON_PARAM_BUDGET_BYTES)) {
    const { results } = await db
      .prepare(
        `SELECT ${columns} FROM sessions WHERE site_id = ?1 AND visitor_id IN (SELECT value FROM json_each(?2)) ` +
          "AND last_seen_at >= ?3",
      )
      .bind(scope.siteId, JSON.stringify(chunk), since)
      .all<Record<string, string | number | null>>();
    for (const r of results) out.push(sessionFromRow(r));
  }
  return out;
}

function sessionFromRow(r: Record<string, string | number | null>): SessionState {
  const s = (k: string) => (r[k] as string | null) ?? null;
  return {
    id: r.id as string,
    visitorId: r.visitor_id as string,
    userId: s("user_id"),
    startedAt: r.started_at as number,
    lastSeenAt: r.last_seen_at as number,
    source: r.source as string,
    medium: r.medium as string,
    campaign: r.campaign as string,
    term: s("term"),
    content: s("content"),
    channel: r.channel as string,
    landingUrl: s("landing_url"),
    landingPath: s("landing_path"),
    referrer: s("referrer"),
    partnerCode: s("partner_code"),
    clickIdType: s("click_id_type"),
    clickId: s("click_id"),
    device: r.device as string,
    browser: s("browser"),
    os: s("os"),
    country: s("country"),
    region: s("region"),
    pageviews: 0,
    events: 0,
    engagedMs: 0,
  };
}

/** Identity links by visitor id and by user id, for stitching. */
export async function identitiesFor(
  db: SiteDatabase,
  scope: SiteScope,
  visitorIds: string[],
  userIds: string[],
): Promise<{ userByVisitor: Map<string, string>; visitorByUser: Map<string, string> }> {
  const userByVisitor = new Map<string, string>();
  const visitorByUser = new Map<string, string>();
  const keys = [...visitorIds.map((v) => ["v", v]), ...userIds.map((u) => ["u", u])];
  for (const chunk of chunkByJsonBytes(keys, JSON_PARAM_BUDGET_BYTES)) {
    const { results } = await db
      .prepare(
        "SELECT visitor_id, user_id FROM identities WHERE site_id = ?1 AND (" +
          "visitor_id IN (SELECT json_extract(value, '$[1]') FROM json_each(?2) WHERE json_extract(value, '$[0]') = 'v') OR " +
          "user_id IN (SELECT json_extract(value, '$[1]') FROM json_each(?2) WHERE json_extract(value, '$[0]') = 'u')) " +
          "ORDER BY first_seen_at",
      )
      .bind(scope.siteId, JSON.stringify(chunk))
      .all<{ visitor_id: string; user_id: string }>();
    for (const r of results) {
      userByVisitor.set(r.visitor_id, r.user_id);
      visitorByUser.set(r.user_id, r.visitor_id); // latest linked visitor wins (ordered by first_seen_at)
    }
  }
  return { userByVisitor, visitorByUser };
}
