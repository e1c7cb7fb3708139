// Measured performance of every partner of a site, in a handful of grouped queries.
import type { SiteDatabase } from "../databases";
import type { PartnerFacts } from "../../models/partners/scorecard";
import type { SiteScope } from "./scope";
import { DAY_MS } from "../../core/time";

/** A server event `{type: "custom", name: "lesson_complete"}` marks a finished lesson. */
export const LESSON_COMPLETE_EVENT = "lesson_complete";

export const emptyFacts = (): PartnerFacts => ({
  clicks: 0,
  uniqueClickers: 0,
  referredVisitors: 0,
  convertedVisitors: 0,
  conversions: 0,
  revenueMinor: 0,
  commissionsMinor: 0,
  refundedOrders: 0,
  recentOrders: 0,
  recentRefundedOrders: 0,
  selfReferrals: 0,
  learners: 0,
  learnersOld90d: 0,
  retainedLearners: 0,
  completedLearners: 0,
});

/** Facts since `since` (clicks and orders); retention looks at learners referred in that window. */
export async function partnerFacts(
  db: SiteDatabase,
  scope: SiteScope,
  since: number,
  now: number,
): Promise<Map<string, PartnerFacts>> {
  const facts = new Map<string, PartnerFacts>();
  const of = (id: string) => {
    if (!facts.has(id)) facts.set(id, emptyFacts());
    return facts.get(id)!;
  };
  const [clicks, referred, orders, earned, learners] = await db.batch<Record<string, number | string>>([
    db
      .prepare(
        "SELECT partner_id, count(*) AS clicks, count(DISTINCT visitor_id) AS clickers FROM partner_clicks " +
          "WHERE site_id = ?1 AND ts >= ?2 GROUP BY partner_id",
      )
      .bind(scope.siteId, since),
    // Visitors whose visit carried one of the partner's codes, and which of them bought through the
    // partner (the purchase's learner is the visitor, or the user that visitor signed in as).
    db
      .prepare(
        "WITH referred AS (SELECT DISTINCT l.partner_id, s.visitor_id FROM sessions s " +
          "JOIN partner_links l ON l.code = s.partner_code AND l.site_id = s.site_id " +
          "WHERE s.site_id = ?1 AND s.started_at >= ?2 AND s.partner_code IS NOT NULL) " +
          "SELECT r.partner_id, count(*) AS visitors, sum(EXISTS (SELECT 1 FROM partner_commissions c " +
          "WHERE c.site_id = ?1 AND c.partner_id = r.partner_id AND c.kind = 'referral' " +
          "AND c.status NOT IN ('rejected', 'held') AND c.purchase_ts >= ?2 AND (c.learner = r.visitor_id OR " +
          "c.learner = (SELECT i.user_id FROM identities i WHERE i.site_id = ?1 AND i.visitor_id = r.visitor_id)))) " +
          "AS converted FROM referred r GROUP BY r.partner_id",
      )
      .bind(scope.siteId, since),
    // Orders credited to the referrer, with refunds (any refund event for the order).
    db
      .prepare(
        "SELECT c.partner_id, sum(c.status != 'rejected') AS conversions, " +
          "sum(CASE WHEN c.status != 'rejected' THEN c.base_minor * (1000000 - c.refunded_ppm) / 1000000 ELSE 0 END) AS revenue, " +
          "sum(c.status = 'rejected' AND c.reason = 'self_referral') AS self_referrals, " +
          "sum(c.status != 'rejected' AND r.order_id IS NOT NULL) AS refunded, " +
          "sum(c.status != 'rejected' AND c.purchase_ts >= ?3) AS recent, " +
          "sum(c.status != 'rejected' AND c.purchase_ts >= ?3 AND r.order_id IS NOT NULL) AS recent_refunded " +
          "FROM partner_commissions c LEFT JOIN (SELECT DISTINCT order_id FROM events WHERE site_id = ?1 AND type = 'refund') r " +
          "ON r.order_id = c.order_id WHERE c.site_id = ?1 AND c.kind = 'referral' AND c.status != 'held' " +
          "AND c.purchase_ts >= ?2 GROUP BY c.partner_id",
      )
      .bind(scope.siteId, since, now - 30 * DAY_MS),
    // What partners earned: every kind, net of refunds and clawbacks.
    db
      .prepare(
        "SELECT partner_id, sum(amount_minor) AS earned FROM partner_commissions WHERE site_id = ?1 " +
          "AND status IN ('pending', 'approved', 'paid') AND purchase_ts >= ?2 GROUP BY partner_id",
      )
      .bind(scope.siteId, since),
    db
      .prepare(
        "WITH firsts AS (SELECT partner_id, learner, min(purchase_ts) AS first FROM partner_commissions " +
          "WHERE site_id = ?1 AND kind = 'referral' AND status NOT IN ('rejected', 'held') AND purchase_ts >= ?2 " +
          "GROUP BY partner_id, learner) " +
          "SELECT partner_id, count(*) AS learners, sum(first <= ?3) AS old, " +
          "sum(first <= ?3 AND EXISTS (SELECT 1 FROM sessions s WHERE s.site_id = ?1 AND s.started_at > f.first + ?4 " +
          "AND s.started_at <= f.first + ?5 AND (s.user_id = f.learner OR s.visitor_id = f.learner))) AS retained, " +
          "sum(EXISTS (SELECT 1 FROM events e WHERE e.site_id = ?1 AND e.type = 'custom' AND e.name = ?6 AND e.ts >= f.first " +
          "AND (e.user_id = f.learner OR e.visitor_id = f.learner))) AS completed " +
          "FROM firsts f GROUP BY partner_id",
      )
      .bind(scope.siteId, since, now - 90 * DAY_MS, 30 * DAY_MS, 90 * DAY_MS, LESSON_COMPLETE_EVENT),
  ]);
  for (const r of clicks!.results) {
    const f = of(String(r.partner_id));
    f.clicks = Number(r.clicks);
    f.uniqueClickers = Number(r.clickers);
  }
  for (const r of referred!.results) {
    const f = of(String(r.partner_id));
    f.referredVisitors = Number(r.visitors);
    f.convertedVisitors = Number(r.converted ?? 0);
  }
  for (const r of orders!.results) {
    const f = of(String(r.partner_id));
    f.conversions = Number(r.conversions ?? 0);
    f.revenueMinor = Number(r.revenue ?? 0);
    f.selfReferrals = Number(r.self_referrals ?? 0);
    f.refundedOrders = Number(r.refunded ?? 0);
    f.recentOrders = Number(r.recent ?? 0);
    f.recentRefundedOrders = Number(r.recent_refunded ?? 0);
  }
  for (const r of earned!.results) of(String(r.partner_id)).commissionsMinor = Number(r.earned ?? 0);
  for (const r of learners!.results) {
    const f = of(String(r.partner_id));
    f.learners = Number(r.learners);
    f.learnersOld90d = Number(r.old ?? 0);
    f.retainedLearners = Number(r.retained ?? 0);
    f.completedLearners = Number(r.completed ?? 0);
  }
  return facts;
}
