// Keyword opportunities in money: where a better position or a better snippet would bring clicks,
// and what those clicks are worth at the landing page's own conversion rate and order value.
import { type CtrCurve, expectedCtr } from "./ctr";

/** Striking distance: ranked on page 1's lower half or page 2, where a push moves most. */
export const STRIKING_MIN = 4;
export const STRIKING_MAX = 20;
/** Where striking-distance and researched keywords are valued: position 3. */
export const TARGET_POSITION = 3;
/** "Far below the curve": actual CTR under this share of the expected CTR at the same position. */
export const LOW_CTR_RATIO = 0.5;
/** Rows with fewer impressions are left out of every list (too noisy to act on). */
export const MIN_IMPRESSIONS = 50;
/** Cannibalisation: a query shown on several pages, each with at least this share of its impressions. */
export const CANNIBAL_SHARE = 0.1;
/** Researched keywords worth a page: at least this monthly volume and at most this difficulty (0-100). */
export const HIGH_VOLUME = 500;
export const LOW_DIFFICULTY = 40;

/** Figures per (query, page) over the report's range. */
export interface QueryPage {
  query: string;
  page: string;
  clicks: number;
  impressions: number;
  position: number;
}

/** A landing page's organic conversion rate (conversions per click) and value per conversion (minor units). */
export interface PageValue {
  conversionRate: number;
  valuePerConversionMinor: number;
}

export interface Opportunity {
  query: string;
  page: string;
  clicks: number;
  impressions: number;
  ctr: number;
  position: number;
  expected_ctr: number;
  target_position: number;
  value_minor: number;
}

/** impressions × (expected CTR at target − actual CTR) × conversion rate × value per conversion, never negative. */
export function opportunityMinor(impressions: number, expected: number, actual: number, value: PageValue): number {
  return Math.max(
    0,
    Math.round(impressions * (expected - actual) * value.conversionRate * value.valuePerConversionMinor),
  );
}

export interface OpportunityLists {
  striking_distance: Opportunity[];
  low_ctr: Opportunity[];
  cannibalisation: {
    query: string;
    impressions: number;
    pages: { page: string; clicks: number; impressions: number; position: number }[];
  }[];
  unranked_keywords: {
    keyword: string;
    volume: number;
    difficulty: number;
    expected_ctr: number;
    value_minor: number;
  }[];
}

export function opportunities(
  rows: readonly QueryPage[],
  curve: CtrCurve,
  valueOf: (page: string) => PageValue,
  siteValue: PageValue,
  researched: readonly { keyword: string; volume: number; difficulty: number }[],
): OpportunityLists {
  const listed = rows.filter((r) => r.query && r.page && r.impressions >= MIN_IMPRESSIONS);
  const item = (r: QueryPage, target: number): Opportunity => {
    const ctr = r.clicks / r.impressions;
    const expected = expectedCtr(curve, target);
    return {
      query: r.query,
      page: r.page,
      clicks: r.clicks,
      impressions: r.impressions,
      ctr,
      position: r.position,
      expected_ctr: expected,
      target_position: target,
      value_minor: opportunityMinor(r.impressions, expected, ctr, valueOf(r.page)),
    };
  };
  const byValue = (a: Opportunity, b: Opportunity) => b.value_minor - a.value_minor || b.impressions - a.impressions;
  const striking = listed
    .filter((r) => r.position >= STRIKING_MIN && r.position <= STRIKING_MAX)
    .map((r) => item(r, TARGET_POSITION))
    .sort(byValue);
  const lowCtr = listed
    .map((r) => item(r, r.position))
    .filter((o) => o.ctr < LOW_CTR_RATIO * o.expected_ctr)
    .sort(byValue);

  const byQuery = new Map<string, QueryPage[]>();
  for (const r of rows) if (r.query && r.page) byQuery.set(r.query, [...(byQuery.get(r.query) ?? []), r]);
  const cannibalisation = [...byQuery]
    .map(([query, pages]) => {
      const impressions = pages.reduce((s, p) => s + p.impressions, 0);
      const competing = pages.filter((p) => p.impressions >= CANNIBAL_SHARE * impressions);
      return { query, impressions, pages: competing };
    })
    .filter((q) => q.pages.length > 1 && q.impressions >= MIN_IMPRESSIONS)
    .map((q) => ({
      ...q,
      pages: q.pages
        .map(({ page, clicks, impressions, position }) => ({ page, clicks, impressions, position }))
        .sort((a, b) => b.impressions - a.impressions),
    }))
    .sort((a, b) => b.impressions - a.impressions);

  const ranked = new Set(rows.map((r) => r.query).filter(Boolean));
  const targetCtr = expectedCtr(curve, TARGET_POSITION);
  const unranked = researched
    .filter((k) => k.volume >= HIGH_VOLUME && k.difficulty <= LOW_DIFFICULTY && !ranked.has(k.keyword))
    .map((k) => ({
      ...k,
      expected_ctr: targetCtr,
      value_minor: opportunityMinor(k.volume, targetCtr, 0, siteValue),
    }))
    .sort((a, b) => b.value_minor - a.value_minor);

  return { striking_distance: striking, low_ctr: lowCtr, cannibalisation, unranked_keywords: unranked };
}
