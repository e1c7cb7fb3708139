// The query API's statement, built from a validated query (models/analytics/query-spec.ts). Pure:
// SQL text from fixed fragments, every request value bound. One statement per period:
//
//   [sx: per-session counts and exit page within the period]
//   ps: one row per (dimension values, session): what the session did in that group
//   g:  one row per dimension values: visitors, visits and the sums of the metrics asked for
//   then ordered, with the total row count, one page.
//
// Grouping by session first makes visit metrics (bounce rate, duration) exact under any dimension:
// a visit counts once in each group it has a matching event in.
import type { CompiledQuery, Dimension, Metric } from "../../models/analytics/query-spec";
import { filterDimensions } from "../../models/analytics/query-regex";
import {
  countIf,
  dimensionSql,
  filterSql,
  type Joins,
  Params,
  PURCHASE,
  revenueSql,
  type SqlContext,
} from "./query-sql";

/** Sums a statement returns per row, beside d0..dN; absent ones are not computed. */
export interface SumsRow {
  visitors?: number;
  visits: number;
  pageviews?: number;
  events?: number;
  bounces?: number;
  duration_ms?: number;
  engaged_ms?: number;
  converters?: number;
  conversions?: number;
  signups?: number;
  revenue_minor?: number | null;
  missing_fx?: number;
  total_rows: number;
  [dimension: `d${number}`]: string | number;
}

/** Which sums each metric reads. */
const NEEDS: Record<Metric, (keyof SumsRow)[]> = {
  visitors: ["visitors"],
  visits: [],
  pageviews: ["pageviews"],
  events: ["events"],
  bounce_rate: ["bounces"],
  visit_duration: ["duration_ms"],
  engaged_time: ["engaged_ms"],
  views_per_visit: ["pageviews"],
  conversions: ["conversions"],
  conversion_rate: ["visitors", "converters"],
  signups: ["signups"],
  revenue: ["revenue_minor"],
  average_order_value: ["revenue_minor", "conversions"],
  cost: [],
  roi: ["revenue_minor"],
  roas: ["revenue_minor"],
};

/** How to order by a metric in SQL; cost metrics are not in the statement (the caller sorts by them). */
const SORT_SQL: Partial<Record<Metric, string>> = {
  visitors: "visitors",
  visits: "visits",
  pageviews: "pageviews",
  events: "events",
  bounce_rate: "bounces * 1.0 / nullif(visits, 0)",
  visit_duration: "duration_ms * 1.0 / nullif(visits, 0)",
  engaged_time: "engaged_ms * 1.0 / nullif(visits, 0)",
  views_per_visit: "pageviews * 1.0 / nullif(visits, 0)",
  conversions: "conversions",
  conversion_rate: "converters * 1.0 / nullif(visitors, 0)",
  signups: "signups",
  revenue: "revenue_minor",
  average_order_value: "revenue_minor * 1.0 / nullif(conversions, 0)",
};

const isVisit = (d: Dimension) => d.kind === "visit" || d.kind === "segment";

function joinsFor(q: CompiledQuery, needs: Set<keyof SumsRow>): Joins {
  const all = [...q.dimensions, ...filterDimensions(q.filter)];
  return {
    session: all.some(isVisit) || needs.has("duration_ms"),
    sessionStats: all.some((d) => d.kind === "visit" && d.name === "visit:exit_page") || needs.has("bounces"),
    items: q.dimensions.some((d) => d.kind === "event" && d.name === "event:item"),
    segments: q.dimensions.some((d) => d.kind === "segment" && d.segmentKind === null),
  };
}

export function compileQuery(q: CompiledQuery): { sql: string; params: (string | number)[] } {
  const params = new Params();
  params.add(q.siteId);
  params.add(q.period.startMs);
  params.add(q.period.endMs);
  const needs = new Set(q.metrics.flatMap((m) => NEEDS[m]));
  const joins = joinsFor(q, needs);
  const ctx: SqlContext = { params, offsets: q.offsets, joins };
  const dims = q.dimensions.map((_, i) => `d${i}`);

  const perSession: string[] = [];
  const grouped: string[] = [];
  const sum = (name: keyof SumsRow, expression: string, outer = `sum(${name})`) => {
    perSession.push(`${expression} AS ${name}`);
    grouped.push(`${outer} AS ${name}`);
  };
  if (needs.has("pageviews")) sum("pageviews", countIf("e.type = 'pageview'"));
  if (needs.has("events")) sum("events", countIf("e.type <> 'engagement'"));
  if (needs.has("bounces")) sum("bounces", "max(CASE WHEN sx.pv <= 1 AND sx.acts = 0 THEN 1 ELSE 0 END)");
  if (needs.has("duration_ms")) sum("duration_ms", "max(s.last_seen_at - s.started_at)");
  if (needs.has("engaged_ms"))
    sum("engaged_ms", "sum(CASE WHEN e.type = 'engagement' THEN coalesce(e.engaged_ms, 0) ELSE 0 END)");
  if (needs.has("conversions") || needs.has("converters")) {
    sum("conversions", countIf(PURCHASE));
    if (needs.has("converters")) grouped.push("count(DISTINCT CASE WHEN conversions > 0 THEN vid END) AS converters");
  }
  if (needs.has("signups")) sum("signups", countIf("e.type = 'signup'"));
  if (needs.has("revenue_minor")) {
    const revenue = revenueSql(ctx, q.currency, q.minorFactors);
    sum("revenue_minor", `sum(${revenue})`);
    sum("missing_fx", countIf(`${PURCHASE} AND ${revenue} IS NULL`));
  }

  const from = ["events e"];
  if (joins.session) from.push("JOIN sessions s ON s.site_id = e.site_id AND s.id = e.session_id");
  if (joins.sessionStats) from.push("LEFT JOIN sx ON sx.sid = e.session_id");
  if (joins.items)
    from.push("LEFT JOIN json_each(CASE WHEN json_extract(e.props, '$.item_id') IS NULL THEN e.items END) li");
  if (joins.segments) {
    // The learner expression reads s.user_id: segments imply the session join (isVisit).
    from.push(
      "LEFT JOIN learner_segments lsx ON lsx.site_id = ?1 AND lsx.learner_id = coalesce(e.user_id, s.user_id, " +
        "(SELECT i.user_id FROM identities i WHERE i.site_id = ?1 AND i.visitor_id = e.visitor_id), e.visitor_id)",
    );
  }
  const dimensionColumns = q.dimensions.map((d, i) => `${dimensionSql(d, ctx)} AS d${i}`);
  const where = ["e.site_id = ?1", "e.ts >= ?2", "e.ts < ?3"];
  if (q.filter) where.push(filterSql(q.filter, ctx));

  const sx = joins.sessionStats
    ? "sx AS (SELECT session_id AS sid, " +
      `${countIf("type = 'pageview'")} AS pv, ${countIf("type NOT IN ('pageview', 'engagement')")} AS acts, ` +
      "substr(max(CASE WHEN type = 'pageview' THEN printf('%015d', ts) || coalesce(path, '') END), 16) AS exit_page " +
      "FROM events WHERE site_id = ?1 AND ts >= ?2 AND ts < ?3 GROUP BY session_id), "
    : "";
  // A session has one visitor: grouping by it too keeps the SQL standard (the DuckDB baseline runs it).
  const ps =
    `ps AS (SELECT ${[...dimensionColumns, "e.session_id AS sid", "e.visitor_id AS vid", ...perSession].join(", ")} ` +
    `FROM ${from.join(" ")} WHERE ${where.join(" AND ")} GROUP BY ${[...dims, "e.session_id", "e.visitor_id"].join(", ")})`;
  const visitors = needs.has("visitors") ? ["count(DISTINCT vid) AS visitors"] : [];
  const g =
    `g AS (SELECT ${[...dims, ...visitors, "count(*) AS visits", ...grouped].join(", ")} FROM ps` +
    (dims.length ? ` GROUP BY ${dims.join(", ")})` : ")");

  const only = (q.only ?? []).map(
    (o) => `d${o.index} IN (SELECT value FROM json_each(${params.add(JSON.stringify(o.values))}))`,
  );
  const order = q.order
    .map((o) => {
      const expression = o.kind === "metric" ? SORT_SQL[o.metric] : `d${o.index}`;
      return expression ? `${expression} ${o.direction.toUpperCase()}` : null;
    })
    .filter((x): x is string => x !== null);
  order.push(...dims.map((d) => `${d} ASC`));
  const page = ` LIMIT ${params.add(q.page.limit)} OFFSET ${params.add(q.page.offset)}`;
  const sql =
    `WITH ${sx}${ps}, ${g} SELECT *, count(*) OVER () AS total_rows FROM g` +
    (only.length ? ` WHERE ${only.join(" AND ")}` : "") +
    (order.length ? ` ORDER BY ${order.join(", ")}` : "") +
    page;
  return { sql, params: params.values };
}
