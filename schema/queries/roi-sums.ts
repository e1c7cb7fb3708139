// ROI sums for reports, answered from the rollup tables, imported ad costs (converted to the site's
// currency) and partner commissions, and the recommendation figures of the ROI email. Read only
// through the ROI figures service (jobs/roi.ts), so the reports API, the emails and the alerts
// always show the same figures.
import type { SiteDatabase } from "../databases";
import type { Dimension } from "../../models/attribution/credit";
import { convertMinor, currencyDigits, rateTable } from "../../core/money";
import type { ModelName } from "../../models/attribution/paths";
import { addSums, emptySums, type GroupSums, type Period, periodOf } from "../../models/attribution/roi";
import { commissionCostsBetween } from "./commissions";
import { rollupRows } from "./rollup";
import type { SiteScope } from "./scope";
import { allRates, costsBetween } from "./spend";

export interface ReportIssue {
  code: "missing_fx_rate";
  currency: string;
  date: string;
}

export interface SumsQuery {
  /** The site's reporting currency: costs in other currencies are converted to it. */
  currency: string;
  groupBy: Dimension;
  model: ModelName;
  /** First and last local day, inclusive. */
  from: string;
  to: string;
  period: Period;
}

/** Sums per (period, key) from the rollup, plus ad costs (converted to the site's currency) and commissions. */
export async function roiSums(db: SiteDatabase, scope: SiteScope, q: SumsQuery) {
  const { currency, groupBy: dimension, model, from, to, period } = q;
  const groups = new Map<string, { period: string; key: string; sums: GroupSums }>();
  const issues = new Map<string, ReportIssue>();
  const group = (day: string, key: string) => {
    const p = periodOf(day, period, from);
    const id = `${p}\u0000${key}`;
    if (!groups.has(id)) groups.set(id, { period: p, key, sums: emptySums() });
    return groups.get(id)!.sums;
  };
  for (const row of await rollupRows(db, scope, dimension, from, to)) {
    const credit = row.attributed[model];
    addSums(group(row.day, row.key), {
      sessions: row.sessions,
      visitors: row.visitors,
      conversions: credit?.conversions ?? 0,
      revenueMinor: credit?.value_minor ?? 0,
      newCustomers: credit?.new_customers ?? 0,
      ltv30Minor: credit?.ltv30_minor ?? 0,
      ltv90Minor: credit?.ltv90_minor ?? 0,
    });
    for (const m of row.missingFx?.split(",") ?? []) {
      const [currency, date] = m.split(":") as [string, string];
      issues.set(m, { code: "missing_fx_rate", currency, date });
    }
  }
  const rates = rateTable(await allRates(db, scope));
  for (const cost of await costsBetween(db, scope, from, to)) {
    const converted = convertMinor(cost.costMinor, cost.currency, currency, cost.date, rates, currencyDigits);
    if (converted === undefined) {
      issues.set(`${cost.currency}:${cost.date}`, {
        code: "missing_fx_rate",
        currency: cost.currency,
        date: cost.date,
      });
      continue;
    }
    // Spend belongs to the channel, source or campaign it bought.
    const key =
      dimension === "channel"
        ? cost.channel
        : dimension === "source"
          ? cost.source
          : dimension === "campaign"
            ? cost.campaign
            : null;
    if (key !== null) addSums(group(cost.date, key), { costMinor: converted });
  }
  // Partner commissions are the partner channel's cost, on the day of the purchase they pay for.
  for (const cost of await commissionCostsBetween(db, scope, from, to)) {
    const key = dimension === "partner" ? (cost.partner_code ?? "(none)") : cost[dimension];
    if (key !== null) addSums(group(cost.day, key), { costMinor: cost.cost_minor });
  }
  return { groups: [...groups.values()], issues: [...issues.values()] };
}

/**
 * Clicks on recommendations and purchases carrying a recommendation id in [fromMs, toMs), with the
 * purchases' revenue in `currency` (minor units); null when the site has none.
 */
export async function recommendationTotals(
  db: SiteDatabase,
  scope: SiteScope,
  q: { fromMs: number; toMs: number; currency: string },
) {
  const { results } = await db
    .prepare(
      "SELECT type, count(*) AS n, coalesce(sum(CASE WHEN currency = ?4 THEN revenue_minor END), 0) AS revenue " +
        "FROM events WHERE site_id = ?1 AND rec_id IS NOT NULL AND ts >= ?2 AND ts < ?3 AND superseded = 0 " +
        "AND type IN ('click', 'purchase') GROUP BY type",
    )
    .bind(scope.siteId, q.fromMs, q.toMs, q.currency)
    .all<{ type: string; n: number; revenue: number }>();
  if (results.length === 0) return null;
  const of = (type: string) => results.find((r) => r.type === type);
  return { clicks: of("click")?.n ?? 0, purchases: of("purchase")?.n ?? 0, revenueMinor: of("purchase")?.revenue ?? 0 };
}
