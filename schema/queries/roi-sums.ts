// ROI sums for reports, answered from the rollup tables, imported ad costs (converted to the site's
// currency) and partner commissions. Shared by the reports API and the ROI emails, so both always
// show the same figures.
import type { Dimension } from "../../models/attribution/credit";
import { convertMinor, rateTable } from "../../core/money";
import type { ModelName } from "../../models/attribution/paths";
import { addSums, emptySums, type GroupSums, periodOf } from "../../models/attribution/roi";
import { currencyDigits } from "../../core/money";
import { commissionCostsBetween } from "./commissions";
import { rollupRows } from "./rollup";
import type { SiteScope } from "./scope";
import type { SiteRow } from "./sites";
import { allRates, costsBetween } from "./spend";

export interface ReportIssue {
  code: "missing_fx_rate";
  currency: string;
  date: string;
}

/** Sums per (period, key) from the rollup, plus ad costs (converted to the site's currency) and commissions. */
export async function sums(
  db: D1Database,
  scope: SiteScope,
  site: SiteRow,
  dimension: Dimension,
  model: ModelName,
  from: string,
  to: string,
  period: "day" | "week" | "month" | "total",
) {
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
    const converted = convertMinor(cost.costMinor, cost.currency, site.currency, cost.date, rates, currencyDigits);
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
