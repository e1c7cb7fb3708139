// Organic revenue by landing page and by query. Pages are joined to the sessions that landed on
// them from organic search; a query has no revenue of its own, so it gets each of its pages'
// revenue in proportion to its share of that page's clicks (a estimate, stated as such).
import type { PageValue, QueryPage } from "./opportunities";
import { pagePath } from "./imports";

/** Organic sessions that landed on a path, and what they led to (money in minor units of the site's currency). */
export interface LandingFigures {
  sessions: number;
  signups: number;
  purchases: number;
  revenueMinor: number;
}

export interface SearchFigures {
  clicks: number;
  impressions: number;
  ctr: number | null;
  /** Impression-weighted average position, null without impressions. */
  position: number | null;
}

export interface PageRevenue extends SearchFigures {
  page: string;
  sessions: number;
  signups: number;
  purchases: number;
  revenue_minor: number;
}
export interface QueryRevenue extends SearchFigures {
  query: string;
  revenue_minor: number;
}

function figures(rows: readonly QueryPage[]): SearchFigures {
  const clicks = rows.reduce((s, r) => s + r.clicks, 0);
  const impressions = rows.reduce((s, r) => s + r.impressions, 0);
  const weighted = rows.reduce((s, r) => s + r.position * r.impressions, 0);
  return {
    clicks,
    impressions,
    ctr: impressions ? clicks / impressions : null,
    position: impressions ? weighted / impressions : null,
  };
}

const group = <T>(rows: readonly T[], key: (r: T) => string) => {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
};

/**
 * `pages` are the console's page-level rows (query ""), `pairs` its (query, page) rows; when a
 * console sent no page-level rows, the pairs are summed instead.
 */
export function organicRevenue(
  landing: ReadonlyMap<string, LandingFigures>,
  pageRows: readonly QueryPage[],
  pairs: readonly QueryPage[],
): { pages: PageRevenue[]; queries: QueryRevenue[] } {
  const searchByPath = group(pageRows.length ? pageRows : pairs, (r) => pagePath(r.page));
  const paths = new Set([...landing.keys(), ...searchByPath.keys()]);
  const pages = [...paths].map((path): PageRevenue => {
    const l = landing.get(path) ?? { sessions: 0, signups: 0, purchases: 0, revenueMinor: 0 };
    return {
      page: path,
      sessions: l.sessions,
      signups: l.signups,
      purchases: l.purchases,
      revenue_minor: l.revenueMinor,
      ...figures(searchByPath.get(path) ?? []),
    };
  });
  pages.sort((a, b) => b.revenue_minor - a.revenue_minor || b.clicks - a.clicks || a.page.localeCompare(b.page));

  // Each page's clicks over all its queries: the denominator of every query's share.
  const pageClicks = new Map<string, number>();
  for (const r of pairs) pageClicks.set(pagePath(r.page), (pageClicks.get(pagePath(r.page)) ?? 0) + r.clicks);
  const queries = [...group(pairs, (r) => r.query)].map(([query, rows]): QueryRevenue => {
    let revenue = 0;
    for (const r of rows) {
      const path = pagePath(r.page);
      const total = pageClicks.get(path) ?? 0;
      if (total > 0) revenue += ((landing.get(path)?.revenueMinor ?? 0) * r.clicks) / total;
    }
    return { query, revenue_minor: Math.round(revenue), ...figures(rows) };
  });
  queries.sort((a, b) => b.revenue_minor - a.revenue_minor || b.clicks - a.clicks || a.query.localeCompare(b.query));
  return { pages, queries };
}

/** Conversion rate per organic session and revenue per purchase; zero where nothing converted. */
export function pageValue(l: LandingFigures | undefined): PageValue {
  if (!l || l.sessions === 0 || l.purchases === 0) return { conversionRate: 0, valuePerConversionMinor: 0 };
  return { conversionRate: l.purchases / l.sessions, valuePerConversionMinor: l.revenueMinor / l.purchases };
}

export function totalFigures(landing: ReadonlyMap<string, LandingFigures>): LandingFigures {
  const total = { sessions: 0, signups: 0, purchases: 0, revenueMinor: 0 };
  for (const l of landing.values()) {
    total.sessions += l.sessions;
    total.signups += l.signups;
    total.purchases += l.purchases;
    total.revenueMinor += l.revenueMinor;
  }
  return total;
}
