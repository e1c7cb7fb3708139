// Validates a query (past what the request schema checks) and plans it: the periods, the filter
// tree with regexes as GLOBs, the order, whether ad spend applies, and whether the daily rollup can
// answer it. Pure; a bad query throws QueryError naming the field at fault, which the route answers
// with the standard envelope.
import {
  comparisonPeriod,
  type CompareMode,
  type DatePreset,
  offsetPieces,
  periodDays,
  resolveDateRange,
  timeLabels,
} from "../models/analytics/query-dates";
import { filterDimensions, REGEX_SYNTAX, regexToGlobs } from "../models/analytics/query-regex";
import {
  COST_METRICS,
  type Dimension,
  type Filter,
  type FilterInput,
  type Metric,
  type OffsetPieces,
  type OrderKey,
  parseDimension,
  type Period,
  type SortDirection,
  type TimeUnit,
} from "../models/analytics/query-spec";
import {
  QUERY_MAX_FILTER_DEPTH,
  QUERY_MAX_FILTER_LEAVES,
  QUERY_MAX_RANGE_DAYS,
  QUERY_MAX_SORT_ROWS,
  QUERY_MAX_TIME_BUCKETS,
} from "../schema/limits";

export interface Issue {
  path: string;
  message: string;
}

/** A query that cannot be answered: `validation_failed` (it is wrong) or `query_too_large` (it costs too much). */
export class QueryError extends Error {
  override readonly name = "QueryError";
  constructor(
    readonly code: "validation_failed" | "query_too_large",
    message: string,
    readonly issues: Issue[],
  ) {
    super(message);
  }
}

const invalid = (path: string, message: string) =>
  new QueryError("validation_failed", "The query is not valid.", [{ path, message }]);
export const tooLarge = (path: string, message: string) =>
  new QueryError("query_too_large", "The query would cost too much to answer.", [{ path, message }]);

/** The request, as the route's schema has checked and defaulted it. */
export interface QueryInput {
  metrics: Metric[];
  dimensions: string[];
  filters: FilterInput[];
  date_range: DatePreset | [string, string];
  compare: CompareMode | null;
  order_by?: [string, SortDirection][] | undefined;
  include: { time_labels: boolean; total_rows: boolean };
  pagination: { limit: number; offset: number };
}

/** Dimensions the daily rollup keeps (rollup_daily.dimension), and the ones ad spend is known by. */
export const ROLLUP_DIMENSIONS = {
  "visit:channel": "channel",
  "visit:source": "source",
  "visit:campaign": "campaign",
  "visit:partner": "partner",
} as const;
export const COST_DIMENSIONS = ["visit:channel", "visit:source", "visit:medium", "visit:campaign", "visit:partner"];
const ROLLUP_METRICS: readonly Metric[] = [
  "visits",
  "conversions",
  "revenue",
  "average_order_value",
  "cost",
  "roi",
  "roas",
];

export interface PeriodPlan {
  period: Period;
  offsets: OffsetPieces;
  /** Every bucket label when there is a time dimension. */
  labels: string[] | null;
}

export interface QueryPlan {
  metrics: Metric[];
  dimensions: Dimension[];
  filter: Filter | null;
  order: OrderKey[];
  /** The order as applied (the default made explicit), for the echoed query. */
  orderBy: [string, SortDirection][];
  main: PeriodPlan;
  comparison: PeriodPlan | null;
  page: { limit: number; offset: number };
  /** Index of the time dimension, or -1. */
  timeIndex: number;
  /** Cost metrics were asked for: "applies" when spend is known by every dimension and filter, else why not. */
  cost: "none" | "applies" | { unavailable: string };
  /** Rows are merged (ad spend) or sorted (by cost) in JavaScript: SQL reads every row, up to a cap. */
  sortInJs: boolean;
  /** The rollup dimension that could answer the query, when the rollup is complete for its periods. */
  rollup: (typeof ROLLUP_DIMENSIONS)[keyof typeof ROLLUP_DIMENSIONS] | null;
}

function parseFilter(input: FilterInput, path: string, depth: number, leaves: { n: number }): Filter {
  if (depth > QUERY_MAX_FILTER_DEPTH) throw tooLarge(path, `Filters nest at most ${QUERY_MAX_FILTER_DEPTH} deep.`);
  if (input[0] === "and" || input[0] === "or") {
    const children = (input[1] as FilterInput[]).map((f, i) => parseFilter(f, `${path}.1.${i}`, depth + 1, leaves));
    return { op: input[0], children };
  }
  if (input[0] === "not")
    return { op: "not", child: parseFilter(input[1] as FilterInput, `${path}.1`, depth + 1, leaves) };
  const [op, name, raw] = input as [string, string, (string | number)[]];
  if (++leaves.n > QUERY_MAX_FILTER_LEAVES) throw tooLarge(path, `At most ${QUERY_MAX_FILTER_LEAVES} filters in all.`);
  const dimension = parseDimension(name)!; // the schema's pattern admitted it
  if (dimension.kind === "time") throw invalid(`${path}.1`, "Time dimensions cannot be filtered: use date_range.");
  const values = raw.map(String);
  const negate = op.endsWith("_not");
  const base = op.replace(/_not$/, "") as "is" | "contains" | "matches";
  if (base !== "matches") return { op: base, dimension, values, globs: [], negate };
  const globs: string[] = [];
  values.forEach((v, i) => {
    const t = regexToGlobs(v);
    if ("error" in t) throw invalid(`${path}.2.${i}`, `${t.error} Supported: ${REGEX_SYNTAX}`);
    globs.push(...t.globs);
  });
  return { op: "matches", dimension, values, globs, negate };
}

function defaultOrder(input: QueryInput, timeIndex: number): [string, SortDirection][] {
  const order: [string, SortDirection][] = [];
  if (timeIndex >= 0) order.push([input.dimensions[timeIndex]!, "asc"]);
  order.push([input.metrics[0]!, "desc"]);
  return order;
}

function periodPlan(period: Period, timeZone: string, unit: TimeUnit | null, path: string): PeriodPlan {
  const days = periodDays(period);
  if (days > QUERY_MAX_RANGE_DAYS)
    throw tooLarge("date_range", `The range covers ${days} days; at most ${QUERY_MAX_RANGE_DAYS} per query.`);
  const offsets = offsetPieces(period.startMs, period.endMs, timeZone);
  const labels = unit ? timeLabels(unit, period, offsets, QUERY_MAX_TIME_BUCKETS) : null;
  if (labels && labels.length > QUERY_MAX_TIME_BUCKETS)
    throw tooLarge(path, `More than ${QUERY_MAX_TIME_BUCKETS} time buckets: use a coarser unit or a shorter range.`);
  return { period, offsets, labels };
}

export function planQuery(
  input: QueryInput,
  site: { timezone: string },
  o: { now: number; firstEventMs: number | null },
): QueryPlan {
  const dimensions = input.dimensions.map((name) => parseDimension(name)!);
  const seen = new Set<string>();
  input.dimensions.forEach((name, i) => {
    if (seen.has(name)) throw invalid(`dimensions.${i}`, `'${name}' is listed twice.`);
    seen.add(name);
  });
  const timeIndexes = dimensions.flatMap((d, i) => (d.kind === "time" ? [i] : []));
  if (timeIndexes.length > 1) throw invalid(`dimensions.${timeIndexes[1]}`, "Group by one time dimension at most.");
  const timeIndex = timeIndexes[0] ?? -1;
  const unit = timeIndex >= 0 ? (dimensions[timeIndex] as { unit: TimeUnit }).unit : null;
  input.metrics.forEach((m, i) => {
    if (input.metrics.indexOf(m) !== i) throw invalid(`metrics.${i}`, `'${m}' is listed twice.`);
  });

  const leaves = { n: 0 };
  const parsed = input.filters.map((f, i) => parseFilter(f, `filters.${i}`, 1, leaves));
  const filter: Filter | null =
    parsed.length === 0 ? null : parsed.length === 1 ? parsed[0]! : { op: "and", children: parsed };

  if (input.include.time_labels && timeIndex < 0)
    throw invalid(
      "include.time_labels",
      "Time labels need a time dimension (time:hour, time:day, time:week or time:month).",
    );

  const orderBy = input.order_by?.length ? input.order_by : defaultOrder(input, timeIndex);
  const order: OrderKey[] = orderBy.map(([key, direction], i) => {
    const metric = input.metrics.indexOf(key as Metric);
    if (metric >= 0) return { kind: "metric", metric: key as Metric, direction };
    const index = input.dimensions.indexOf(key);
    if (index >= 0) return { kind: "dimension", index, direction };
    throw invalid(`order_by.${i}.0`, `'${key}' is not among the query's metrics or dimensions.`);
  });

  const resolved = resolveDateRange(input.date_range, {
    now: o.now,
    timeZone: site.timezone,
    firstEventMs: o.firstEventMs,
  });
  if ("error" in resolved) throw invalid("date_range", resolved.error);
  const timePath = `dimensions.${timeIndex}`;
  const main = periodPlan(resolved, site.timezone, unit, timePath);
  const comparison = input.compare
    ? periodPlan(comparisonPeriod(resolved, input.compare, site.timezone), site.timezone, unit, timePath)
    : null;

  const named = [...dimensions, ...filterDimensions(filter)].filter((d) => d.kind !== "time");
  const names = new Set(named.map((d) => d.name));
  const wantsCost = input.metrics.some((m) => COST_METRICS.includes(m));
  const costApplies = [...names].every((n) => COST_DIMENSIONS.includes(n)) && unit !== "hour" && resolved.dayAligned;
  const cost: QueryPlan["cost"] = !wantsCost
    ? "none"
    : costApplies
      ? "applies"
      : {
          unavailable:
            "Ad spend is known by visit:channel, visit:source, visit:medium, visit:campaign, visit:partner and by " +
            "whole days: cost, roi and roas are null for this query.",
        };
  const sortInJs = cost === "applies" || order.some((k) => k.kind === "metric" && COST_METRICS.includes(k.metric));
  const rollupName = names.size === 0 ? "visit:channel" : names.size === 1 ? [...names][0]! : null;
  const rollup =
    input.metrics.every((m) => ROLLUP_METRICS.includes(m)) && unit !== "hour" && resolved.dayAligned && rollupName
      ? (ROLLUP_DIMENSIONS[rollupName as keyof typeof ROLLUP_DIMENSIONS] ?? null)
      : null;
  return {
    metrics: input.metrics,
    dimensions,
    filter,
    order,
    orderBy,
    main,
    comparison,
    page: sortInJs ? { limit: QUERY_MAX_SORT_ROWS + 1, offset: 0 } : input.pagination,
    timeIndex,
    cost,
    sortInJs,
    rollup,
  };
}
