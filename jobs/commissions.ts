// Settles partner commissions for orders: after the queue consumer stores purchases and refunds,
// and again whenever an admin asks to reprocess. Settling is idempotent: commission ids are
// deterministic per (order, kind, partner), an order already settled is never recomputed, and
// refunds are applied from the order's total refunded so far. An order's rows and refund
// statements always go in the same D1 batch (one transaction).
import { type DatabaseEnv, siteDatabase } from "../schema/databases";
import { DAY_MS, localDay } from "../core/time";
import { currencyDigits } from "../core/money";
import { bindingPartner, type Earning, earningFor, orderLines, type Rule } from "../models/partners/commission";
import { convertMinor, rateTable, type RateTable } from "../core/money";
import {
  commissionsOfOrders,
  deleteRecomputableStatement,
  insertCommissionStatement,
  type NewCommission,
  type PurchaseFacts,
  purchasesFor,
  type StoredCommission,
  refundStatements,
} from "../schema/queries/commissions";
import {
  getProgram,
  hasPartners,
  listRules,
  type PartnerRow,
  type ProgramRow,
  ruleFromRow,
} from "../schema/queries/partners";
import { refundsFor } from "../schema/queries/rollup";
import type { SiteScope } from "../schema/queries/scope";
import { getSite, type SiteRow } from "../schema/queries/sites";
import { allRates } from "../schema/queries/spend";
import { runBatch } from "../schema/queries/batch";
import { type CommissionFacts, learnerOf, loadCommissionFacts, type Touch, touchesFor } from "./commission-facts";

/** Orders written per D1 batch: bounded statement batches, each order whole inside one. */
export const SETTLE_ORDERS_PER_BATCH = 50;

interface SettleContext {
  site: SiteRow;
  program: ProgramRow;
  rules: Rule[];
  rates: RateTable;
  facts: CommissionFacts;
}

/** Settles these orders of one site. Returns how many orders were looked at. */
export async function settleOrders(
  env: DatabaseEnv,
  scope: SiteScope,
  orderIds: string[],
  now: number,
): Promise<number> {
  const unique = [...new Set(orderIds)];
  const db = siteDatabase(env, scope.siteId);
  if (unique.length === 0 || !(await hasPartners(db, scope))) return 0;
  const site = await getSite(env.DB, scope);
  if (!site) return 0;
  const purchases = (await purchasesFor(db, scope, unique)).filter((p) => p.revenue_minor !== null);
  const refunds = await refundsFor(db, scope, unique);
  const existing = await commissionsOfOrders(db, scope, unique);
  const plan = new Map(purchases.map((p) => [p.order_id, settlementPlan(p, existing)]));
  const fresh = purchases.filter((p) => plan.get(p.order_id) !== "keep");
  const replaced = existing.filter((r) => plan.get(r.order_id) === "recompute" && r.kind !== "clawback");
  const rates = rateTable(await allRates(db, scope));
  const ctx: SettleContext = {
    site,
    program: await getProgram(db, scope),
    rules: (await listRules(db, scope)).filter((r) => r.active).map(ruleFromRow),
    rates,
    facts: await loadCommissionFacts(db, scope, fresh, (ts) => localDay(ts, site.timezone), replaced),
  };

  const perOrder: D1PreparedStatement[][] = [];
  // Oldest first: tiers and one-time rules depend on the orders before.
  for (const purchase of purchases.sort((a, b) => a.ts - b.ts)) {
    const statements: D1PreparedStatement[] = [];
    const how = plan.get(purchase.order_id)!;
    if (how !== "keep") {
      if (how !== "new")
        statements.push(deleteRecomputableStatement(db, scope, purchase.order_id, how === "recompute"));
      for (const c of computeCommissions(ctx, purchase)) statements.push(insertCommissionStatement(db, scope, c, now));
    }
    const refunded = refundedMinor(
      ctx,
      purchase,
      refunds.filter((r) => r.order_id === purchase.order_id),
    );
    if (refunded > 0) {
      statements.push(...refundStatements(db, scope, purchase.order_id, purchase.revenue_minor!, refunded, now));
    }
    if (statements.length > 0) perOrder.push(statements);
  }
  // A refund that arrives before its purchase waits: the purchase's settlement applies it.
  for (let i = 0; i < perOrder.length; i += SETTLE_ORDERS_PER_BATCH) {
    await runBatch(db, perOrder.slice(i, i + SETTLE_ORDERS_PER_BATCH).flat());
  }
  return unique.length;
}

/**
 * What settling does with an order: "new" (no rows yet), "held" (only rows waiting on a rate),
 * "recompute" (settled from a purchase event since superseded by the server's, nothing approved
 * yet), or "keep". Once a commission is approved, its order is never recomputed.
 */
function settlementPlan(purchase: PurchaseFacts, existing: StoredCommission[]): "new" | "held" | "recompute" | "keep" {
  const rows = existing.filter((r) => r.order_id === purchase.order_id && r.kind !== "clawback");
  if (rows.length === 0) return "new";
  if (rows.every((r) => r.status === "held")) return "held";
  const stale = rows.some((r) => r.purchase_event_id !== purchase.id);
  const unapproved = rows.every((r) => ["held", "pending", "rejected", "reversed"].includes(r.status));
  const clawedBack = existing.some((r) => r.order_id === purchase.order_id && r.kind === "clawback");
  return stale && unapproved && !clawedBack ? "recompute" : "keep";
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

/** The commission rows of one order; updates the run's month-to-date sales and first orders. */
function computeCommissions(ctx: SettleContext, purchase: PurchaseFacts): NewCommission[] {
  const { site, program, facts } = ctx;
  const learner = learnerOf(purchase);
  const day = localDay(purchase.ts, site.timezone);
  const visitors = new Set([purchase.visitor_id, ...(facts.visitorsByUser.get(purchase.user_id ?? "") ?? [])]);
  const touches = touchesFor(facts, purchase, visitors);
  const referrerId = bindingPartner(touches, purchase.ts, {
    binding: program.binding,
    bindingDays: program.bindingDays,
    cookieDays: program.cookieDays,
  });
  const referrer = referrerId ? facts.partnersById.get(referrerId) : undefined;
  const touch: Touch | undefined = referrerId ? touches.filter((t) => t.partnerId === referrerId).at(-1) : undefined;
  const items = purchase.items;
  const creatorIds = [
    ...new Set(items.map((i) => facts.catalog.get(i.id)?.creatorPartnerId).filter((id): id is string => !!id)),
  ];
  if (!referrer && creatorIds.length === 0) return [];

  const marketing = (kind: Earning["kind"]) => kind !== "creator_share";
  const base = (partner: PartnerRow, kind: Earning["kind"]): NewCommission => ({
    id: `${purchase.order_id}:${kind}:${partner.id}`,
    purchaseEventId: purchase.id,
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
    channel: marketing(kind) ? (touch?.channel ?? null) : null,
    source: marketing(kind) ? (touch?.source ?? null) : null,
    campaign: marketing(kind) ? (touch?.campaign ?? null) : null,
    partnerCode: marketing(kind) ? (touch?.code ?? null) : null,
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
    const waiting = referrer ?? facts.partnersById.get(creatorIds[0]!);
    return waiting
      ? [{ ...base(waiting, referrer ? "referral" : "creator_share"), status: "held", reason: "missing_fx_rate" }]
      : [];
  }
  const lines = orderLines(revenue, items, facts.catalog);
  const month = day.slice(0, 7);
  // Sales this month under `kind`, this order's base included; rows written count for later orders.
  const monthKey = (partnerId: string, kind: string) => `${partnerId}|${kind}|${month}`;
  const monthToDate = (partnerId: string, kind: string, orderBase: number) =>
    (facts.monthSales.get(monthKey(partnerId, kind)) ?? 0) + orderBase;
  const out: NewCommission[] = [];
  const push = (row: NewCommission) => {
    out.push(row);
    if (row.status !== "pending") return;
    const key = monthKey(row.partnerId, row.kind);
    facts.monthSales.set(key, (facts.monthSales.get(key) ?? 0) + row.baseMinor);
  };
  const add = (partner: PartnerRow, earning: Earning | null, baseMinor = earning?.baseMinor ?? 0) => {
    if (!earning || earning.amountMinor <= 0) return;
    push({
      ...base(partner, earning.kind),
      ruleId: earning.ruleId,
      baseMinor,
      amountMinor: earning.amountMinor,
      holdUntil: purchase.ts + (earning.holdingDays ?? program.holdingDays) * DAY_MS,
    });
  };

  if (referrer) {
    if (isSelfReferral(facts, referrer, purchase, visitors)) {
      push({ ...base(referrer, "referral"), baseMinor: revenue, status: "rejected", reason: "self_referral" });
    } else {
      const firstKey = `${referrer.id}|${learner}`;
      const firstOrderTs = facts.firstOrders.get(firstKey) ?? null;
      if (firstOrderTs === null || purchase.ts < firstOrderTs) facts.firstOrders.set(firstKey, purchase.ts);
      const opts = { firstOrderTs, purchaseTs: purchase.ts };
      const ref = { id: referrer.id, group: referrer.groupName };
      const earning = earningFor(ref, "referral", lines, ctx.rules, {
        basis: "referral",
        level: 1,
        monthToDateMinor: monthToDate(referrer.id, "referral", revenue),
        ...opts,
      });
      // The referrer always gets a row, so the conversion counts even when no rule pays for it.
      push({
        ...base(referrer, "referral"),
        ruleId: earning?.ruleId ?? null,
        baseMinor: revenue,
        amountMinor: earning?.amountMinor ?? 0,
        reason: earning && earning.amountMinor > 0 ? null : "no_commission_due",
        holdUntil: purchase.ts + (earning?.holdingDays ?? program.holdingDays) * DAY_MS,
      });
      const parent = referrer.parentId ? facts.partnersById.get(referrer.parentId) : undefined;
      if (program.levels >= 2 && parent?.status === "active" && !isSelfReferral(facts, parent, purchase, visitors)) {
        const p = { id: parent.id, group: parent.groupName };
        const level2 = {
          basis: "referral" as const,
          level: 2,
          monthToDateMinor: monthToDate(parent.id, "second_level", revenue),
        };
        // The parent's base is the referred order, as its child's is.
        add(parent, earningFor(p, "second_level", lines, ctx.rules, { ...level2, ...opts }), revenue);
      }
    }
  }
  for (const creatorId of creatorIds) {
    const creator = facts.partnersById.get(creatorId);
    // A creator buying their own course earns no share of it.
    if (creator?.status !== "active" || isSelfReferral(facts, creator, purchase, visitors)) continue;
    const own = lines.filter((l) => l.creatorPartnerId === creatorId);
    const c = { id: creator.id, group: creator.groupName };
    add(
      creator,
      earningFor(c, "creator_share", own, ctx.rules, {
        basis: "creator",
        level: 1,
        monthToDateMinor: monthToDate(
          creator.id,
          "creator_share",
          own.reduce((sum, l) => sum + l.baseMinor, 0),
        ),
        firstOrderTs: null,
        purchaseTs: purchase.ts,
      }),
    );
  }
  return out;
}

/** The partner's own account, or a browser that account was seen on, made the purchase. */
function isSelfReferral(facts: CommissionFacts, partner: PartnerRow, purchase: PurchaseFacts, visitors: Set<string>) {
  if (!partner.userId) return false;
  if (purchase.user_id === partner.userId) return true;
  for (const v of facts.visitorsByUser.get(partner.userId) ?? []) if (visitors.has(v)) return true;
  return false;
}
