// What the recommenders read: a site's item signals for training, one learner's history for
// serving (the queries are in schema/queries/recs.ts). Pages of PAGE_ROWS keep each result small.
import type { SiteDatabase } from "../../schema/databases";
import { firstPartyVisitorId } from "../../core/hash";
import { toMajor } from "../../core/money";
import type { EventRow } from "../../models/recs/signals";
import type { SessionFact } from "../../models/propensity/learner";
import {
  identifiedUser,
  itemEventsPage,
  learnerHistory,
  refundEventsOf,
  sessionFactsPage,
} from "../../schema/queries/recs";

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

/** Every item signal of a site since `from`, oldest first, paged by (ts, id). */
export async function loadSiteEvents(db: SiteDatabase, siteId: string, from: number): Promise<EventRow[]> {
  const rows: EventRow[] = [];
  let after = { ts: from - 1, id: "" };
  while (rows.length < MAX_TRAINING_EVENTS) {
    const results = await itemEventsPage(db, siteId, after, PAGE_ROWS);
    rows.push(...results);
    if (results.length < PAGE_ROWS) break;
    const last = results[results.length - 1]!;
    after = { ts: last.ts, id: last.id };
  }
  return rows;
}

/** Sessions since `from` per learner key (user id, else visitor id), for propensity features. */
export async function loadSiteSessions(
  db: SiteDatabase,
  siteId: string,
  from: number,
): Promise<Map<string, SessionFact[]>> {
  const byUser = new Map<string, SessionFact[]>();
  let after = { startedAt: from - 1, id: "" };
  for (let read = 0; read < MAX_TRAINING_EVENTS; read += PAGE_ROWS) {
    const results = await sessionFactsPage(db, siteId, after, PAGE_ROWS);
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
  db: SiteDatabase,
  siteId: string,
  who: LearnerKey,
): Promise<{ key: string; events: EventRow[]; sessions: SessionFact[] }> {
  // A visitor identified as a user is that user; a user is also every visitor identified as them.
  let userId = "userId" in who ? who.userId : null;
  // Visitor ids are stored hashed per site, as capture hashes the id a back end or cookie sends.
  const visitorId = "visitorId" in who ? await firstPartyVisitorId(siteId, who.visitorId) : null;
  if (!userId && visitorId) userId = await identifiedUser(db, siteId, visitorId);
  const key = userId ?? visitorId!;
  const history = await learnerHistory(db, siteId, userId ? { userId } : { visitorId: key }, MAX_HISTORY_EVENTS);
  const rows = history.events;
  // Refunds often come from the payment back end, without this learner's id: find them by order.
  const orders = [...new Set(rows.filter((e) => e.type === "purchase" && e.order_id).map((e) => e.order_id!))].slice(
    0,
    MAX_REFUND_LOOKUP_ORDERS,
  );
  if (orders.length) {
    const refunds = await refundEventsOf(db, siteId, orders);
    const seen = new Set(rows.map((e) => e.id));
    for (const r of refunds) if (!seen.has(r.id)) rows.push(r);
  }
  return { key, events: rows, sessions: history.sessions };
}
