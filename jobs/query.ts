// The query API's service (POST /api/v1/query): plans a query (query-plan.ts), answers each period
// from the daily rollup when it is complete and keeps every figure asked for, else from raw events
// (schema/queries/query-compile.ts), adds ad spend, lines the comparison period up, and shapes the
// answer as Plausible's Stats API v2 does: {results: [{dimensions, metrics}], meta, query}.
import type { SiteDatabase } from "../schema/databases";
import { bucketLabel } from "../models/analytics/query-dates";
import { emptyQuerySums, metricChange, metricValue, minorFactors } from "../models/analytics/query-metrics";
import type { CompiledQuery } from "../models/analytics/query-spec";
import {
  byteLength,
  D1_MAX_BOUND_PARAMS,
  D1_MAX_STATEMENT_BYTES,
  QUERY_MAX_SCAN_EVENTS,
  QUERY_MAX_SORT_ROWS,
} from "../schema/limits";
import { compileQuery } from "../schema/queries/query-compile";
import { countEventsUpTo, firstEventTs, runQuery, type SumsRow } from "../schema/queries/query-run";
import { getRollupState } from "../schema/queries/rollup";
import type { SiteScope } from "../schema/queries/scope";
import type { SiteRow } from "../schema/queries/sites";
import { addCosts, type Group, Groups, rollupGroups, sortGroups, type Warning } from "./query-groups";
import { type PeriodPlan, planQuery, type QueryInput, type QueryPlan, tooLarge } from "./query-plan";

export { QueryError, type QueryInput } from "./query-plan";

interface PeriodResult {
  groups: Group[];
  total: number;
}

interface Run {
  db: SiteDatabase;
  scope: SiteScope;
  site: SiteRow;
  plan: QueryPlan;
  warnings: Warning[];
}

function sumsOf(row: SumsRow) {
  const s = emptyQuerySums();
  s.visitors = row.visitors ?? 0;
  s.visits = row.visits ?? 0;
  s.pageviews = row.pageviews ?? 0;
  s.events = row.events ?? 0;
  s.bounces = row.bounces ?? 0;
  s.durationMs = row.duration_ms ?? 0;
  s.engagedMs = row.engaged_ms ?? 0;
  s.converters = row.converters ?? 0;
  s.conversions = row.conversions ?? 0;
  s.signups = row.signups ?? 0;
  s.revenueMinor = row.revenue_minor ?? 0;
  return s;
}

/** The compiled statement must fit D1's limits; a query that would not is refused, never sent. */
function checkStatement(q: CompiledQuery) {
  const { sql, params } = compileQuery(q);
  if (params.length > D1_MAX_BOUND_PARAMS)
    throw tooLarge("filters", `The query needs ${params.length} bound values; D1 takes ${D1_MAX_BOUND_PARAMS}.`);
  if (byteLength(sql) > D1_MAX_STATEMENT_BYTES)
    throw tooLarge("filters", `The statement would be ${byteLength(sql)} bytes; D1 takes ${D1_MAX_STATEMENT_BYTES}.`);
}

/** The statement a period of a plan runs on raw events (also what the query benchmark times). */
export function compiledFor(
  site: SiteRow,
  plan: QueryPlan,
  pp: PeriodPlan,
  only?: CompiledQuery["only"],
): CompiledQuery {
  return {
    siteId: site.id,
    currency: site.currency,
    minorFactors: minorFactors(site.currency),
    period: pp.period,
    offsets: pp.offsets,
    metrics: plan.metrics,
    dimensions: plan.dimensions,
    filter: plan.filter,
    order: plan.order,
    page: only ? { limit: QUERY_MAX_SORT_ROWS + 1, offset: 0 } : plan.page,
    ...(only && { only }),
  };
}

async function fromEvents(run: Run, pp: PeriodPlan, only?: CompiledQuery["only"]): Promise<PeriodResult> {
  const { plan, site } = run;
  const q = compiledFor(site, plan, pp, only);
  checkStatement(q);
  const rows = await runQuery(run.db, q);
  if ((plan.sortInJs || only) && rows.length > QUERY_MAX_SORT_ROWS)
    throw tooLarge("dimensions", `More than ${QUERY_MAX_SORT_ROWS} groups to merge with ad spend or sort by cost.`);
  const missing = rows.reduce((n, r) => n + (r.missing_fx ?? 0), 0);
  if (missing > 0)
    run.warnings.push({
      code: "missing_fx_rate",
      message: `${missing} purchases in currencies without an exchange rate are left out of revenue (POST /api/v1/fx-rates).`,
    });
  const groups = rows.map((row) => ({
    labels: plan.dimensions.map((d, i) => {
      const raw = row[`d${i}`]!;
      return d.kind === "time" ? bucketLabel(d.unit, raw) : String(raw);
    }),
    sums: sumsOf(row),
  }));
  return { groups, total: rows[0]?.total_rows ?? 0 };
}

/** One period's groups, by the plan's source, with spend added and JS sorting when it needs them. */
async function readPeriod(run: Run, pp: PeriodPlan, useRollup: boolean, only?: CompiledQuery["only"]) {
  const { plan, site } = run;
  if (!useRollup && !plan.sortInJs) return fromEvents(run, pp, only);
  const groups = useRollup ? await rollupGroups(run.db, run.scope, plan, pp, run.warnings) : new Groups();
  if (!useRollup) for (const g of (await fromEvents(run, pp)).groups) groups.byKey.set(g.labels.join("\u0000"), g);
  if (plan.cost === "applies") await addCosts(run.db, run.scope, site.currency, plan, pp, groups, run.warnings);
  // Without dimensions there is always exactly one row, as SQL gives.
  if (plan.dimensions.length === 0) groups.at([]);
  const sorted = sortGroups(groups.list, plan, site.currency);
  return { groups: sorted, total: sorted.length };
}

/** Rows line up with the comparison's by their dimensions, time buckets by position in the period. */
function alignKey(labels: string[], timeIndex: number, bucketLabels: string[] | null): string {
  return labels.map((l, i) => (i === timeIndex ? String(bucketLabels?.indexOf(l) ?? -1) : l)).join("\u0000");
}

export async function runQueryApi(db: SiteDatabase, site: SiteRow, input: QueryInput, now: number) {
  const scope = { siteId: site.id };
  const firstEventMs = input.date_range === "all" ? await firstEventTs(db, scope) : null;
  const plan = planQuery(input, site, { now, firstEventMs });
  const periods = [plan.main, ...(plan.comparison ? [plan.comparison] : [])];
  const state = plan.rollup ? await getRollupState(db, scope) : undefined;
  const useRollup = !!state && periods.every((p) => p.period.endMs <= state.watermark);
  if (!useRollup) {
    for (const p of periods) {
      const n = await countEventsUpTo(db, scope, p.period.startMs, p.period.endMs, QUERY_MAX_SCAN_EVENTS);
      if (n > QUERY_MAX_SCAN_EVENTS)
        throw tooLarge("date_range", `The range holds more than ${QUERY_MAX_SCAN_EVENTS} events: narrow it.`);
    }
  }
  const run: Run = { db, scope, site, plan, warnings: [] };
  if (typeof plan.cost === "object") run.warnings.push({ code: "cost_unavailable", message: plan.cost.unavailable });

  const main = await readPeriod(run, plan.main, useRollup);
  const page =
    plan.sortInJs || useRollup
      ? main.groups.slice(input.pagination.offset, input.pagination.offset + input.pagination.limit)
      : main.groups;
  let comparison: Map<string, Group> | null = null;
  if (plan.comparison) {
    // Only the groups on this page: each grouped dimension restricted to the page's values.
    const only = plan.dimensions.flatMap((d, index) =>
      d.kind === "time" ? [] : [{ index, values: [...new Set(page.map((g) => g.labels[index]!))] }],
    );
    const before = await readPeriod(run, plan.comparison, useRollup, only);
    comparison = new Map(
      before.groups.map((g) => [alignKey(g.labels, plan.timeIndex, plan.comparison!.labels), g] as const),
    );
  }
  const currency = site.currency;
  const results = page.map((g) => {
    const metrics = plan.metrics.map((m) => metricValue(m, g.sums, currency));
    if (!comparison) return { dimensions: g.labels, metrics };
    const key = alignKey(g.labels, plan.timeIndex, plan.main.labels);
    const other = comparison.get(key);
    const sums = other?.sums ?? { ...emptyQuerySums(), costMinor: plan.cost === "applies" ? 0 : null };
    const before = plan.metrics.map((m) => metricValue(m, sums, currency));
    // The comparison's own bucket at the same position (a month of 31 days against one of 30 has none: null).
    const dimensions = g.labels.map((l, i) =>
      i === plan.timeIndex ? (plan.comparison!.labels![plan.main.labels!.indexOf(l)] ?? null) : l,
    );
    const change = plan.metrics.map((m, i) => metricChange(m, metrics[i]!, before[i]!));
    return { dimensions: g.labels, metrics, comparison: { dimensions, metrics: before, change } };
  });
  return { plan, results, total: main.total, warnings: run.warnings, useRollup, dataUntil: state?.watermark ?? null };
}
