// Reads for the rollup job, each scoped to one site and bounded by a day or by new events, and the
// write of one day's rows. Lists travel as one JSON parameter (json_each), as in ingest.
import type { SiteDatabase } from "../databases";
import { and, eq, gte, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { RemovalEffects } from "../../models/attribution/credit";
import { chunkByJsonBytes, inChunks, JSON_PARAM_BUDGET_BYTES } from "../limits";
import { rollupDaily, rollupState } from "../tables";
import type { SiteScope } from "./scope";

export interface NewEvent {
  type: string;
  ts: number;
  order_id: string | null;
  customer: string;
}

/** The times of a site's first and last events: the days a full rebuild recomputes. */
export async function eventSpan(db: SiteDatabase, scope: SiteScope) {
  return db
    .prepare("SELECT min(ts) AS first, max(ts) AS last FROM events WHERE site_id = ?1")
    .bind(scope.siteId)
    .first<{ first: number | null; last: number | null }>();
}

/** Deletes every rollup row of a site, before a full rebuild. */
export async function clearRollup(db: SiteDatabase, scope: SiteScope): Promise<void> {
  await db.prepare("DELETE FROM rollup_daily WHERE site_id = ?1").bind(scope.siteId).run();
}

/** Events received in (after, upTo]: what a run has to account for. */
export async function eventsReceivedBetween(db: SiteDatabase, scope: SiteScope, after: number, upTo: number) {
  const { results } = await db
    .prepare(
      "SELECT type, ts, order_id, coalesce(user_id, visitor_id) AS customer FROM events " +
        "WHERE site_id = ?1 AND received_at > ?2 AND received_at <= ?3",
    )
    .bind(scope.siteId, after, upTo)
    .all<NewEvent>();
  return results;
}

/** Purchase times of these orders (non-superseded), for refunds that dirty their purchase's day. */
export async function purchaseTimes(db: SiteDatabase, scope: SiteScope, orderIds: string[]) {
  return inChunks(orderIds, async (json) => {
    const { results } = await db
      .prepare(
        "SELECT order_id, min(ts) AS ts FROM events WHERE site_id = ?1 AND type = 'purchase' AND superseded = 0 " +
          "AND order_id IN (SELECT value FROM json_each(?2)) GROUP BY order_id",
      )
      .bind(scope.siteId, json)
      .all<{ order_id: string; ts: number }>();
    return results;
  });
}

/** First purchase time of each customer (user id, or visitor id when anonymous). */
export async function firstPurchases(db: SiteDatabase, scope: SiteScope, customers: string[]) {
  return inChunks(customers, async (json) => {
    const { results } = await db
      .prepare(
        "SELECT coalesce(user_id, visitor_id) AS customer, min(ts) AS ts FROM events WHERE site_id = ?1 " +
          "AND type = 'purchase' AND superseded = 0 AND coalesce(user_id, visitor_id) IN (SELECT value FROM json_each(?2)) " +
          "GROUP BY coalesce(user_id, visitor_id)",
      )
      .bind(scope.siteId, json)
      .all<{ customer: string; ts: number }>();
    return results;
  });
}

export interface PurchaseRow {
  id: string;
  ts: number;
  order_id: string;
  revenue_minor: number;
  currency: string;
  customer: string;
  visitor_id: string;
  user_id: string | null;
}

/** Purchases in [from, to), optionally only of some customers. */
export async function purchasesBetween(
  db: SiteDatabase,
  scope: SiteScope,
  from: number,
  to: number,
  customers?: string[],
) {
  const base =
    "SELECT id, ts, order_id, revenue_minor, currency, coalesce(user_id, visitor_id) AS customer, visitor_id, user_id " +
    "FROM events WHERE site_id = ?1 AND type = 'purchase' AND superseded = 0 AND ts >= ?2 AND ts < ?3";
  if (!customers) {
    const { results } = await db.prepare(base).bind(scope.siteId, from, to).all<PurchaseRow>();
    return results;
  }
  return inChunks(customers, async (json) => {
    const { results } = await db
      .prepare(`${base} AND coalesce(user_id, visitor_id) IN (SELECT value FROM json_each(?4))`)
      .bind(scope.siteId, from, to, json)
      .all<PurchaseRow>();
    return results;
  });
}

/** Refunded amounts per order (a refund without revenue refunds the whole order: null). */
export async function refundsFor(db: SiteDatabase, scope: SiteScope, orderIds: string[]) {
  return inChunks(orderIds, async (json) => {
    const { results } = await db
      .prepare(
        "SELECT order_id, revenue_minor, currency FROM events WHERE site_id = ?1 AND type = 'refund' " +
          "AND order_id IN (SELECT value FROM json_each(?2))",
      )
      .bind(scope.siteId, json)
      .all<{ order_id: string; revenue_minor: number | null; currency: string | null }>();
    return results;
  });
}

/** Every visitor id linked to these users. */
export async function visitorsOfUsers(db: SiteDatabase, scope: SiteScope, userIds: string[]) {
  return inChunks(userIds, async (json) => {
    const { results } = await db
      .prepare(
        "SELECT user_id, visitor_id FROM identities WHERE site_id = ?1 AND user_id IN (SELECT value FROM json_each(?2))",
      )
      .bind(scope.siteId, json)
      .all<{ user_id: string; visitor_id: string }>();
    return results;
  });
}

export interface SessionTouch {
  visitor_id: string;
  user_id: string | null;
  started_at: number;
  channel: string;
  source: string;
  campaign: string;
  partner_code: string | null;
}

const TOUCH_COLUMNS = "visitor_id, user_id, started_at, channel, source, campaign, partner_code";

export async function sessionsOfVisitors(
  db: SiteDatabase,
  scope: SiteScope,
  visitors: string[],
  from: number,
  to: number,
) {
  return inChunks(visitors, async (json) => {
    const { results } = await db
      .prepare(
        `SELECT ${TOUCH_COLUMNS} FROM sessions WHERE site_id = ?1 AND started_at >= ?2 AND started_at < ?3 ` +
          "AND visitor_id IN (SELECT value FROM json_each(?4))",
      )
      .bind(scope.siteId, from, to, json)
      .all<SessionTouch>();
    return results;
  });
}

/** The most recent `limit` sessions starting in [from, to). */
export async function sessionsBetween(db: SiteDatabase, scope: SiteScope, from: number, to: number, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT ${TOUCH_COLUMNS} FROM sessions WHERE site_id = ?1 AND started_at >= ?2 AND started_at < ?3 ` +
        "ORDER BY started_at DESC LIMIT ?4",
    )
    .bind(scope.siteId, from, to, limit)
    .all<SessionTouch>();
  return results;
}

/** Sessions and distinct visitors per dimension value for sessions starting in [from, to). */
export async function sessionCounts(db: SiteDatabase, scope: SiteScope, from: number, to: number) {
  const grouped = (column: string) =>
    db
      .prepare(
        `SELECT coalesce(${column}, '(none)') AS key, count(*) AS sessions, count(DISTINCT visitor_id) AS visitors ` +
          `FROM sessions WHERE site_id = ?1 AND started_at >= ?2 AND started_at < ?3 GROUP BY coalesce(${column}, '(none)')`,
      )
      .bind(scope.siteId, from, to);
  const columns = { channel: "channel", source: "source", campaign: "campaign", partner: "partner_code" } as const;
  const results = await db.batch<{ key: string; sessions: number; visitors: number }>(
    Object.values(columns).map(grouped),
  );
  return Object.fromEntries(Object.keys(columns).map((dimension, i) => [dimension, results[i]!.results])) as Record<
    keyof typeof columns,
    { key: string; sessions: number; visitors: number }[]
  >;
}

export type RollupRow = Omit<typeof rollupDaily.$inferInsert, "siteId">;

/** Replaces one day's rows in one transaction: running it twice changes nothing. */
export async function replaceDay(db: SiteDatabase, scope: SiteScope, day: string, rows: RollupRow[]) {
  const insert =
    "INSERT INTO rollup_daily (site_id, day, dimension, key, sessions, visitors, conversions, new_customers, revenue_minor, " +
    "refunds_minor, attributed, missing_fx) SELECT ?1, ?2, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), " +
    "json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]'), " +
    "json_extract(j.value, '$[6]'), json_extract(j.value, '$[7]'), json_extract(j.value, '$[8]'), json_extract(j.value, '$[9]') " +
    "FROM json_each(?3) AS j WHERE true";
  const tuples = rows.map((r) => [
    r.dimension,
    r.key,
    r.sessions ?? 0,
    r.visitors ?? 0,
    r.conversions ?? 0,
    r.newCustomers ?? 0,
    r.revenueMinor ?? 0,
    r.refundsMinor ?? 0,
    JSON.stringify(r.attributed ?? {}), // JSON text, as drizzle's json mode writes it
    r.missingFx ?? null,
  ]);
  await db.batch([
    db.prepare("DELETE FROM rollup_daily WHERE site_id = ?1 AND day = ?2").bind(scope.siteId, day),
    ...chunkByJsonBytes(tuples, JSON_PARAM_BUDGET_BYTES).map((chunk) =>
      db.prepare(insert).bind(scope.siteId, day, JSON.stringify(chunk)),
    ),
  ]);
}

export type RollupStateRow = typeof rollupState.$inferSelect;

export async function getRollupState(d1: SiteDatabase, scope: SiteScope): Promise<RollupStateRow | undefined> {
  const [row] = await drizzle(d1).select().from(rollupState).where(eq(rollupState.siteId, scope.siteId));
  return row;
}

/**
 * The Markov removal effects a state holds ({} before the first fit). The column stays plain text,
 * written as JSON.stringify(effects) by the rollup and the daily refit; this is its one reader.
 */
export function markovEffectsOf(state: RollupStateRow | undefined): RemovalEffects {
  return JSON.parse(state?.markovEffects ?? "{}") as RemovalEffects;
}

export async function saveRollupState(
  d1: SiteDatabase,
  scope: SiteScope,
  patch: Partial<typeof rollupState.$inferInsert>,
) {
  await drizzle(d1)
    .insert(rollupState)
    .values({ siteId: scope.siteId, updatedAt: Date.now(), ...patch })
    .onConflictDoUpdate({ target: rollupState.siteId, set: { ...patch, updatedAt: Date.now() } });
}

export async function rollupRows(d1: SiteDatabase, scope: SiteScope, dimension: string, from: string, to: string) {
  return drizzle(d1)
    .select()
    .from(rollupDaily)
    .where(
      and(
        eq(rollupDaily.siteId, scope.siteId),
        eq(rollupDaily.dimension, dimension),
        gte(rollupDaily.day, from),
        lte(rollupDaily.day, to),
      ),
    );
}
