// Everything settling a set of orders needs to know, read in a fixed number of queries whatever
// the number of orders (ids travel as JSON parameters), so a consumer batch of a thousand purchases
// costs about ten reads, not ten thousand. Month-to-date sales and first orders are kept up to
// date in memory as the orders of the run are settled, oldest first.
import type { SiteDatabase } from "../schema/databases";
import type { PartnerTouch } from "../models/partners/commission";
import {
  firstCreditedOrders,
  monthlySales,
  type PartnerSessionTouch,
  partnerTouchesOf,
  type PurchaseFacts,
  type StoredCommission,
} from "../schema/queries/commissions";
import { catalogOf } from "../schema/queries/items";
import { type PartnerRow, partnersByCodes, partnersByIds } from "../schema/queries/partners";
import { visitorsOfUsers } from "../schema/queries/rollup";
import type { SiteScope } from "../schema/queries/scope";

export type Touch = PartnerTouch & { channel: string; source: string; campaign: string; code: string };

export interface CommissionFacts {
  partnersByCode: Map<string, PartnerRow>;
  partnersById: Map<string, PartnerRow>;
  catalog: Map<string, { category: string | null; creatorPartnerId: string | null }>;
  /** All visitor ids of a user (identities), the partners' own accounts included. */
  visitorsByUser: Map<string, Set<string>>;
  touches: PartnerSessionTouch[];
  /** `${partnerId}|${kind}|${YYYY-MM}` -> sales so far. */
  monthSales: Map<string, number>;
  /** `${partnerId}|${learner}` -> the first credited purchase. */
  firstOrders: Map<string, number>;
}

export const learnerOf = (p: PurchaseFacts) => p.user_id ?? p.visitor_id;

/** `replaced`: rows of orders about to be recomputed, whose sales and first orders must not count. */
export async function loadCommissionFacts(
  db: SiteDatabase,
  scope: SiteScope,
  purchases: PurchaseFacts[],
  days: (ts: number) => string,
  replaced: StoredCommission[],
): Promise<CommissionFacts> {
  const userIds = [...new Set(purchases.map((p) => p.user_id).filter((u): u is string => u !== null))];
  const visitorsByUser = new Map<string, Set<string>>();
  const addIdentities = (rows: { user_id: string; visitor_id: string }[]) => {
    for (const r of rows) visitorsByUser.set(r.user_id, (visitorsByUser.get(r.user_id) ?? new Set()).add(r.visitor_id));
  };
  addIdentities(await visitorsOfUsers(db, scope, userIds));

  const visitorIds = new Set(purchases.map((p) => p.visitor_id));
  for (const u of userIds) for (const v of visitorsByUser.get(u) ?? []) visitorIds.add(v);
  const until = Math.max(...purchases.map((p) => p.ts));
  const touches = await partnerTouchesOf(db, scope, [...visitorIds], userIds, until);

  const codes = new Set(touches.map((t) => t.partner_code));
  for (const p of purchases) if (p.partner_code) codes.add(p.partner_code.toLowerCase());
  const partnersByCode = new Map((await partnersByCodes(db, scope, [...codes])).map((r) => [r.code, r.partner]));
  const catalog = await catalogOf(
    db,
    scope,
    purchases.flatMap((p) => p.items.map((i) => i.id)),
  );

  // Parents of referrers and creators of the items bought.
  const partnersById = new Map([...partnersByCode.values()].map((p) => [p.id, p]));
  const related = new Set<string>();
  for (const p of partnersByCode.values()) if (p.parentId) related.add(p.parentId);
  for (const c of catalog.values()) if (c.creatorPartnerId) related.add(c.creatorPartnerId);
  for (const p of await partnersByIds(
    db,
    scope,
    [...related].filter((id) => !partnersById.has(id)),
  )) {
    partnersById.set(p.id, p);
  }
  // The partners' own accounts' visitors, for self-referrals.
  const partnerUsers = [...partnersById.values()].map((p) => p.userId).filter((u): u is string => !!u);
  addIdentities(
    await visitorsOfUsers(
      db,
      scope,
      partnerUsers.filter((u) => !visitorsByUser.has(u)),
    ),
  );

  const months = purchases.map((p) => days(p.ts).slice(0, 7)).sort();
  const monthSales = new Map<string, number>();
  if (months.length > 0) {
    for (const r of await monthlySales(db, scope, `${months[0]}-01`, `${months.at(-1)}-31`)) {
      monthSales.set(`${r.partner_id}|${r.kind}|${r.month}`, r.total);
    }
    for (const r of replaced.filter((c) => c.status === "pending")) {
      const key = `${r.partner_id}|${r.kind}|${r.day.slice(0, 7)}`;
      monthSales.set(key, (monthSales.get(key) ?? 0) - r.base_minor);
    }
  }
  const firstOrders = new Map<string, number>();
  const replacedOrders = [...new Set(replaced.map((r) => r.order_id))];
  for (const r of await firstCreditedOrders(db, scope, [...new Set(purchases.map(learnerOf))], replacedOrders)) {
    firstOrders.set(`${r.partner_id}|${r.learner}`, r.first);
  }
  return { partnersByCode, partnersById, catalog, visitorsByUser, touches, monthSales, firstOrders };
}

/** The active partners' touches on this purchase's learner: their visits, and a code sent with the purchase. */
export function touchesFor(facts: CommissionFacts, purchase: PurchaseFacts, visitors: Set<string>): Touch[] {
  const raw = facts.touches.filter(
    (t) =>
      t.started_at <= purchase.ts &&
      (visitors.has(t.visitor_id) || (purchase.user_id !== null && t.user_id === purchase.user_id)),
  );
  const own = purchase.partner_code
    ? [{ ...purchase, partner_code: purchase.partner_code.toLowerCase(), started_at: purchase.ts }]
    : [];
  const out: Touch[] = [];
  for (const t of [...raw, ...own]) {
    const partner = facts.partnersByCode.get(t.partner_code);
    if (partner?.status !== "active") continue;
    out.push({
      partnerId: partner.id,
      ts: t.started_at,
      channel: t.channel,
      source: t.source,
      campaign: t.campaign,
      code: t.partner_code,
    });
  }
  return out;
}
