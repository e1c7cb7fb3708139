import { DAY_MS } from "../../core/time";
// Which partner a purchase is credited to, and what each partner earns from it. Pure: the job loads
// the facts (touches, rules, month-to-date sales, earlier orders) and writes what this returns.
// Money is integer minor units of the site's currency; no floats reach a stored amount.

export const BINDINGS = ["first", "last"] as const;
export type Binding = (typeof BINDINGS)[number];
export interface BindingPolicy {
  binding: Binding;
  bindingDays: number;
  cookieDays: number;
}

/** A visit (or the purchase itself) carrying an active partner's code. */
export interface PartnerTouch {
  partnerId: string;
  ts: number;
}

/**
 * The partner credited for a purchase at `purchaseTs`, or null.
 * first: the first referrer binds the learner for bindingDays (绑定); once that lapses, the next
 *   referral starts a new binding. last: the latest referrer within cookieDays.
 */
export function bindingPartner(touches: readonly PartnerTouch[], purchaseTs: number, policy: BindingPolicy) {
  const before = touches.filter((t) => t.ts <= purchaseTs).sort((a, b) => a.ts - b.ts);
  if (policy.binding === "last") {
    const last = before.at(-1);
    return last && purchaseTs - last.ts <= policy.cookieDays * DAY_MS ? last.partnerId : null;
  }
  let bound: PartnerTouch | undefined;
  for (const t of before) if (!bound || t.ts - bound.ts > policy.bindingDays * DAY_MS) bound = t;
  return bound && purchaseTs - bound.ts <= policy.bindingDays * DAY_MS ? bound.partnerId : null;
}

export interface Tier {
  fromMinor: number;
  rateBps?: number;
  flatMinor?: number;
}

/** "referral": the referring partner (level 1) or its parent (level 2); "creator": share of own items. */
export const RULE_BASES = ["referral", "creator"] as const;
export const RULE_KINDS = ["percent", "flat"] as const;

export interface Rule {
  id: string;
  partnerId: string | null;
  partnerGroup: string | null;
  basis: (typeof RULE_BASES)[number];
  level: number;
  kind: (typeof RULE_KINDS)[number];
  rateBps: number | null;
  flatMinor: number | null;
  itemId: string | null;
  category: string | null;
  tiers: Tier[];
  recurringMonths: number | null;
  holdingDays: number | null;
}

export interface OrderLine {
  itemId: string | null;
  category: string | null;
  creatorPartnerId: string | null;
  quantity: number;
  /** This line's share of what the learner paid. */
  baseMinor: number;
}

/**
 * Splits the order's revenue over its line items by list price, so discounts are shared and the
 * lines always add up to the revenue exactly (the last line takes the rounding remainder).
 */
export function orderLines(
  revenueMinor: number,
  items: readonly { id: string; price?: number; quantity?: number }[],
  catalog: ReadonlyMap<string, { category: string | null; creatorPartnerId: string | null }>,
): OrderLine[] {
  if (items.length === 0)
    return [{ itemId: null, category: null, creatorPartnerId: null, quantity: 1, baseMinor: revenueMinor }];
  const weights = items.map((i) => Math.max(0, (i.price ?? 0) * (i.quantity ?? 1)));
  const total = weights.reduce((a, b) => a + b, 0);
  let allocated = 0;
  return items.map((item, i) => {
    const share = total > 0 ? weights[i]! / total : 1 / items.length;
    const baseMinor = i === items.length - 1 ? revenueMinor - allocated : Math.floor(revenueMinor * share);
    allocated += baseMinor;
    const known = catalog.get(item.id);
    return {
      itemId: item.id,
      category: known?.category ?? null,
      creatorPartnerId: known?.creatorPartnerId ?? null,
      quantity: item.quantity ?? 1,
      baseMinor,
    };
  });
}

export interface PartnerRef {
  id: string;
  group: string | null;
}

/** How specific a rule is for this partner and line; -1 when it does not apply. */
function specificity(rule: Rule, partner: PartnerRef, line: OrderLine): number {
  const owner =
    rule.partnerId !== null
      ? rule.partnerId === partner.id
        ? 2
        : -1
      : rule.partnerGroup !== null
        ? rule.partnerGroup === partner.group
          ? 1
          : -1
        : 0;
  const target =
    rule.itemId !== null
      ? rule.itemId === line.itemId
        ? 2
        : -1
      : rule.category !== null
        ? rule.category === line.category
          ? 1
          : -1
        : 0;
  return owner < 0 || target < 0 ? -1 : owner * 3 + target;
}

/** The most specific rule for a line: partner beats group beats site default; item beats category. */
export function pickRule(
  rules: readonly Rule[],
  partner: PartnerRef,
  line: OrderLine,
  basis: Rule["basis"],
  level: number,
): Rule | undefined {
  let best: Rule | undefined;
  let bestScore = -1;
  for (const rule of rules) {
    if (rule.basis !== basis || rule.level !== level) continue;
    const score = specificity(rule, partner, line);
    if (score > bestScore) [best, bestScore] = [rule, score];
  }
  return best;
}

/** The rate or flat amount in force: tiers by month-to-date sales (this order included). */
export function effectiveTerms(rule: Rule, monthToDateMinor: number): { rateBps: number; flatMinor: number } {
  let terms = { rateBps: rule.rateBps ?? 0, flatMinor: rule.flatMinor ?? 0 };
  for (const tier of [...rule.tiers].sort((a, b) => a.fromMinor - b.fromMinor)) {
    if (monthToDateMinor >= tier.fromMinor) {
      terms = { rateBps: tier.rateBps ?? terms.rateBps, flatMinor: tier.flatMinor ?? terms.flatMinor };
    }
  }
  return terms;
}

/** Whether a purchase still earns under the rule's recurrence, given the learner's first credited order. */
export function withinRecurrence(rule: Rule, firstOrderTs: number | null, purchaseTs: number): boolean {
  if (rule.recurringMonths === null || firstOrderTs === null || firstOrderTs >= purchaseTs) return true;
  if (rule.recurringMonths === 0) return false;
  const end = new Date(firstOrderTs);
  end.setUTCMonth(end.getUTCMonth() + rule.recurringMonths);
  return purchaseTs < end.getTime();
}

export interface Earning {
  partnerId: string;
  kind: "referral" | "second_level" | "creator_share";
  ruleId: string;
  baseMinor: number;
  amountMinor: number;
  holdingDays: number | null;
}

/**
 * What one partner earns from an order's lines under one basis and level. Percent rules pay on
 * each line's base; flat rules pay per unit when they target an item or category, else once per order.
 * Several rules may apply to different lines; the holding period is the longest among them.
 */
export function earningFor(
  partner: PartnerRef,
  kind: Earning["kind"],
  lines: readonly OrderLine[],
  rules: readonly Rule[],
  ctx: {
    basis: Rule["basis"];
    level: number;
    /** The partner's sales this calendar month under this kind, this order included. */
    monthToDateMinor: number;
    firstOrderTs: number | null;
    purchaseTs: number;
  },
): Earning | null {
  let amount = 0;
  let base = 0;
  let holdingDays: number | null = null;
  const flatPaidOnce = new Set<string>();
  let firstRule: Rule | undefined;
  for (const line of lines) {
    const rule = pickRule(rules, partner, line, ctx.basis, ctx.level);
    if (!rule || !withinRecurrence(rule, ctx.firstOrderTs, ctx.purchaseTs)) continue;
    firstRule ??= rule;
    base += line.baseMinor;
    const terms = effectiveTerms(rule, ctx.monthToDateMinor);
    if (rule.kind === "percent") amount += Math.round((line.baseMinor * terms.rateBps) / 10_000);
    else if (rule.itemId !== null || rule.category !== null) amount += terms.flatMinor * line.quantity;
    else if (!flatPaidOnce.has(rule.id)) {
      flatPaidOnce.add(rule.id);
      amount += terms.flatMinor;
    }
    if (rule.holdingDays !== null) holdingDays = Math.max(holdingDays ?? 0, rule.holdingDays);
  }
  if (!firstRule || base <= 0) return null;
  // A commission never exceeds what the learner paid.
  return {
    partnerId: partner.id,
    kind,
    ruleId: firstRule.id,
    baseMinor: base,
    amountMinor: Math.min(amount, base),
    holdingDays,
  };
}

/** The amount left after refunds, pro rata; a refund of the whole order leaves nothing. */
export function afterRefund(grossAmountMinor: number, revenueMinor: number, refundedMinor: number): number {
  if (revenueMinor <= 0 || refundedMinor >= revenueMinor) return 0;
  return grossAmountMinor - Math.floor((grossAmountMinor * refundedMinor) / revenueMinor);
}
