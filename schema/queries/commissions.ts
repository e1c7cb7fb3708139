// Commission settlement reads and writes. Refund handling is pure SQL in one batch with the order's
// inserts, so a refund and the approval cron can never race: whatever status a commission has when
// the batch runs decides whether it is reduced (pending) or clawed back (approved, paid).
import type { SiteDatabase } from "../databases";
import type { EventItem } from "../../core/event";
import { inChunks } from "../limits";
import type { SiteScope } from "./scope";

export interface PurchaseFacts {
  id: string;
  order_id: string;
  ts: number;
  visitor_id: string;
  user_id: string | null;
  revenue_minor: number | null;
  currency: string | null;
  /** The purchase's lines ([] when it named none). */
  items: EventItem[];
  partner_code: string | null;
  channel: string;
  source: string;
  campaign: string;
}

/** events.items as raw SQL reads it: the JSON text capture wrote, or null. */
export function parseEventItems(text: string | null): EventItem[] {
  return text ? (JSON.parse(text) as EventItem[]) : [];
}

/** The purchase that counts for each order: the server's when it superseded the browser's. */
export async function purchasesFor(db: SiteDatabase, scope: SiteScope, orderIds: string[]): Promise<PurchaseFacts[]> {
  const rows = await inChunks(orderIds, async (json) => {
    const { results } = await db
      .prepare(
        "SELECT id, order_id, ts, visitor_id, user_id, revenue_minor, currency, items, partner_code, channel, source, campaign " +
          "FROM events WHERE site_id = ?1 AND type = 'purchase' AND superseded = 0 " +
          "AND order_id IN (SELECT value FROM json_each(?2)) ORDER BY ts",
      )
      .bind(scope.siteId, json)
      .all<Omit<PurchaseFacts, "items"> & { items: string | null }>();
    return results;
  });
  return rows.map((r) => ({ ...r, items: parseEventItems(r.items) }));
}

export interface PartnerSessionTouch {
  id: string;
  visitor_id: string;
  user_id: string | null;
  partner_code: string;
  started_at: number;
  channel: string;
  source: string;
  campaign: string;
}

/** Visits carrying a partner code by any of these visitors or users, up to `until`. */
export async function partnerTouchesOf(
  db: SiteDatabase,
  scope: SiteScope,
  visitorIds: string[],
  userIds: string[],
  until: number,
): Promise<PartnerSessionTouch[]> {
  const select =
    "SELECT id, visitor_id, user_id, lower(partner_code) AS partner_code, started_at, channel, source, campaign " +
    "FROM sessions WHERE site_id = ?1 AND partner_code IS NOT NULL AND started_at <= ?3 AND ";
  const run = (column: string, ids: string[]) =>
    inChunks(ids, async (json) => {
      const { results } = await db
        .prepare(`${select}${column} IN (SELECT value FROM json_each(?2))`)
        .bind(scope.siteId, json, until)
        .all<PartnerSessionTouch>();
      return results;
    });
  const byId = new Map<string, PartnerSessionTouch>();
  for (const t of [...(await run("visitor_id", visitorIds)), ...(await run("user_id", userIds))]) byId.set(t.id, t);
  return [...byId.values()].sort((a, b) => a.started_at - b.started_at);
}

/** Sales per partner, kind and month (YYYY-MM) on local days [fromDay, toDay]; reversed and refused excluded. */
export async function monthlySales(db: SiteDatabase, scope: SiteScope, fromDay: string, toDay: string) {
  const { results } = await db
    .prepare(
      "SELECT partner_id, kind, substr(day, 1, 7) AS month, sum(base_minor) AS total FROM partner_commissions " +
        "WHERE site_id = ?1 AND day >= ?2 AND day <= ?3 AND status NOT IN ('reversed', 'rejected', 'held') " +
        "GROUP BY partner_id, kind, month",
    )
    .bind(scope.siteId, fromDay, toDay)
    .all<{ partner_id: string; kind: string; month: string; total: number }>();
  return results;
}

/** Each learner's first order credited to each partner (for one-time and recurring rules). */
export async function firstCreditedOrders(
  db: SiteDatabase,
  scope: SiteScope,
  learners: string[],
  recomputedOrders: string[],
) {
  return inChunks(learners, async (json) => {
    const { results } = await db
      .prepare(
        "SELECT partner_id, learner, min(purchase_ts) AS first FROM partner_commissions WHERE site_id = ?1 " +
          "AND kind = 'referral' AND status NOT IN ('rejected', 'held') AND learner IN (SELECT value FROM json_each(?2)) " +
          "AND order_id NOT IN (SELECT value FROM json_each(?3)) GROUP BY partner_id, learner",
      )
      .bind(scope.siteId, json, JSON.stringify(recomputedOrders))
      .all<{ partner_id: string; learner: string; first: number }>();
    return results;
  });
}

export interface StoredCommission {
  order_id: string;
  id: string;
  kind: string;
  status: string;
  partner_id: string;
  base_minor: number;
  day: string;
  purchase_event_id: string | null;
}

export async function commissionsOfOrders(db: SiteDatabase, scope: SiteScope, orderIds: string[]) {
  return inChunks(orderIds, async (json) => {
    const { results } = await db
      .prepare(
        "SELECT order_id, id, kind, status, partner_id, base_minor, day, purchase_event_id FROM partner_commissions WHERE site_id = ?1 " +
          "AND order_id IN (SELECT value FROM json_each(?2))",
      )
      .bind(scope.siteId, json)
      .all<StoredCommission>();
    return results;
  });
}

export interface NewCommission {
  id: string;
  purchaseEventId: string;
  partnerId: string;
  orderId: string;
  kind: string;
  ruleId: string | null;
  learner: string;
  purchaseTs: number;
  day: string;
  baseMinor: number;
  amountMinor: number;
  status: "pending" | "held" | "rejected";
  reason: string | null;
  holdUntil: number;
  channel: string | null;
  source: string | null;
  campaign: string | null;
  partnerCode: string | null;
}

export function insertCommissionStatement(db: SiteDatabase, scope: SiteScope, c: NewCommission, now: number) {
  return db
    .prepare(
      "INSERT INTO partner_commissions (site_id, id, partner_id, order_id, kind, rule_id, learner, purchase_event_id, purchase_ts, day, " +
        "base_minor, gross_amount_minor, amount_minor, status, reason, hold_until, channel, source, campaign, partner_code, " +
        "created_at, updated_at) SELECT ?1, json_extract(?2, '$.id'), json_extract(?2, '$.partnerId'), " +
        "json_extract(?2, '$.orderId'), json_extract(?2, '$.kind'), json_extract(?2, '$.ruleId'), json_extract(?2, '$.learner'), " +
        "json_extract(?2, '$.purchaseEventId'), json_extract(?2, '$.purchaseTs'), json_extract(?2, '$.day'), json_extract(?2, '$.baseMinor'), " +
        "json_extract(?2, '$.amountMinor'), json_extract(?2, '$.amountMinor'), json_extract(?2, '$.status'), " +
        "json_extract(?2, '$.reason'), json_extract(?2, '$.holdUntil'), json_extract(?2, '$.channel'), " +
        "json_extract(?2, '$.source'), json_extract(?2, '$.campaign'), json_extract(?2, '$.partnerCode'), ?3, ?3 " +
        "WHERE true ON CONFLICT (site_id, id) DO NOTHING",
    )
    .bind(scope.siteId, JSON.stringify(c), now);
}

/**
 * Rows of an order that may be recomputed from scratch: held ones (waiting on an exchange rate), and
 * with `unapproved`, pending, refused and reversed ones (a server purchase superseded the browser's).
 * Approved and paid rows are never deleted, even if the approval cron got there first.
 */
export function deleteRecomputableStatement(db: SiteDatabase, scope: SiteScope, orderId: string, unapproved: boolean) {
  const statuses = unapproved ? "('held', 'pending', 'rejected', 'reversed')" : "('held')";
  return db
    .prepare(
      `DELETE FROM partner_commissions WHERE site_id = ?1 AND order_id = ?2 AND kind != 'clawback' AND status IN ${statuses}`,
    )
    .bind(scope.siteId, orderId);
}

/**
 * The refunded and revenue parameters (?3, ?4) as SQL integers: D1 binds JS numbers as REAL, and
 * integer division is what keeps amounts whole (and equal to afterRefund in models/partners).
 */
export const REFUND_SQL_PARAMS = { refunded: "CAST(?3 AS INTEGER)", revenue: "CAST(?4 AS INTEGER)" } as const;

/**
 * Refund statements for one order, given how much of its revenue has been refunded so far. Both
 * are idempotent: pending amounts are recomputed from the gross, and a clawback is only the part
 * of the refunded share not clawed back before.
 */
export function refundStatements(
  db: SiteDatabase,
  scope: SiteScope,
  orderId: string,
  revenueMinor: number,
  refundedMinor: number,
  now: number,
): D1PreparedStatement[] {
  const { refunded, revenue } = REFUND_SQL_PARAMS;
  const owed = `CASE WHEN ${refunded} >= ${revenue} THEN c.gross_amount_minor ELSE c.gross_amount_minor * ${refunded} / ${revenue} END`;
  return [
    db
      .prepare(
        `UPDATE partner_commissions SET refunded_ppm = min(1000000, ${refunded} * 1000000 / ${revenue}), updated_at = ?5 ` +
          "WHERE site_id = ?1 AND order_id = ?2 AND kind != 'clawback'",
      )
      .bind(scope.siteId, orderId, refundedMinor, revenueMinor, now),
    db
      .prepare(
        "UPDATE partner_commissions SET " +
          `amount_minor = CASE WHEN ${refunded} >= ${revenue} THEN 0 ` +
          `ELSE gross_amount_minor - gross_amount_minor * ${refunded} / ${revenue} END, ` +
          `status = CASE WHEN ${refunded} >= ${revenue} THEN 'reversed' ELSE status END, updated_at = ?5 ` +
          "WHERE site_id = ?1 AND order_id = ?2 AND kind != 'clawback' AND status = 'pending'",
      )
      .bind(scope.siteId, orderId, refundedMinor, revenueMinor, now),
    db
      .prepare(
        "INSERT INTO partner_commissions (site_id, id, partner_id, order_id, kind, parent_id, rule_id, learner, purchase_ts, " +
          "day, base_minor, gross_amount_minor, amount_minor, status, reason, hold_until, channel, source, campaign, " +
          "partner_code, created_at, updated_at) " +
          "SELECT c.site_id, c.id || ':clawback:' || (c.clawbacks + 1), c.partner_id, c.order_id, 'clawback', c.id, c.rule_id, " +
          "c.learner, c.purchase_ts, c.day, 0, 0, -(c.owed - c.clawed), 'approved', 'refund', ?5, c.channel, c.source, " +
          "c.campaign, c.partner_code, ?5, ?5 FROM (" +
          `SELECT c.*, ${owed} AS owed, ` +
          "(SELECT coalesce(-sum(k.amount_minor), 0) FROM partner_commissions k WHERE k.site_id = c.site_id AND k.parent_id = c.id) AS clawed, " +
          "(SELECT count(*) FROM partner_commissions k WHERE k.site_id = c.site_id AND k.parent_id = c.id) AS clawbacks " +
          "FROM partner_commissions c WHERE c.site_id = ?1 AND c.order_id = ?2 AND c.kind != 'clawback' " +
          "AND c.status IN ('approved', 'paid')) AS c WHERE c.owed - c.clawed > 0",
      )
      .bind(scope.siteId, orderId, refundedMinor, revenueMinor, now),
  ];
}

/** Pending commissions past their holding period become approved (all sites; the daily cron). */
export async function approveDue(db: SiteDatabase, now: number): Promise<number> {
  const result = await db
    .prepare(
      "UPDATE partner_commissions SET status = 'approved', updated_at = ?1 WHERE status = 'pending' AND hold_until <= ?1",
    )
    .bind(now)
    .run();
  return result.meta.changes ?? 0;
}

/**
 * Referral commissions (both levels, net of refunds and clawbacks) per purchase day and touch, as
 * marketing cost. Creator revenue shares are a cost of the course, not of acquiring the learner.
 */
export async function commissionCostsBetween(db: SiteDatabase, scope: SiteScope, fromDay: string, toDay: string) {
  const { results } = await db
    .prepare(
      "SELECT day, channel, source, campaign, partner_code, sum(amount_minor) AS cost_minor FROM partner_commissions " +
        "WHERE site_id = ?1 AND day >= ?2 AND day <= ?3 AND kind IN ('referral', 'second_level', 'clawback') " +
        "AND status IN ('pending', 'approved', 'paid') AND channel IS NOT NULL " +
        "GROUP BY day, channel, source, campaign, partner_code",
    )
    .bind(scope.siteId, fromDay, toDay)
    .all<{
      day: string;
      channel: string;
      source: string;
      campaign: string;
      partner_code: string | null;
      cost_minor: number;
    }>();
  return results;
}
