// Query result groups in JavaScript: rows of the daily rollup, ad spend and partner commissions
// folded into groups, and groups sorted and paged when SQL cannot (by cost). Spend is the ROI
// report's: imported ad costs converted to the site's currency plus referral commissions.
import type { SiteDatabase } from "../schema/databases";
import { convertMinor, currencyDigits, rateTable } from "../core/money";
import { periodOf } from "../models/attribution/roi";
import { emptyQuerySums, metricValue, type QuerySums } from "../models/analytics/query-metrics";
import { filterPasses } from "../models/analytics/query-regex";
import type { Dimension } from "../models/analytics/query-spec";
import { commissionCostsBetween } from "../schema/queries/commissions";
import { rollupRows } from "../schema/queries/rollup";
import type { SiteScope } from "../schema/queries/scope";
import { allRates, costsBetween } from "../schema/queries/spend";
import type { PeriodPlan, QueryPlan } from "./query-plan";

const NONE = "(none)";

export interface Group {
  /** Dimension values as shown (time buckets labelled). */
  labels: string[];
  sums: QuerySums;
}

export interface Warning {
  code: string;
  message: string;
}

export class Groups {
  readonly byKey = new Map<string, Group>();
  at(labels: string[]): Group {
    const key = labels.join("\u0000");
    let g = this.byKey.get(key);
    if (!g) {
      g = { labels, sums: emptyQuerySums() };
      this.byKey.set(key, g);
    }
    return g;
  }
  get list(): Group[] {
    return [...this.byKey.values()];
  }
}

/** A local day's label under a dimension: its own value (`value`) or its time bucket. */
const labelsOf = (dimensions: Dimension[], day: string, valueOf: (d: Dimension) => string) =>
  dimensions.map((d) => (d.kind === "time" ? periodOf(day, d.unit as "day" | "week" | "month", day) : valueOf(d)));

/** Groups from rollup_daily: visits (sessions by start day), purchases and net revenue by the purchase's own session. */
export async function rollupGroups(
  db: SiteDatabase,
  scope: SiteScope,
  plan: QueryPlan,
  pp: PeriodPlan,
  warnings: Warning[],
) {
  const groups = new Groups();
  const missing = new Set<string>();
  for (const row of await rollupRows(db, scope, plan.rollup!, pp.period.from, pp.period.to)) {
    const valueOf = () => row.key; // every filtered or grouped dimension is the rollup's own
    if (plan.filter && !filterPasses(plan.filter, valueOf)) continue;
    const s = groups.at(labelsOf(plan.dimensions, row.day, valueOf)).sums;
    s.visits += row.sessions;
    s.conversions += row.conversions;
    s.revenueMinor += row.revenueMinor;
    for (const m of row.missingFx?.split(",") ?? []) missing.add(m);
  }
  if (missing.size) warnings.push(missingFxWarning([...missing]));
  return groups;
}

function missingFxWarning(what: string[]): Warning {
  return {
    code: "missing_fx_rate",
    message: `No exchange rate for ${what.sort().join(", ")}: those amounts are left out (POST /api/v1/fx-rates).`,
  };
}

/** Adds ad spend and referral commissions to the groups (a group with spend but no traffic appears too). */
export async function addCosts(
  db: SiteDatabase,
  scope: SiteScope,
  currency: string,
  plan: QueryPlan,
  pp: PeriodPlan,
  groups: Groups,
  warnings: Warning[],
) {
  const { from, to } = pp.period;
  for (const g of groups.list) g.sums.costMinor = 0;
  const rates = rateTable(await allRates(db, scope));
  const missing = new Set<string>();
  const add = (day: string, values: Record<string, string>, minor: number) => {
    const valueOf = (d: Dimension) => values[d.name] ?? NONE;
    if (plan.filter && !filterPasses(plan.filter, valueOf)) return;
    const s = groups.at(labelsOf(plan.dimensions, day, valueOf)).sums;
    s.costMinor = (s.costMinor ?? 0) + minor;
  };
  for (const c of await costsBetween(db, scope, from, to)) {
    const minor = convertMinor(c.costMinor, c.currency, currency, c.date, rates, currencyDigits);
    if (minor === undefined) {
      missing.add(`${c.currency}:${c.date}`);
      continue;
    }
    add(
      c.date,
      { "visit:channel": c.channel, "visit:source": c.source, "visit:medium": c.medium, "visit:campaign": c.campaign },
      minor,
    );
  }
  // Commissions are already in the site's currency; they carry no medium.
  for (const c of await commissionCostsBetween(db, scope, from, to)) {
    const values = { "visit:channel": c.channel, "visit:source": c.source, "visit:campaign": c.campaign };
    add(c.day, { ...values, "visit:partner": c.partner_code ?? NONE }, c.cost_minor);
  }
  if (missing.size) warnings.push(missingFxWarning([...missing]));
}

/** SQLite's order: NULL is the smallest value. */
function compareValues(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** Sorts groups by the plan's order, then by every dimension, as the SQL statement does. */
export function sortGroups(list: Group[], plan: QueryPlan, currency: string): Group[] {
  const keys = plan.order.map((o) => ({
    direction: o.direction === "asc" ? 1 : -1,
    value:
      o.kind === "metric"
        ? (g: Group) => metricValue(o.metric, g.sums, currency)
        : (g: Group) => g.labels[o.index] ?? null,
  }));
  const dims = plan.dimensions.map((_, i) => ({ direction: 1, value: (g: Group) => g.labels[i] ?? null }));
  const all = [...keys, ...dims];
  return [...list].sort((a, b) => {
    for (const k of all) {
      const c = compareValues(k.value(a), k.value(b));
      if (c !== 0) return c * k.direction;
    }
    return 0;
  });
}
