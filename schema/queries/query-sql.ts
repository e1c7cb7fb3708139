// SQL pieces of the query API: dimension expressions, filters and time buckets over one event row
// (`e`) and its session (`s`). Every value from the request travels as a bound parameter; the SQL
// text is made only of the fixed fragments below. Assembled by query-compile.ts.
import { filterPasses } from "../../models/analytics/query-regex";
import type { Dimension, Filter, FilterLeaf, OffsetPieces } from "../../models/analytics/query-spec";
import { VISIT_DIMENSIONS } from "../../models/analytics/query-spec";

/** Bound parameters, numbered in order; ?1 is the site, ?2 and ?3 the period. Equal values share a number. */
export class Params {
  readonly values: (string | number)[] = [];
  add(value: string | number): string {
    const at = this.values.indexOf(value);
    if (at >= 0) return `?${at + 1}`;
    this.values.push(value);
    return `?${this.values.length}`;
  }
}

/** The value shown for a missing dimension value (no campaign term, no country, no property). */
export const NONE = "(none)";

/** SQLite counts a condition as 0/1; CASE keeps the SQL portable to the DuckDB baseline. */
export const countIf = (condition: string) => `sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

/** Joins a query needs beyond `events e`. */
export interface Joins {
  session: boolean;
  /** sx: per-session page view and interaction counts and exit page, within the period. */
  sessionStats: boolean;
  /** li: the item lines of events that name no item_id (an event about several courses counts for each). */
  items: boolean;
  /** lsx: every segment of the learner (plain `segment` as a dimension). */
  segments: boolean;
}

export interface SqlContext {
  params: Params;
  offsets: OffsetPieces;
  joins: Joins;
}

/** The learner: the user when known (from the event, its session or identify), else the visitor. */
const LEARNER =
  "coalesce(e.user_id, s.user_id, (SELECT i.user_id FROM identities i WHERE i.site_id = ?1 " +
  "AND i.visitor_id = e.visitor_id), e.visitor_id)";

const ITEM_ID = "CAST(json_extract(e.props, '$.item_id') AS TEXT)";
const LINE_ID = (alias: string) => `CAST(json_extract(${alias}.value, '$.id') AS TEXT)`;

/** The instant in local time (ms), from the offset pieces. */
export function localMs(ctx: SqlContext, column = "e.ts"): string {
  const { boundaries, offsets } = ctx.offsets;
  if (boundaries.length === 0) return `(${column} + CAST(${ctx.params.add(offsets[0]!)} AS INTEGER))`;
  const cases = boundaries.map((b, i) => `WHEN ${column} < ${ctx.params.add(b)} THEN ${ctx.params.add(offsets[i]!)}`);
  return `(${column} + CAST(CASE ${cases.join(" ")} ELSE ${ctx.params.add(offsets.at(-1)!)} END AS INTEGER))`;
}

/** A property's value as text: booleans as "true"/"false", numbers as SQLite prints them. */
function propValue(ctx: SqlContext, key: string): string {
  const path = ctx.params.add(`$."${key}"`);
  return (
    `CASE json_type(e.props, ${path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ` +
    `ELSE CAST(json_extract(e.props, ${path}) AS TEXT) END`
  );
}

/** A dimension's value in one row (for multi-valued ones, the joined value: see `Joins`). */
export function dimensionSql(d: Dimension, ctx: SqlContext): string {
  switch (d.kind) {
    case "visit": {
      const column = VISIT_DIMENSIONS[d.name];
      return `coalesce(${column === null ? "sx.exit_page" : `s.${column}`}, '${NONE}')`;
    }
    case "event":
      if (d.name === "event:page") return `coalesce(e.path, '${NONE}')`;
      if (d.name === "event:name") return "coalesce(e.name, e.type)";
      return `coalesce(${ITEM_ID}, ${LINE_ID("li")}, '${NONE}')`;
    case "prop":
      return `coalesce(${propValue(ctx, d.key)}, '${NONE}')`;
    case "segment":
      if (d.segmentKind === null) return `coalesce(lsx.segment, '${NONE}')`;
      return (
        `coalesce((SELECT ls.segment FROM learner_segments ls WHERE ls.site_id = ?1 AND ls.segment_kind = ` +
        `${ctx.params.add(d.segmentKind)} AND ls.learner_id = ${LEARNER}), '${NONE}')`
      );
    case "time": {
      const local = localMs(ctx);
      if (d.unit === "hour") return `(${local} / 3600000)`;
      if (d.unit === "day") return `(${local} / 86400000)`;
      if (d.unit === "week") return `((${local} / 86400000 + 3) / 7)`;
      return `strftime('%Y-%m-01', ${local} / 1000, 'unixepoch')`;
    }
  }
}

/** A leaf's test of one value expression (negation applied by the caller). */
function leafTest(leaf: FilterLeaf, value: string, ctx: SqlContext): string {
  const values = leaf.op === "matches" ? leaf.globs : leaf.values;
  const one = values.length === 1 ? ctx.params.add(values[0]!) : null;
  const list = one ?? ctx.params.add(JSON.stringify(values));
  switch (leaf.op) {
    case "is":
      return one ? `${value} = ${one}` : `${value} IN (SELECT value FROM json_each(${list}))`;
    case "contains":
      return one
        ? `instr(${value}, ${one}) > 0`
        : `EXISTS (SELECT 1 FROM json_each(${list}) WHERE instr(${value}, value) > 0)`;
    case "matches":
      return one ? `${value} GLOB ${one}` : `EXISTS (SELECT 1 FROM json_each(${list}) WHERE ${value} GLOB value)`;
  }
}

/** Whether the leaf holds for the missing value "(none)": decided here, so SQL needs no extra test. */
const holdsForNone = (leaf: FilterLeaf) => filterPasses({ ...leaf, negate: false }, () => NONE);

/**
 * A multi-valued dimension tested without its join (it is not grouped by): the leaf holds when any
 * of the event's items, or the learner's segments, passes; "(none)" when there is none.
 */
function anyValueTest(leaf: FilterLeaf, ctx: SqlContext): string {
  const none = holdsForNone(leaf);
  if (leaf.dimension.kind === "segment") {
    const where = "ls.site_id = ?1 AND ls.learner_id = " + LEARNER;
    const any = `EXISTS (SELECT 1 FROM learner_segments ls WHERE ${where} AND ${leafTest(leaf, "ls.segment", ctx)})`;
    return none ? `(${any} OR NOT EXISTS (SELECT 1 FROM learner_segments ls WHERE ${where}))` : any;
  }
  const line = `EXISTS (SELECT 1 FROM json_each(e.items) lj WHERE ${leafTest(leaf, LINE_ID("lj"), ctx)})`;
  return (
    `(CASE WHEN json_extract(e.props, '$.item_id') IS NOT NULL THEN ${leafTest(leaf, ITEM_ID, ctx)} ` +
    `WHEN json_array_length(e.items) > 0 THEN ${line} ELSE ${none ? 1 : 0} END)`
  );
}

function isJoinedMultiValue(d: Dimension, joins: Joins): boolean {
  if (d.kind === "event" && d.name === "event:item") return joins.items;
  if (d.kind === "segment" && d.segmentKind === null) return joins.segments;
  return true;
}

/** A filter tree as a WHERE condition. */
export function filterSql(filter: Filter, ctx: SqlContext): string {
  switch (filter.op) {
    case "and":
    case "or":
      return `(${filter.children.map((f) => filterSql(f, ctx)).join(` ${filter.op.toUpperCase()} `)})`;
    case "not":
      return `NOT ${filterSql(filter.child, ctx)}`;
    default: {
      const leaf: FilterLeaf = filter;
      const test = isJoinedMultiValue(leaf.dimension, ctx.joins)
        ? leafTest(leaf, dimensionSql(leaf.dimension, ctx), ctx)
        : anyValueTest(leaf, ctx);
      return leaf.negate ? `NOT (${test})` : `(${test})`;
    }
  }
}

/**
 * Net purchase revenue of an event row in minor units of the site's currency, or NULL when it is
 * not a purchase or its currency has no rate. Net: refunds of the order subtracted (a refund
 * without an amount refunds all), as the rollup counts it. An item line gets its share of the
 * order by list price (equal shares without prices), as commissions split it.
 */
export function revenueSql(ctx: SqlContext, currency: string, factors: Record<string, number>): string {
  const cur = ctx.params.add(currency);
  const refunded =
    "coalesce((SELECT sum(coalesce(r.revenue_minor, e.revenue_minor)) FROM events r WHERE r.site_id = ?1 " +
    "AND r.order_id = e.order_id AND r.type = 'refund'), 0)";
  const fx =
    `(SELECT f.rate FROM fx_rates f WHERE f.site_id = ?1 AND f.currency = e.currency ` +
    `AND f.date <= date(${localMs(ctx)} / 1000, 'unixepoch') ORDER BY f.date DESC LIMIT 1)`;
  const factor = `coalesce(json_extract(${ctx.params.add(JSON.stringify(factors))}, '$.' || e.currency), 1)`;
  const lineWeight = (a: string) =>
    `coalesce(json_extract(${a}.value, '$.price'), 0) * coalesce(json_extract(${a}.value, '$.quantity'), 1)`;
  const share = ctx.joins.items
    ? ` * (CASE WHEN li.value IS NULL THEN 1.0 ELSE coalesce(${lineWeight("li")} * 1.0 / nullif((SELECT ` +
      `sum(${lineWeight("x")}) FROM json_each(e.items) x), 0), 1.0 / json_array_length(e.items)) END)`
    : "";
  return (
    `(CASE WHEN ${PURCHASE} THEN max(0, e.revenue_minor - ${refunded}) * ` +
    `(CASE WHEN e.currency = ${cur} THEN 1 ELSE ${fx} * ${factor} END)${share} END)`
  );
}

/** A purchase that counts: browser purchases superseded by the server's report of the order do not. */
export const PURCHASE = "e.type = 'purchase' AND e.superseded = 0";
