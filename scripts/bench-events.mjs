// A deterministic 1,000,000-event history for the analytics benchmarks, as SQL that writes it in
// place (D1 and SQLite through a recursive CTE, DuckDB through range()): the same rows in every
// engine, with no data crossing from Node. 250,000 sessions of 4 events over 12 weeks (one site,
// UTC): 62,500 visitors, each back in 3 later sessions one to four weeks on; a session lands on the
// home page, a blog post or a course, may see /pricing, add to cart or start a lesson, and 1 in 15
// buys (199 CNY). Only + - * % and integer division, so every engine computes the same values.

export const BENCH_SESSIONS = 250_000;
export const EVENTS_PER_SESSION = 4;
export const BENCH_EVENTS = BENCH_SESSIONS * EVENTS_PER_SESSION;
export const BENCH_WEEKS = 12;
const DAY = 86_400_000;
/** Milliseconds between session starts: 12 weeks spread over the sessions. */
export const SESSION_STEP_MS = Math.floor((BENCH_WEEKS * 7 * DAY) / BENCH_SESSIONS);
const VISITORS = BENCH_SESSIONS / 4;
/** About a week of new visitors, in visitor numbers: returns come 1 to 4 weeks after a first visit. */
const WEEK_OF_VISITORS = Math.round(VISITORS / (BENCH_WEEKS * 7)) * 7;

/** Integer division in the dialect: SQLite's / on integers, DuckDB's //. */
const div = (dialect, a, b) => (dialect === "duckdb" ? `((${a}) // (${b}))` : `((${a}) / (${b}))`);

/** Rows n = ?3 .. ?4 - 1 in the dialect (SQLite: recursive CTE; DuckDB: range()). */
function numbers(dialect, name) {
  return dialect === "duckdb" ? `(SELECT range AS ${name} FROM range($3, $4)) AS numbers` : `numbers`;
}
const withNumbers = (dialect, name) =>
  dialect === "duckdb"
    ? ""
    : `WITH RECURSIVE numbers(${name}) AS (SELECT CAST(?3 AS INTEGER) UNION ALL SELECT ${name} + 1 FROM numbers WHERE ${name} < ?4 - 1) `;

/** The visitor of session `s`: a new one every 4th session, else one who first came 1-4 weeks earlier. */
const visitorOf = (dialect, s) =>
  `'v' || ((${div(dialect, s, 4)} - (${s} % 4) * (${WEEK_OF_VISITORS} + (${s} % 13) * 400) + ${4 * VISITORS}) % ${VISITORS})`;
const channelOf = (s) =>
  `CASE ${s} % 6 WHEN 0 THEN 'Organic Search' WHEN 1 THEN 'Paid Search' WHEN 2 THEN 'Organic Social' ` +
  `WHEN 3 THEN 'Email' WHEN 4 THEN 'Direct' ELSE 'Paid Social' END`;
/** Parameter i; numbers are cast, as a driver may bind a JS number as REAL (then / would not divide whole). */
const p = (dialect, i) => (dialect === "duckdb" ? `$${i}` : i === 1 ? "?1" : `CAST(?${i} AS INTEGER)`);

/**
 * Sessions [from, to) of the history: bind (site id, start ms, from, to). Insert in slices (D1
 * runs one statement at a time; 50,000 rows keeps each one short).
 */
export function insertSessionsSql(dialect) {
  const s = "s";
  return (
    `${withNumbers(dialect, s)}INSERT INTO sessions (site_id, id, visitor_id, started_at, last_seen_at, source, medium, ` +
    "campaign, channel, device, pageviews, events, engaged_ms) " +
    `SELECT ${p(dialect, 1)}, 's' || ${s}, ${visitorOf(dialect, s)}, ${p(dialect, 2)} + ${s} * ${SESSION_STEP_MS}, ` +
    `${p(dialect, 2)} + ${s} * ${SESSION_STEP_MS} + 180000, 'src', 'medium', 'campaign', ${channelOf(s)}, 'mobile', 3, 4, 30000 ` +
    `FROM ${numbers(dialect, s)}`
  );
}

/** Events [from, to) (4 per session): bind (site id, start ms, from, to). */
export function insertEventsSql(dialect) {
  const j = "j";
  const s = div(dialect, j, 4);
  const k = `(${j} % 4)`;
  const type =
    `CASE ${k} WHEN 0 THEN 'pageview' WHEN 1 THEN 'pageview' ` +
    `WHEN 2 THEN (CASE WHEN ${s} % 5 <= 1 THEN 'custom' ELSE 'engagement' END) ` +
    `ELSE (CASE WHEN ${s} % 15 = 0 THEN 'purchase' ELSE 'pageview' END) END`;
  const name = `CASE WHEN ${k} = 2 AND ${s} % 5 = 0 THEN 'add_to_cart' WHEN ${k} = 2 AND ${s} % 5 = 1 THEN 'lesson_start' END`;
  const path =
    `CASE ${k} WHEN 0 THEN (CASE ${s} % 4 WHEN 0 THEN '/' WHEN 1 THEN '/blog/p' || (${s} % 50) ELSE '/courses/c' || (${s} % 20) END) ` +
    `WHEN 1 THEN (CASE ${s} % 3 WHEN 0 THEN '/pricing' WHEN 1 THEN '/courses/c' || (${s} % 20) ELSE '/about' END) ` +
    `WHEN 3 THEN (CASE WHEN ${s} % 15 = 0 THEN '/checkout' ELSE '/account' END) ELSE '/courses/c' || (${s} % 20) END`;
  const buys = `${k} = 3 AND ${s} % 15 = 0`;
  return (
    `${withNumbers(dialect, j)}INSERT INTO events (site_id, id, type, name, ts, received_at, origin, session_id, visitor_id, ` +
    "path, source, medium, campaign, channel, device, engaged_ms, revenue_minor, currency, order_id, superseded) " +
    `SELECT ${p(dialect, 1)}, 'e' || ${j}, ${type}, ${name}, ${p(dialect, 2)} + ${s} * ${SESSION_STEP_MS} + ${k} * 60000, ` +
    `${p(dialect, 2)} + ${s} * ${SESSION_STEP_MS} + ${k} * 60000, 'server', 's' || ${s}, ${visitorOf(dialect, s)}, ${path}, ` +
    `'src', 'medium', 'campaign', ${channelOf(s)}, 'mobile', CASE WHEN ${k} = 2 AND ${s} % 5 > 1 THEN 30000 END, ` +
    `CASE WHEN ${buys} THEN 19900 END, CASE WHEN ${buys} THEN 'CNY' END, CASE WHEN ${buys} THEN 'o' || ${s} END, 0 ` +
    `FROM ${numbers(dialect, j)}`
  );
}

/** The columns DuckDB needs (its own schema: no SQLite migrations there). */
export const DUCKDB_SCHEMA = [
  "CREATE TABLE sessions (site_id VARCHAR, id VARCHAR, visitor_id VARCHAR, started_at BIGINT, last_seen_at BIGINT, " +
    "source VARCHAR, medium VARCHAR, campaign VARCHAR, channel VARCHAR, device VARCHAR, pageviews INTEGER, events INTEGER, engaged_ms INTEGER)",
  "CREATE TABLE events (site_id VARCHAR, id VARCHAR, type VARCHAR, name VARCHAR, ts BIGINT, received_at BIGINT, origin VARCHAR, " +
    "session_id VARCHAR, visitor_id VARCHAR, path VARCHAR, source VARCHAR, medium VARCHAR, campaign VARCHAR, channel VARCHAR, " +
    "device VARCHAR, engaged_ms INTEGER, revenue_minor BIGINT, currency VARCHAR, order_id VARCHAR, superseded INTEGER)",
];

/** Slices of [0, total) of at most `size`, for inserting a piece per statement. */
export function slices(total, size = 50_000) {
  const out = [];
  for (let from = 0; from < total; from += size) out.push([from, Math.min(total, from + size)]);
  return out;
}

/** The first Monday (UTC) of the 12 whole weeks before the current one: the history's start. */
export function historyStart(now = Date.now()) {
  const today = Math.floor(now / DAY) * DAY;
  const weekday = (new Date(today).getUTCDay() + 6) % 7; // Monday 0
  return today - (weekday + BENCH_WEEKS * 7) * DAY;
}
