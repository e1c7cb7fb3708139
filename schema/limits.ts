// Platform limits, named once. Every bulk statement is built to stay inside them (test/limits.test.ts).

/** D1: bound parameters per statement. */
export const D1_MAX_BOUND_PARAMS = 100;
/** D1: bytes per SQL statement. */
export const D1_MAX_STATEMENT_BYTES = 100_000;
/**
 * Bulk writes bind one JSON array and expand it with json_each(), so a statement holds a few
 * parameters whatever its row count. The JSON is kept under this many bytes, which leaves room
 * for the SQL text inside D1_MAX_STATEMENT_BYTES.
 */
export const JSON_PARAM_BUDGET_BYTES = 80_000;

/** Queues: bytes per message, per sendBatch, and messages per sendBatch. */
export const QUEUE_MAX_MESSAGE_BYTES = 128_000;
export const QUEUE_MAX_BATCH_BYTES = 256_000;
export const QUEUE_MAX_BATCH_MESSAGES = 100;

/** Capture: one event, serialised, never exceeds this (so any single row fits a statement). */
export const MAX_EVENT_BYTES = 16_000;

const encoder = new TextEncoder();
export const byteLength = (text: string): number => encoder.encode(text).byteLength;

/**
 * Splits items into groups whose JSON array stays under `budget` bytes and `maxItems` items.
 * An item larger than the budget on its own is an error: callers cap item size before this.
 */
export function chunkByJsonBytes<T>(items: readonly T[], budget: number, maxItems = Infinity): T[][] {
  // The common case on the capture path (a batch that fits one chunk) serialises once: the loop
  // below would count the whole array plus one trailing comma.
  if (items.length > 0 && items.length <= maxItems && byteLength(JSON.stringify(items)) + 1 <= budget) {
    return [items.slice()];
  }
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 2; // "[]"
  for (const item of items) {
    const itemBytes = byteLength(JSON.stringify(item)) + 1; // + comma
    if (itemBytes + 2 > budget) throw new Error(`An item of ${itemBytes} bytes exceeds the ${budget}-byte budget.`);
    if (current.length > 0 && (size + itemBytes > budget || current.length >= maxItems)) {
      chunks.push(current);
      current = [];
      size = 2;
    }
    current.push(item);
    size += itemBytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Runs a query per JSON chunk of `items` (one json_each parameter each) and joins the rows. */
export async function inChunks<T>(items: readonly unknown[], run: (json: string) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunkByJsonBytes(items, JSON_PARAM_BUDGET_BYTES)) out.push(...(await run(JSON.stringify(chunk))));
  return out;
}

// The query API (POST /api/v1/query): its cost guard. test/workers/query-limits.test.ts compiles the
// largest query these allow and checks it stays inside D1_MAX_BOUND_PARAMS and D1_MAX_STATEMENT_BYTES.
/** Rows per page (Plausible's default page is larger; D1 answers in one response, so pages stay small). */
export const QUERY_MAX_LIMIT = 1000;
export const QUERY_DEFAULT_LIMIT = 100;
/** How far pagination may skip: SQLite reads and drops every skipped row. */
export const QUERY_MAX_OFFSET = 100_000;
/** Rows read to sort by a metric SQL does not compute (cost, roi, roas) or to merge ad spend. */
export const QUERY_MAX_SORT_ROWS = 10_000;
/** Local days in one period (two years); `all` on an older site must name a range. */
export const QUERY_MAX_RANGE_DAYS = 732;
/** Time buckets in one period: 31 days by the hour, two years by the day. */
export const QUERY_MAX_TIME_BUCKETS = 800;
/** Events one query may scan (the period's events, counted with a bounded index scan first). */
export const QUERY_MAX_SCAN_EVENTS = 5_000_000;
export const QUERY_MAX_DIMENSIONS = 4;
/** Filter leaves ([op, dimension, values]) in one query, their values, and how deep and/or/not nest. */
export const QUERY_MAX_FILTER_LEAVES = 20;
export const QUERY_MAX_FILTER_VALUES = 50;
export const QUERY_MAX_FILTER_DEPTH = 6;
/** One filter value (a page path, a campaign, a pattern). */
export const QUERY_MAX_VALUE_LENGTH = 500;

// Behaviour analyses (funnels, retention, journeys, segments) read events into memory: every read
// is paged and capped. A request whose read would pass its cap is refused with a 400 naming the
// date range; the segment cron skips a kind past its cap and says so in the kind's report.

/**
 * Local days one report (/api/v1/reports/*, /api/v1/seo/*) may span: two years, as the query API.
 * Reports read daily rollups, and /overview reads the period before as well.
 */
export const REPORT_MAX_DAYS = 732;
/** Local days one funnel, retention or journey request may span. */
export const MAX_ANALYSIS_DAYS = 366;
/** Rows (events, sessions, cohort members) one analysis request reads at most. */
export const MAX_ANALYSIS_ROWS = 500_000;
/** Rows per D1 read while paging an analysis. */
export const ANALYSIS_PAGE_ROWS = 20_000;
/** Rows per page of a read of two short columns (learner, time), whose pages each regroup the history. */
export const ANALYSIS_KEY_PAGE_ROWS = 100_000;
/** Rows one segment kind reads per site (orders for RFM, first-week events for the value model, learners for clusters). */
export const MAX_SEGMENT_ROWS = 500_000;
/** Goals a site may define. */
export const MAX_GOALS_PER_SITE = 200;
/** Learners per page of a segment export (JSON or CSV). */
export const MAX_SEGMENT_EXPORT_ROWS = 10_000;

// Heavy work started by hand costs seconds of CPU per site: retraining the models (POST
// /api/v1/models/retrain) and computing segments (POST /api/v1/segments/compute). A site may start
// at most `runs` of a kind in any `minutes`; more answer 429 with Retry-After. The daily crons that
// do the same work are not counted (they run once a day by construction).
export const MANUAL_RUN_LIMITS = {
  retrain: { runs: 4, minutes: 60 },
  segments: { runs: 6, minutes: 60 },
} as const;
