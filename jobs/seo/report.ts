// The SEO reports: organic revenue by landing page and query, and keyword opportunities, over a
// range of the site's local days. Money is converted to the site's currency at each purchase day's
// rate; purchases in a currency with no rate are left out and named in `issues`.
import type { SiteDatabase } from "../../schema/databases";
import { convertMinor, currencyDigits, rateTable, toMajor } from "../../core/money";
import { addDays, dayStart } from "../../core/time";
import { fitCtrCurve } from "../../models/seo/ctr";
import { pagePath } from "../../models/seo/imports";
import { opportunities, type QueryPage } from "../../models/seo/opportunities";
import { type LandingFigures, organicRevenue, pageValue, totalFigures } from "../../models/seo/revenue";
import type { SiteScope } from "../../schema/queries/scope";
import { keywords, organicLanding, searchSums } from "../../schema/queries/seo";
import { auditedPages, findings } from "../../schema/queries/seo-audit";
import { fitRankingModel, type RankingRow } from "../../models/seo/ranking";
import { allRates } from "../../schema/queries/spend";

export interface SeoRange {
  site: { id: string; currency: string; timezone: string };
  from: string;
  to: string;
}

async function gather(db: SiteDatabase, { site, from, to }: SeoRange) {
  const scope: SiteScope = { siteId: site.id };
  const [search, landing, rates] = await Promise.all([
    searchSums(db, scope, from, to),
    organicLanding(db, scope, dayStart(from, site.timezone), dayStart(addDays(to, 1), site.timezone)),
    allRates(db, scope),
  ]);
  const table = rateTable(rates);
  const byPath = new Map<string, LandingFigures>();
  const figuresOf = (path: string) => {
    const key = pagePath(path);
    if (!byPath.has(key)) byPath.set(key, { sessions: 0, signups: 0, purchases: 0, revenueMinor: 0 });
    return byPath.get(key)!;
  };
  for (const r of landing.counts) {
    const f = figuresOf(r.path);
    f.sessions += r.sessions;
    f.signups += r.signups;
    f.purchases += r.purchases;
  }
  const missing = new Map<string, { code: "missing_fx_rate"; currency: string; date: string }>();
  for (const r of landing.revenue) {
    const currency = r.currency ?? site.currency;
    const minor = convertMinor(r.revenue_minor, currency, site.currency, r.day, table, currencyDigits);
    if (minor === undefined) missing.set(`${currency}:${r.day}`, { code: "missing_fx_rate", currency, date: r.day });
    else figuresOf(r.path).revenueMinor += minor;
  }
  return { search, landing: byPath, issues: [...missing.values()], scope };
}

export async function seoRevenue(db: SiteDatabase, range: SeoRange) {
  const { search, landing, issues } = await gather(db, range);
  const { pages, queries } = organicRevenue(landing, search.pages, search.pairs);
  // Queries seen only in query-level tables (no page key) still show their search figures.
  const known = new Set(queries.map((q) => q.query));
  const unpaired = organicRevenue(
    new Map(),
    [],
    search.queries.map((q) => ({ ...q, page: "" })),
  ).queries.filter((q) => !known.has(q.query));
  return { pages, queries: [...queries, ...unpaired.map((q) => ({ ...q, revenue_minor: 0 }))], issues };
}

export async function seoOpportunities(db: SiteDatabase, range: SeoRange) {
  const { search, landing, issues, scope } = await gather(db, range);
  const rows: QueryPage[] = search.pairs;
  const curve = fitCtrCurve(rows);
  const siteValue = pageValue(totalFigures(landing));
  // A page with organic sessions is valued by its own figures (zero if it never converted); a page
  // with none is valued like the site's organic traffic as a whole.
  const valueOf = (page: string) => {
    const l = landing.get(pagePath(page));
    return l && l.sessions > 0 ? pageValue(l) : siteValue;
  };
  const lists = opportunities(rows, curve, valueOf, siteValue, await keywords(db, scope));
  return { curve, siteValue, lists, issues };
}

/** The ranking model over the audited pages' (query, page) rows in the range; `skipped` says why when it cannot be fitted. */
export async function seoRankingModel(db: SiteDatabase, range: SeoRange) {
  const scope: SiteScope = { siteId: range.site.id };
  const [search, pages] = await Promise.all([searchSums(db, scope, range.from, range.to), auditedPages(db, scope)]);
  const byPath = new Map(pages.map((p) => [p.path, p]));
  const rows: RankingRow[] = [];
  for (const r of search.pairs) {
    const page = byPath.get(pagePath(r.page));
    if (page && r.impressions > 0) rows.push({ query: r.query, position: r.position, page });
  }
  try {
    return { rows: rows.length, model: fitRankingModel(rows), skipped: null };
  } catch (error) {
    if (error instanceof RangeError) return { rows: rows.length, model: null, skipped: error.message };
    throw error;
  }
}

/** The ROI email's SEO section: the latest audit's counts and the three most valuable striking-distance queries; null when the site has neither. */
export async function seoEmailFigures(db: SiteDatabase, range: SeoRange) {
  const scope: SiteScope = { siteId: range.site.id };
  const rows = await findings(db, scope);
  const { lists } = await seoOpportunities(db, range);
  const top = lists.striking_distance.filter((o) => o.value_minor > 0).slice(0, 3);
  if (rows.length === 0 && top.length === 0) return null;
  return {
    errors: rows.filter((r) => r.severity === "error").length,
    warnings: rows.filter((r) => r.severity === "warning").length,
    opportunities: top.map((o) => ({
      query: o.query,
      page: pagePath(o.page),
      position: Math.round(o.position * 10) / 10,
      value: toMajor(o.value_minor, range.site.currency),
    })),
  };
}
