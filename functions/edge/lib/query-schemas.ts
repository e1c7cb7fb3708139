// Request and response of POST /api/v1/query (Plausible's Stats API v2 shape) and GET /api/v1/realtime.
// Structural checks live here (they name the field at fault); what needs the site or the other
// fields (a regex GLOB cannot express, order_by naming a metric not asked for) is jobs/query-plan.ts's.
import { z } from "@hono/zod-openapi";
import { COMPARE_MODES, DATE_PRESETS } from "../../../models/analytics/query-dates";
import { DIMENSION_PATTERN, FILTER_OPERATORS, type FilterInput, METRICS } from "../../../models/analytics/query-spec";
import {
  QUERY_DEFAULT_LIMIT,
  QUERY_MAX_DIMENSIONS,
  QUERY_MAX_FILTER_VALUES,
  QUERY_MAX_LIMIT,
  QUERY_MAX_OFFSET,
  QUERY_MAX_VALUE_LENGTH,
} from "../../../schema/limits";

const MetricName = z
  .enum(METRICS, { error: (iss) => `Unknown metric '${String(iss.input)}'. Known: ${METRICS.join(", ")}.` })
  .openapi("QueryMetric");

const DIMENSION_HELP =
  "visit:channel, visit:source, visit:medium, visit:campaign, visit:utm_content, visit:utm_term, visit:partner, " +
  "visit:entry_page, visit:exit_page, visit:country, visit:region, visit:device, visit:browser, visit:os, " +
  "event:page, event:name, event:item, event:props:KEY, segment, segment:KIND, time:hour, time:day, time:week, time:month";

const DimensionName = z
  .string()
  .regex(DIMENSION_PATTERN, { error: (iss) => `Unknown dimension '${String(iss.input)}'. Known: ${DIMENSION_HELP}.` })
  .openapi("QueryDimension", { description: `One of ${DIMENSION_HELP}.`, example: "visit:channel" });

const FilterValue = z.union([z.string().max(QUERY_MAX_VALUE_LENGTH), z.number()]);
const FilterLeaf = z.tuple([
  z.enum(FILTER_OPERATORS),
  DimensionName,
  z.array(FilterValue).min(1).max(QUERY_MAX_FILTER_VALUES),
]);

export const QueryFilter: z.ZodType<FilterInput> = z
  .lazy(() =>
    z.union(
      [
        FilterLeaf,
        z.tuple([z.enum(["and", "or"]), z.array(QueryFilter).min(1)]),
        z.tuple([z.literal("not"), QueryFilter]),
      ],
      {
        error:
          `A filter is [operator, dimension, [values]] with operator one of ${FILTER_OPERATORS.join(", ")}; ` +
          `or ["and" or "or", [filters]]; or ["not", filter].`,
      },
    ),
  )
  .openapi("QueryFilter", {
    description:
      '`[operator, dimension, [values]]`, `["and"|"or", [filters]]` or `["not", filter]`. A leaf holds when the ' +
      "value is (contains, matches) any of the values; `_not` operators when it is none of them. `matches` takes " +
      "regular expressions in the subset SQLite's GLOB can express (README: Query API).",
    example: [
      "and",
      [
        ["is", "visit:channel", ["Paid Search"]],
        ["contains", "event:page", ["/courses/"]],
      ],
    ],
  });

const DateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const DateRange = z
  .union([z.enum(DATE_PRESETS), z.tuple([DateOrTime, DateOrTime])], {
    error: `Use one of ${DATE_PRESETS.join(", ")}, or two ISO dates (or date-times with an offset).`,
  })
  .openapi("QueryDateRange", {
    description: "A preset (in the site's time zone, ending today) or [first, last] ISO dates, both included.",
    example: "30d",
  });

const OrderBy = z.tuple([
  z.string().openapi({ description: "A metric or dimension of the query." }),
  z.enum(["asc", "desc"]),
]);

export const QueryRequest = z
  .strictObject({
    site_id: z.string().optional().openapi({ description: "Required with the admin token; implied by a site key." }),
    metrics: z.array(MetricName).min(1),
    dimensions: z.array(DimensionName).max(QUERY_MAX_DIMENSIONS).default([]),
    filters: z.array(QueryFilter).default([]),
    date_range: DateRange,
    compare: z
      .enum(COMPARE_MODES)
      .nullable()
      .default(null)
      .openapi({ description: "Also read the previous period, or the same days a year before." }),
    order_by: z.array(OrderBy).optional(),
    include: z
      .strictObject({
        time_labels: z.boolean().default(false).openapi({ description: "Every time bucket (needs a time dimension)." }),
        total_rows: z
          .boolean()
          .default(false)
          .openapi({ description: "Accepted for Plausible clients: always given." }),
      })
      .prefault({}),
    pagination: z
      .strictObject({
        limit: z
          .number()
          .int()
          .min(1)
          .max(QUERY_MAX_LIMIT, { error: `At most ${QUERY_MAX_LIMIT} rows per page: page on with offset.` })
          .default(QUERY_DEFAULT_LIMIT),
        offset: z
          .number()
          .int()
          .min(0)
          .max(QUERY_MAX_OFFSET, { error: `Offsets above ${QUERY_MAX_OFFSET} are refused: narrow the query instead.` })
          .default(0),
      })
      .prefault({}),
  })
  .openapi("QueryRequest");
export type QueryRequest = z.infer<typeof QueryRequest>;

const Metrics = z.array(z.number().nullable()).openapi({ description: "In the order of `metrics`; null: undefined." });

const QueryRow = z
  .object({
    dimensions: z.array(z.string()).openapi({ description: "In the order of `dimensions`." }),
    metrics: Metrics,
    comparison: z
      .object({
        dimensions: z
          .array(z.string().nullable())
          .openapi({ description: "The comparison's time bucket at the same position (null past its end)." }),
        metrics: Metrics,
        change: z
          .array(z.number().nullable())
          .openapi({ description: "Percent change, or the difference in points for bounce_rate and conversion_rate." }),
      })
      .optional()
      .openapi({ description: "With `compare`: the same group in the comparison period (time buckets by position)." }),
  })
  .openapi("QueryRow");

const Warning = z.object({ code: z.string(), message: z.string() }).openapi("QueryWarning");

export const QueryResponse = z
  .object({
    results: z.array(QueryRow),
    meta: z.object({
      currency: z.string().openapi({ description: "Money metrics are in major units of this currency." }),
      time_zone: z.string(),
      date_range: z.tuple([z.string(), z.string()]).openapi({ description: "Local days, or the instants asked." }),
      comparison_date_range: z.tuple([z.string(), z.string()]).nullable(),
      total_rows: z.number().int(),
      time_labels: z.array(z.string()).optional(),
      comparison_time_labels: z.array(z.string()).optional(),
      source: z
        .enum(["events", "rollup"])
        .openapi({ description: "rollup: answered from the daily rollup tables (fast); events: from raw events." }),
      data_until: z.string().nullable().openapi({ description: "With rollup: events received up to this instant." }),
      warnings: z.array(Warning),
    }),
    query: QueryRequest.extend({
      site_id: z.string(),
      date_range: z.tuple([z.string(), z.string()]),
      order_by: z.array(OrderBy),
    }).openapi("QueryEcho"),
  })
  .openapi("QueryResponse");

export const RealtimeResponse = z
  .object({
    since: z.string(),
    until: z.string(),
    visitors: z.number().int(),
    visits: z.number().int(),
    pageviews: z.number().int(),
    events: z.number().int(),
    top_pages: z.array(z.object({ page: z.string(), visitors: z.number().int(), pageviews: z.number().int() })),
    top_sources: z.array(z.object({ source: z.string(), visitors: z.number().int() })),
  })
  .openapi("Realtime");
