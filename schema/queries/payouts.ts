// Commission listings and payouts. A payout claims its commissions and sums them in one batch (one
// transaction), so a commission can be in one payout only and the payout always equals its rows.
import type { SiteDatabase } from "../databases";
import { and, asc, eq, gte, lt, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { partnerCommissions, partners, payouts } from "../tables";
import type { SiteScope } from "./scope";

export type CommissionRow = typeof partnerCommissions.$inferSelect;
export type PayoutRow = typeof payouts.$inferSelect & { partnerName: string | null; partnerEmail: string | null };

export interface PageArgs {
  from: number;
  to: number;
  limit: number;
  after?: { time: number; id: string };
}

export async function listCommissions(
  d1: SiteDatabase,
  scope: SiteScope,
  filter: { partnerId?: string; status?: CommissionRow["status"]; payoutId?: string },
  page: PageArgs,
): Promise<CommissionRow[]> {
  const c = partnerCommissions;
  return drizzle(d1)
    .select()
    .from(c)
    .where(
      and(
        eq(c.siteId, scope.siteId),
        filter.partnerId ? eq(c.partnerId, filter.partnerId) : undefined,
        filter.status ? eq(c.status, filter.status) : undefined,
        filter.payoutId ? eq(c.payoutId, filter.payoutId) : undefined,
        gte(c.purchaseTs, page.from),
        lt(c.purchaseTs, page.to),
        page.after
          ? or(
              gte(c.purchaseTs, page.after.time + 1),
              and(eq(c.purchaseTs, page.after.time), sql`${c.id} > ${page.after.id}`),
            )
          : undefined,
      ),
    )
    .orderBy(asc(c.purchaseTs), asc(c.id))
    .limit(page.limit);
}

/** Per partner: approved commissions not yet in a payout (clawbacks included, so the sum is net). */
export async function payableTotals(db: SiteDatabase, scope: SiteScope, partnerId?: string) {
  const { results } = await db
    .prepare(
      "SELECT partner_id, sum(amount_minor) AS total, count(*) AS n FROM partner_commissions WHERE site_id = ?1 " +
        "AND status = 'approved' AND payout_id IS NULL AND (?2 IS NULL OR partner_id = ?2) GROUP BY partner_id",
    )
    .bind(scope.siteId, partnerId ?? null)
    .all<{ partner_id: string; total: number; n: number }>();
  return results;
}

export async function createPayout(
  db: SiteDatabase,
  scope: SiteScope,
  payoutId: string,
  partnerId: string,
  currency: string,
  now: number,
): Promise<void> {
  await db.batch([
    db
      .prepare(
        "UPDATE partner_commissions SET payout_id = ?3, updated_at = ?4 WHERE site_id = ?1 AND partner_id = ?2 " +
          "AND status = 'approved' AND payout_id IS NULL",
      )
      .bind(scope.siteId, partnerId, payoutId, now),
    db
      .prepare(
        "INSERT INTO payouts (site_id, id, partner_id, amount_minor, currency, commissions, status, created_at) " +
          "SELECT ?1, ?3, ?2, sum(amount_minor), ?4, count(*), 'pending', ?5 FROM partner_commissions " +
          "WHERE site_id = ?1 AND payout_id = ?3 HAVING count(*) > 0",
      )
      .bind(scope.siteId, partnerId, payoutId, currency, now),
  ]);
}

/** Marks a pending payout and its commissions paid; false when it is not pending (unknown or paid). */
export async function markPaid(db: SiteDatabase, scope: SiteScope, payoutId: string, reference: string, now: number) {
  const [payout] = await db.batch([
    db
      .prepare(
        "UPDATE payouts SET status = 'paid', reference = ?3, paid_at = ?4 WHERE site_id = ?1 AND id = ?2 AND status = 'pending' RETURNING id",
      )
      .bind(scope.siteId, payoutId, reference, now),
    db
      .prepare(
        "UPDATE partner_commissions SET status = 'paid', updated_at = ?3 WHERE site_id = ?1 AND payout_id = ?2 AND status = 'approved'",
      )
      .bind(scope.siteId, payoutId, now),
  ]);
  return (payout?.results.length ?? 0) > 0;
}

export async function listPayouts(
  d1: SiteDatabase,
  scope: SiteScope,
  filter: { partnerId?: string; id?: string },
  page: PageArgs,
): Promise<PayoutRow[]> {
  const p = payouts;
  return drizzle(d1)
    .select({
      siteId: p.siteId,
      id: p.id,
      partnerId: p.partnerId,
      amountMinor: p.amountMinor,
      currency: p.currency,
      commissions: p.commissions,
      status: p.status,
      reference: p.reference,
      createdAt: p.createdAt,
      paidAt: p.paidAt,
      partnerName: partners.name,
      partnerEmail: partners.email,
    })
    .from(p)
    .leftJoin(partners, and(eq(partners.siteId, p.siteId), eq(partners.id, p.partnerId)))
    .where(
      and(
        eq(p.siteId, scope.siteId),
        filter.partnerId ? eq(p.partnerId, filter.partnerId) : undefined,
        filter.id ? eq(p.id, filter.id) : undefined,
        gte(p.createdAt, page.from),
        lt(p.createdAt, page.to),
        page.after
          ? or(
              gte(p.createdAt, page.after.time + 1),
              and(eq(p.createdAt, page.after.time), sql`${p.id} > ${page.after.id}`),
            )
          : undefined,
      ),
    )
    .orderBy(asc(p.createdAt), asc(p.id))
    .limit(page.limit);
}

/** A partner's link clicks, and its orders and commission amounts per status (one round trip). */
export async function partnerTotals(db: SiteDatabase, scope: SiteScope, partnerId: string) {
  const [clicks, byStatus] = await db.batch<Record<string, number | string | null>>([
    db
      .prepare("SELECT count(*) AS clicks FROM partner_clicks WHERE site_id = ?1 AND partner_id = ?2")
      .bind(scope.siteId, partnerId),
    db
      .prepare(
        "SELECT status, count(DISTINCT order_id) AS orders, sum(amount_minor) AS amount FROM partner_commissions " +
          "WHERE site_id = ?1 AND partner_id = ?2 GROUP BY status",
      )
      .bind(scope.siteId, partnerId),
  ]);
  return {
    clicks: Number(clicks!.results[0]?.clicks ?? 0),
    byStatus: byStatus!.results.map((r) => ({
      status: String(r.status),
      orders: Number(r.orders),
      amountMinor: Number(r.amount ?? 0),
    })),
  };
}
