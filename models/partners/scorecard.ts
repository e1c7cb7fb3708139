// Partner scorecards: the site's 1-5 ratings on the seed criteria for choosing partners, measured
// performance, a weighted composite score (0-100) and flags for partners going bad. Pure.

/** Rated by the site, 1-5. */
export const CRITERIA = ["professionalism", "reputation", "resources", "cooperation", "responsiveness"] as const;
/** Measured; each is scaled against the best partner of the site (refund rate: lower is better). */
export const METRICS = [
  "revenue",
  "conversions",
  "epc",
  "commission_roi",
  "retention_90d",
  "lesson_completion",
  "refund_rate",
] as const;
export type Criterion = (typeof CRITERIA)[number] | (typeof METRICS)[number];

export const DEFAULT_WEIGHTS: Record<Criterion, number> = {
  professionalism: 1,
  reputation: 1,
  resources: 1,
  cooperation: 1,
  responsiveness: 1,
  revenue: 2,
  conversions: 1,
  epc: 1,
  commission_roi: 1,
  retention_90d: 1,
  lesson_completion: 1,
  refund_rate: 1,
};

/** Raw counts for one partner, as the queries return them. */
export interface PartnerFacts {
  clicks: number;
  uniqueClickers: number;
  /** Unique visitors who arrived with one of the partner's codes (a referral link or ?ref=). */
  referredVisitors: number;
  /** Those of them who then bought through the partner: a subset, so never more. */
  convertedVisitors: number;
  /** Orders credited to the partner. */
  conversions: number;
  revenueMinor: number;
  commissionsMinor: number;
  refundedOrders: number;
  recentOrders: number;
  recentRefundedOrders: number;
  selfReferrals: number;
  learners: number;
  learnersOld90d: number;
  retainedLearners: number;
  completedLearners: number;
}

export interface Performance {
  clicks: number;
  visitors: number;
  conversions: number;
  revenue_minor: number;
  commissions_minor: number;
  /**
   * Share of referred visitors who bought through the partner (Rewardful's visitors -> conversions,
   * Dub's Click -> Conv): a visitor counts once however many orders they place, so it is at most 1.
   */
  conversion_rate: number | null;
  /** Commission earned per click: what a click is worth to the partner. */
  epc_minor: number | null;
  refund_rate: number | null;
  retention_90d: number | null;
  lesson_completion: number | null;
  commission_roi: number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function performance(f: PartnerFacts): Performance {
  return {
    clicks: f.clicks,
    visitors: f.referredVisitors,
    conversions: f.conversions,
    revenue_minor: f.revenueMinor,
    commissions_minor: f.commissionsMinor,
    conversion_rate: ratio(Math.min(f.convertedVisitors, f.referredVisitors), f.referredVisitors),
    epc_minor: ratio(f.commissionsMinor, f.clicks),
    refund_rate: ratio(f.refundedOrders, f.conversions),
    retention_90d: ratio(f.retainedLearners, f.learnersOld90d),
    lesson_completion: ratio(f.completedLearners, f.learners),
    commission_roi: ratio(f.revenueMinor, f.commissionsMinor),
  };
}

export const FLAG_CODES = [
  "refund_spike",
  "click_spam",
  "repeated_clicks",
  "implausible_conversion_rate",
  "self_referral",
] as const;

export interface Flag {
  code: (typeof FLAG_CODES)[number];
  message: string;
}

/** Thresholds for the flags; named so the README and tests can cite them. */
export const FLAG_RULES = {
  refundSpikeMinRefunds: 3,
  refundSpikeRate: 0.3,
  clickSpamMinClicks: 200,
  clickSpamMaxOrdersPerClick: 0.001,
  repeatedClicksMinClicks: 50,
  repeatedClicksPerClicker: 5,
  implausibleMinClicks: 10,
  implausibleOrdersPerClick: 0.5,
} as const;

export function flags(f: PartnerFacts): Flag[] {
  const out: Flag[] = [];
  const recentRate = ratio(f.recentRefundedOrders, f.recentOrders) ?? 0;
  const overallRate = ratio(f.refundedOrders, f.conversions) ?? 0;
  if (
    f.recentRefundedOrders >= FLAG_RULES.refundSpikeMinRefunds &&
    recentRate >= FLAG_RULES.refundSpikeRate &&
    recentRate >= 2 * Math.min(overallRate, 0.5)
  ) {
    out.push({
      code: "refund_spike",
      message: `${Math.round(recentRate * 100)}% of the last 30 days' orders refunded.`,
    });
  }
  // Orders per click, not the conversion rate: orders without any click (cookie stuffing) are the point.
  const ordersPerClick = ratio(f.conversions, f.clicks) ?? 0;
  if (f.clicks >= FLAG_RULES.clickSpamMinClicks && ordersPerClick < FLAG_RULES.clickSpamMaxOrdersPerClick) {
    out.push({ code: "click_spam", message: `${f.clicks} clicks, ${f.conversions} conversions.` });
  }
  if (
    f.clicks >= FLAG_RULES.repeatedClicksMinClicks &&
    f.clicks > FLAG_RULES.repeatedClicksPerClicker * Math.max(1, f.uniqueClickers)
  ) {
    out.push({ code: "repeated_clicks", message: `${f.clicks} clicks from ${f.uniqueClickers} visitors.` });
  }
  if (f.clicks >= FLAG_RULES.implausibleMinClicks && ordersPerClick > FLAG_RULES.implausibleOrdersPerClick) {
    out.push({ code: "implausible_conversion_rate", message: `${f.conversions} orders from ${f.clicks} clicks.` });
  }
  if (f.selfReferrals > 0)
    out.push({ code: "self_referral", message: `${f.selfReferrals} self-referred orders refused.` });
  return out;
}

/** The site's ratings of a partner, 1-5 per criterion; unrated criteria are absent. */
export type PartnerRatings = Partial<Record<(typeof CRITERIA)[number], number>>;

export interface ScoreInput {
  id: string;
  ratings: PartnerRatings;
  performance: Performance;
}

/**
 * Composite 0-100 per partner: a weighted mean of components in [0, 1]. Ratings map 1..5 to 0..1;
 * measured figures are divided by the site's best; a component a partner has no data for (no
 * rating, no orders yet) is left out of its mean rather than counted as zero.
 */
export function compositeScores(
  partners: readonly ScoreInput[],
  weights: Partial<Record<Criterion, number>> = {},
): Map<string, { score: number | null; components: Partial<Record<Criterion, number>> }> {
  const w = { ...DEFAULT_WEIGHTS, ...weights };
  const measured: Record<(typeof METRICS)[number], (p: Performance) => number | null> = {
    revenue: (p) => p.revenue_minor,
    conversions: (p) => p.conversions,
    epc: (p) => p.epc_minor,
    commission_roi: (p) => p.commission_roi,
    retention_90d: (p) => p.retention_90d,
    lesson_completion: (p) => p.lesson_completion,
    refund_rate: (p) => (p.refund_rate === null ? null : 1 - p.refund_rate),
  };
  const best = Object.fromEntries(
    METRICS.map((m) => [m, Math.max(0, ...partners.map((p) => measured[m](p.performance) ?? 0))]),
  ) as Record<(typeof METRICS)[number], number>;
  const out = new Map<string, { score: number | null; components: Partial<Record<Criterion, number>> }>();
  for (const p of partners) {
    const components: Partial<Record<Criterion, number>> = {};
    for (const c of CRITERIA) if (p.ratings[c] !== undefined) components[c] = (p.ratings[c]! - 1) / 4;
    for (const m of METRICS) {
      const value = measured[m](p.performance);
      if (value === null) continue;
      components[m] = m === "refund_rate" ? value : best[m] > 0 ? value / best[m] : 0;
    }
    let sum = 0;
    let weight = 0;
    for (const [k, v] of Object.entries(components) as [Criterion, number][]) {
      sum += w[k] * v;
      weight += w[k];
    }
    out.set(p.id, { score: weight > 0 ? Math.round((1000 * sum) / weight) / 10 : null, components });
  }
  return out;
}
