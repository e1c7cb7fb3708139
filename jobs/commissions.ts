// Settles partner commissions for orders: after the queue consumer stores purchases and refunds,
// and again whenever an admin asks to reprocess. Settling is idempotent: commission ids are
// deterministic per (order, kind, partner), an order already settled is never recomputed, and
// refunds are applied from the order's total refunded so far. Each order is one D1 transaction.
import { localDay } from "../functions/lib/calendar";
import { currencyDigits } from "../functions/capture/schemas";
import {
  bindingPartner,
  DAY_MS,
  type Earning,
  earningFor,
  orderLines,
  type PartnerTouch,
  type Rule,
} from "../models/partners/commission";
import { convertMinor, rateTable, type RateTable } from "../models/attribution/money";
import {
  commissionsOfOrders,
  deleteHeldStatement,
  firstCreditedOrder,
  insertCommissionStatement,
  type NewCommission,
  partnerTouches,
  type PurchaseFacts,
  purchasesFor,
  refundStatements,
  salesBetween,
  visitorsOfUser,
} from "../schema/queries/commissions";
import { catalogOf } from "../schema/queries/items";
import {
  getProgram,
  hasPartners,
  listRules,
  ruleFromRow,
  type PartnerRow,
  partnersByCodes,
  partnersByIds,
  type ProgramRow,
} from "../schema/queries/partners";
import { refundsFor } from "../schema/queries/rollup";
import type { SiteScope } from "../schema/queries/scope";
import { getSite, type SiteRow } from "../schema/queries/sites";
import { allRates } from "../schema/queries/spend";

interface SettleContext {
  db: D1Database;
  scope: SiteScope;
  site: SiteRow;
  program: ProgramRow;
  rules: Rule[];
  rates: RateTable;
  now: number;
}

/** Settles these orders of one site. Returns how many orders were looked at. */
export async function settleOrders(db: D1Database, scope: SiteScope, orderIds: string[], now: number): Promise<number> {
  const unique = [...new Set(orderIds)];
  if (unique.length === 0 || !(await hasPartners(db, scope))) return 0;
  const site = await getSite(db, scope);
  if (!site) return 0;
  const ctx: SettleContext = {
    db,
    scope,
    site,
    program: await getProgram(db, scope),
    rules: (await listRules(db, scope)).filter((r) => r.active).map(ruleFromRow),
    rates: rateTable(await allRates(db, scope)),
    now,
  };
  const purchases = new Map((await purchasesFor(db, scope, unique)).map((p) => [p.order_id, p]));
  const refunds = await refundsFor(db, scope, unique);
  const existing = await commissionsOfOrders(db, scope, unique);
  for (const orderId of unique) {
    const purchase = purchases.get(orderId);
    // A refund that arrives before its purchase waits: the purchase's settlement applies it.
    if (!purchase || purchase.revenue_minor === null) continue;
    const rows = existing.filter((r) => r.order_id === orderId);
    const settled = rows.some((r) => r.kind !== "clawback" && r.status !== "held");
    const statements: D1PreparedStatement[] = [];
    if (!settled) {
      if (rows.length > 0) statements.push(deleteHeldStatement(db, scope, orderId));
      for (const c of await computeCommissions(ctx, purchase))
        statements.push(insertCommissionStatement(db, scope, c, now));
    }
    const refunded = refundedMinor(
      ctx,
      purchase,
      refunds.filter((r) => r.order_id === orderId),
    );
    if (refunded > 0) statements.push(...refundStatements(db, scope, orderId, purchase.revenue_minor, refunded, now));
    if (statements.length > 0) await db.batch(statements);
  }
  return unique.length;
}

/** Refunded so far, in the purchase's currency; a refund without an amount refunds the whole order. */
function refundedMinor(
  ctx: SettleContext,
  purchase: PurchaseFacts,
  refunds: { revenue_minor: number | null; currency: string | null }[],
): number {
  let total = 0;
  for (const r of refunds) {
    if (r.revenue_minor === null) return purchase.revenue_minor!;
    const from = r.currency ?? purchase.currency!;
    const day = localDay(purchase.ts, ctx.site.timezone);
    total += convertMinor(r.revenue_minor, from, purchase.currency!, day, ctx.rates, currencyDigits) ?? r.revenue_minor;
  }
  return Math.min(total, purchase.revenue_minor!);
}

async function computeCommissions(ctx: SettleContext, purchase: PurchaseFacts): Promise<NewCommission[]> {
  const { db, scope, site, program } = ctx;
  const learner = purchase.user_id ?? purchase.visitor_id;
  const day = localDay(purchase.ts, site.timezone);
  const visitors = new Set([purchase.visitor_id]);
  if (purchase.user_id) for (const v of await visitorsOfUser(db, scope, purchase.user_id)) visitors.add(v);

  // Who referred the learner: visits with a partner code, and a code sent with the purchase itself.
  const sessionTouches = await partnerTouches(db, scope, [...visitors], purchase.user_id, purchase.ts);
  const touchFacts = [
    ...sessionTouches,
    ...(purchase.partner_code
      ? [
          {
            partner_code: purchase.partner_code.toLowerCase(),
            started_at: purchase.ts,
            channel: purchase.channel,
            source: purchase.source,
            campaign: purchase.campaign,
          },
        ]
      : []),
  ];
  const byCode = new Map(
    (await partnersByCodes(db, scope, [...new Set(touchFacts.map((t) => t.partner_code))])).map((r) => [
      r.code,
      r.partner,
    ]),
  );
  const touches: (PartnerTouch & { fact: (typeof touchFacts)[number] })[] = [];
  for (const fact of touchFacts) {
    const partner = byCode.get(fact.partner_code);
    if (partner?.status === "active") touches.push({ partnerId: partner.id, ts: fact.started_at, fact });
  }
  const referrerId = bindingPartner(touches, purchase.ts, {
    binding: program.binding as "first" | "last",
    bindingDays: program.bindingDays,
    cookieDays: program.cookieDays,
  });
  const referrer = referrerId ? [...byCode.values()].find((p) => p.id === referrerId)! : undefined;
  const touch = referrerId ? touches.filter((t) => t.partnerId === referrerId).at(-1)!.fact : undefined;

  const items = purchase.items
    ? (JSON.parse(purchase.items) as { id: string; price?: number; quantity?: number }[])
    : [];
  const catalog = await catalogOf(
    db,
    scope,
    items.map((i) => i.id),
  );
  const creatorIds = [
    ...new Set([...catalog.values()].map((c) => c.creatorPartnerId).filter((id): id is string => !!id)),
  ];
  const related = new Map(
    (await partnersByIds(db, scope, [...creatorIds, ...(referrer?.parentId ? [referrer.parentId] : [])])).map((p) => [
      p.id,
      p,
    ]),
  );
  if (!referrer && creatorIds.length === 0) return [];

  const base = (partner: PartnerRow, kind: Earning["kind"]): NewCommission => ({
    id: `${purchase.order_id}:${kind}:${partner.id}`,
    partnerId: partner.id,
    orderId: purchase.order_id,
    kind,
    ruleId: null,
    learner,
    purchaseTs: purchase.ts,
    day,
    baseMinor: 0,
    amountMinor: 0,
    status: "pending",
    reason: null,
    holdUntil: purchase.ts + program.holdingDays * DAY_MS,
    channel: kind === "creator_share" ? null : (touch?.channel ?? null),
    source: kind === "creator_share" ? null : (touch?.source ?? null),
    campaign: kind === "creator_share" ? null : (touch?.campaign ?? null),
    partnerCode: kind === "creator_share" ? null : (touch?.partner_code ?? null),
  });

  const revenue = convertMinor(
    purchase.revenue_minor!,
    purchase.currency!,
    site.currency,
    day,
    ctx.rates,
    currencyDigits,
  );
  if (revenue === undefined) {
    // No exchange rate yet: a visible placeholder, recomputed when the order is reprocessed.
    const waiting = referrer ?? related.get(creatorIds[0]!)!;
    return [{ ...base(waiting, referrer ? "referral" : "creator_share"), status: "held", reason: "missing_fx_rate" }];
  }
  const lines = orderLines(revenue, items, catalog);
  const month = { from: `${day.slice(0, 7)}-01`, to: `${day.slice(0, 7)}-31` };
  const mtd = async (partnerId: string, kind: string) =>
    (await salesBetween(db, scope, partnerId, kind, month.from, month.to)) + revenue;
  const out: NewCommission[] = [];
  const add = (partner: PartnerRow, earning: Earning | null) => {
    if (!earning || earning.amountMinor <= 0) return;
    const holding = earning.holdingDays ?? program.holdingDays;
    out.push({
      ...base(partner, earning.kind),
      ruleId: earning.ruleId,
      baseMinor: earning.baseMinor,
      amountMinor: earning.amountMinor,
      holdUntil: purchase.ts + holding * DAY_MS,
    });
  };

  if (referrer) {
    if (await isSelfReferral(ctx, referrer, purchase, visitors)) {
      out.push({ ...base(referrer, "referral"), baseMinor: revenue, status: "rejected", reason: "self_referral" });
    } else {
      const firstOrderTs = await firstCreditedOrder(db, scope, referrer.id, learner);
      const ref = { id: referrer.id, group: referrer.groupName };
      const opts = { firstOrderTs, purchaseTs: purchase.ts };
      const earning = earningFor(ref, "referral", lines, ctx.rules, {
        basis: "referral",
        level: 1,
        monthToDateMinor: await mtd(referrer.id, "referral"),
        ...opts,
      });
      // The referrer always gets a row, so the conversion counts even when no rule pays for it.
      out.push({
        ...base(referrer, "referral"),
        ruleId: earning?.ruleId ?? null,
        baseMinor: revenue,
        amountMinor: earning?.amountMinor ?? 0,
        reason: earning && earning.amountMinor > 0 ? null : "no_commission_due",
        holdUntil: purchase.ts + (earning?.holdingDays ?? program.holdingDays) * DAY_MS,
      });
      const parent = referrer.parentId ? related.get(referrer.parentId) : undefined;
      if (
        program.levels >= 2 &&
        parent?.status === "active" &&
        !(parent.userId !== null && parent.userId === purchase.user_id)
      ) {
        const p = { id: parent.id, group: parent.groupName };
        add(
          parent,
          earningFor(p, "second_level", lines, ctx.rules, {
            basis: "referral",
            level: 2,
            monthToDateMinor: await mtd(parent.id, "second_level"),
            ...opts,
          }),
        );
      }
    }
  }
  for (const creatorId of creatorIds) {
    const creator = related.get(creatorId);
    // A creator buying their own course earns no share of it.
    if (creator?.status !== "active" || (creator.userId !== null && creator.userId === purchase.user_id)) continue;
    const own = lines.filter((l) => l.creatorPartnerId === creatorId);
    const c = { id: creator.id, group: creator.groupName };
    add(
      creator,
      earningFor(c, "creator_share", own, ctx.rules, {
        basis: "creator",
        level: 1,
        monthToDateMinor: await mtd(creator.id, "creator_share"),
        firstOrderTs: null,
        purchaseTs: purchase.ts,
      }),
    );
  }
  return out;
}

/** The partner's own account or one of its visitor ids made the purchase. */
async function isSelfReferral(ctx: SettleContext, partner: PartnerRow, purchase: PurchaseFacts, visitors: Set<string>) {
  if (!partner.userId) return false;
  if (purchase.user_id === partner.userId) return true;
  const own = await visitorsOfUser(ctx.db, ctx.scope, partner.userId);
  return own.some((v) => visitors.has(v));
}
