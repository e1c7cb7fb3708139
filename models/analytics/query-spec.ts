// The query API's vocabulary (POST /api/v1/query, in the shape of Plausible's Stats API v2): its
// metrics, dimensions and filter operators, and the validated query that the planner (jobs/query.ts)
// hands to the SQL compiler (schema/queries/query-compile.ts). Pure: names and shapes only.

/** Metrics, in the order the docs list them. Rates follow Plausible: percent, not 0-1 (see query-metrics.ts). */
export const METRICS = [
  "visitors",
  "visits",
  "pageviews",
  "events",
  "bounce_rate",
  "visit_duration",
  "engaged_time",
  "views_per_visit",
  "conversions",
  "conversion_rate",
  "signups",
  "revenue",
  "average_order_value",
  "cost",
  "roi",
  "roas",
] as const;
export type Metric = (typeof METRICS)[number];

/** Metrics that need ad spend: known only by channel, source, medium, campaign, partner and day. */
export const COST_METRICS: readonly Metric[] = ["cost", "roi", "roas"];
/** Metrics that need purchase revenue (net of refunds, in the site's currency). */
export const REVENUE_METRICS: readonly Metric[] = ["revenue", "average_order_value", "roi", "roas"];

/** Attributes of the visit (the session's entry), each with the sessions column it reads. */
export const VISIT_DIMENSIONS = {
  "visit:channel": "channel",
  "visit:source": "source",
  "visit:medium": "medium",
  "visit:campaign": "campaign",
  "visit:utm_content": "content",
  "visit:utm_term": "term",
  "visit:partner": "partner_code",
  "visit:entry_page": "landing_path",
  "visit:exit_page": null, // the session's last page view: computed from its events
  "visit:country": "country",
  "visit:region": "region",
  "visit:device": "device",
  "visit:browser": "browser",
  "visit:os": "os",
} as const satisfies Record<string, string | null>;
export type VisitDimension = keyof typeof VISIT_DIMENSIONS;

export const EVENT_DIMENSIONS = ["event:page", "event:name", "event:item"] as const;
export const TIME_UNITS = ["hour", "day", "week", "month"] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** `event:props:KEY`: a custom property. Keys are as capture stores them, without `"` or `\`. */
export const PROP_PREFIX = "event:props:";
const PROP_KEY = /^[^"\\]{1,64}$/;
/** `segment:KIND`: the learner's segment of one kind; plain `segment`: any of the learner's segments. */
export const SEGMENT_KIND = /^[a-z0-9_]{1,32}$/;

/** Every dimension name the API accepts, as one pattern (the OpenAPI document shows it). */
export const DIMENSION_PATTERN = new RegExp(
  "^(" +
    [
      ...Object.keys(VISIT_DIMENSIONS),
      ...EVENT_DIMENSIONS,
      `${PROP_PREFIX}[^"\\\\]{1,64}`,
      "segment(:[a-z0-9_]{1,32})?",
      `time:(${TIME_UNITS.join("|")})`,
    ]
      .join("|")
      .replaceAll(".", "\\.") +
    ")$",
);

/** A dimension name, parsed. `name` is the name as asked, for echoing back. */
export type Dimension =
  | { kind: "visit"; name: VisitDimension }
  | { kind: "event"; name: (typeof EVENT_DIMENSIONS)[number] }
  | { kind: "prop"; name: string; key: string }
  | { kind: "segment"; name: string; segmentKind: string | null }
  | { kind: "time"; name: string; unit: TimeUnit };

export function parseDimension(name: string): Dimension | null {
  if (name in VISIT_DIMENSIONS) return { kind: "visit", name: name as VisitDimension };
  if ((EVENT_DIMENSIONS as readonly string[]).includes(name))
    return { kind: "event", name: name as (typeof EVENT_DIMENSIONS)[number] };
  if (name.startsWith(PROP_PREFIX)) {
    const key = name.slice(PROP_PREFIX.length);
    return PROP_KEY.test(key) ? { kind: "prop", name, key } : null;
  }
  if (name === "segment") return { kind: "segment", name, segmentKind: null };
  if (name.startsWith("segment:")) {
    const kind = name.slice("segment:".length);
    return SEGMENT_KIND.test(kind) ? { kind: "segment", name, segmentKind: kind } : null;
  }
  if (name.startsWith("time:")) {
    const unit = name.slice("time:".length);
    return (TIME_UNITS as readonly string[]).includes(unit) ? { kind: "time", name, unit: unit as TimeUnit } : null;
  }
  return null;
}

/** Filter operators (Plausible's, without goals). `contains` and `matches` are case-sensitive. */
export const FILTER_OPERATORS = ["is", "is_not", "contains", "contains_not", "matches", "matches_not"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** A filter as the request writes it (Plausible's arrays). */
export type FilterInput =
  [FilterOperator, string, (string | number)[]] | ["and" | "or", FilterInput[]] | ["not", FilterInput];

/**
 * A filter, parsed from Plausible's arrays: `[op, dimension, [values]]`, `["and"|"or", [filters]]`,
 * `["not", filter]`. A leaf holds when the dimension's value satisfies the operator for any of its
 * values (`is_not`, `contains_not`, `matches_not`: for none of them). `matches` values have become
 * GLOB patterns (query-regex.ts), which SQLite and D1 evaluate natively.
 */
export type Filter = FilterLeaf | { op: "and" | "or"; children: Filter[] } | { op: "not"; child: Filter };

/** `globs` are the `matches` values as GLOB patterns (empty for the other operators). */
export interface FilterLeaf {
  op: "is" | "contains" | "matches";
  dimension: Dimension;
  values: string[];
  globs: string[];
  negate: boolean;
}

export type SortDirection = "asc" | "desc";

/** A metric or dimension to order by: an index into the query's metrics or dimensions. */
export type OrderKey =
  | { kind: "metric"; metric: Metric; direction: SortDirection }
  | { kind: "dimension"; index: number; direction: SortDirection };

/** Instants of one queried period, and its local days when it is made of whole days. */
export interface Period {
  startMs: number;
  /** Exclusive. */
  endMs: number;
  /** First and last local day (inclusive): the whole days when `dayAligned`, else the days touched. */
  from: string;
  to: string;
  dayAligned: boolean;
}

/**
 * The site's UTC offset over a period, in pieces: `offsets[0]` applies before `boundaries[0]`,
 * `offsets[i]` from `boundaries[i-1]` on. One piece when the period crosses no DST change.
 */
export interface OffsetPieces {
  boundaries: number[];
  offsets: number[];
}

/** What the SQL compiler needs: a validated, planned query for one period. */
export interface CompiledQuery {
  siteId: string;
  /** The site's reporting currency; purchases in others convert with the site's exchange rates. */
  currency: string;
  /** Minor-unit factor from each other currency with different digits to the site's (JPY→CNY: 100). */
  minorFactors: Record<string, number>;
  period: Period;
  offsets: OffsetPieces;
  metrics: Metric[];
  dimensions: Dimension[];
  filter: Filter | null;
  order: OrderKey[];
  /** The rows to return; to sort by a metric SQL cannot (cost), the caller reads every row up to a cap. */
  page: { limit: number; offset: number };
  /**
   * Only these values per dimension index (the comparison period reads the rows of the page shown).
   */
  only?: { index: number; values: string[] }[];
}
