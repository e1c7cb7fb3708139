// Benchmarks for the behaviour analyses, printed by `npm run bench`: a 4-step funnel and a
// 12-week retention matrix over 1,000,000 events (scripts/bench-events.mjs) in local D1, asked of
// the built edge Worker through its API, beside the same computation written as one SQL query and
// run directly on better-sqlite3 (the same SQLite engine D1 uses, same schema and indexes) and on
// DuckDB (a columnar engine). The Worker's answers are checked against the SQL's.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  BENCH_EVENTS,
  BENCH_SESSIONS,
  BENCH_WEEKS,
  DUCKDB_SCHEMA,
  historyStart,
  insertEventsSql,
  insertSessionsSql,
  slices,
} from "./bench-events.mjs";
import { root } from "./local-env.mjs";
import { startBuiltWorkers } from "./run-bundle.mjs";

const DAY = 86_400_000;
const RUNS = 3;
const WINDOW_MS = DAY;
const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const div = (dialect, a, b) => (dialect === "duckdb" ? `((${a}) // (${b}))` : `((${a}) / (${b}))`);

/** The funnel asked of the Worker: course page, /pricing, add_to_cart, purchase, within a day, in order. */
const FUNNEL_STEPS = [
  { kind: "page", path: "/courses/*" },
  { kind: "page", path: "/pricing" },
  { kind: "event", event_name: "add_to_cart" },
  { kind: "purchase" },
];

/**
 * The same funnel as SQL: every step-1 event starts an attempt; each next step is the earliest
 * matching event after the previous one, within the window of step 1 (the models' greedy match);
 * a visitor reaches step k when any attempt does. Binds (site, from, to, window x3).
 */
const FUNNEL_SQL = `
WITH ev AS MATERIALIZED (
  SELECT visitor_id AS v, ts,
    CASE WHEN type = 'pageview' AND substr(path, 1, 9) = '/courses/' THEN 1 ELSE 0 END AS s1,
    CASE WHEN type = 'pageview' AND path = '/pricing' THEN 1 ELSE 0 END AS s2,
    CASE WHEN name = 'add_to_cart' THEN 1 ELSE 0 END AS s3,
    CASE WHEN type = 'purchase' THEN 1 ELSE 0 END AS s4
  FROM events WHERE site_id = ? AND ts >= ? AND ts < ? AND superseded = 0
    AND ((type = 'pageview' AND (substr(path, 1, 9) = '/courses/' OR path = '/pricing')) OR name = 'add_to_cart' OR type = 'purchase')
),
a1 AS MATERIALIZED (SELECT v, ts AS t1 FROM ev WHERE s1 = 1),
a2 AS MATERIALIZED (SELECT a.v, a.t1, min(e.ts) AS t2 FROM a1 a JOIN ev e ON e.v = a.v AND e.s2 = 1 AND e.ts > a.t1 AND e.ts <= a.t1 + ? GROUP BY a.v, a.t1),
a3 AS MATERIALIZED (SELECT a.v, a.t1, min(e.ts) AS t3 FROM a2 a JOIN ev e ON e.v = a.v AND e.s3 = 1 AND e.ts > a.t2 AND e.ts <= a.t1 + ? GROUP BY a.v, a.t1),
a4 AS (SELECT a.v FROM a3 a JOIN ev e ON e.v = a.v AND e.s4 = 1 AND e.ts > a.t3 AND e.ts <= a.t1 + ?)
SELECT (SELECT count(DISTINCT v) FROM a1) AS n1, (SELECT count(DISTINCT v) FROM a2) AS n2,
       (SELECT count(DISTINCT v) FROM a3) AS n3, (SELECT count(DISTINCT v) FROM a4) AS n4`;

/**
 * Weekly retention as SQL: cohorts by the Monday week (UTC) of each visitor's first session ever,
 * returns by sessions and purchases (a purchase is activity, in the week it happened), revenue by
 * purchases, per (cohort week, offset). Binds (site, to, from) x3.
 */
const retentionSql = (d) => {
  const week = (ms) => div(d, `${div(d, ms, DAY)} + 3`, 7);
  return `
WITH c AS MATERIALIZED (
  SELECT v, ${week("f")} AS cw FROM (SELECT visitor_id AS v, min(started_at) AS f FROM sessions WHERE site_id = ? AND started_at < ? GROUP BY visitor_id) WHERE f >= ?
),
rev AS MATERIALIZED (SELECT visitor_id AS v, ${week("ts")} AS w, revenue_minor AS r FROM events WHERE site_id = ? AND ts < ? AND ts >= ? AND type = 'purchase' AND superseded = 0),
act AS (SELECT visitor_id AS v, ${week("started_at")} AS w FROM sessions WHERE site_id = ? AND started_at < ? AND started_at >= ?
        UNION SELECT v, w FROM rev)
SELECT 'size' AS m, cw, 0 AS k, count(*) AS n FROM c GROUP BY cw
UNION ALL SELECT 'back', c.cw, a.w - c.cw, count(DISTINCT c.v) FROM c JOIN act a ON a.v = c.v AND a.w >= c.cw GROUP BY c.cw, a.w - c.cw
UNION ALL SELECT 'revenue', c.cw, r.w - c.cw, sum(r.r) FROM c JOIN rev r ON r.v = c.v AND r.w >= c.cw GROUP BY c.cw, r.w - c.cw`;
};

const funnelParams = (site, range) => [site, range.from, range.to, WINDOW_MS, WINDOW_MS, WINDOW_MS];
const retentionParams = (site, range) => [
  site,
  range.to,
  range.from,
  site,
  range.to,
  range.from,
  site,
  range.to,
  range.from,
];

/** SQL rows as the API's matrix: per cohort week in order, its size, returning and revenue per offset. */
function matrixOf(rows) {
  const cohorts = new Map();
  for (const { m, cw, k, n } of rows) {
    const c = cohorts.get(Number(cw)) ?? {
      size: 0,
      returning: Array(BENCH_WEEKS).fill(0),
      revenue: Array(BENCH_WEEKS).fill(0),
    };
    if (m === "size") c.size = Number(n);
    else if (Number(k) < BENCH_WEEKS) c[m === "back" ? "returning" : "revenue"][Number(k)] = Number(n);
    cohorts.set(Number(cw), c);
  }
  return [...cohorts.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
}

/** The Worker's matrix in the same shape (unobservable cells as 0, revenue back in minor units). */
const workerMatrix = (body) =>
  body.cohorts.map((c) => ({
    size: c.size,
    returning: c.returning.map((n) => n ?? 0),
    revenue: c.revenue.map((r) => Math.round((r ?? 0) * 100)),
  }));

async function workerRun(start, range, days) {
  const admin = "bench-admin";
  const { mf, url } = await startBuiltWorkers({ root, adminToken: admin, recommend: "stub" });
  const call = async (path, body, token = admin) => {
    const res = await mf.dispatchFetch(new URL(path, url), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const site = await call("/api/v1/sites", { name: "Bench", domain: "bench.example.com", currency: "CNY" });
  const key = (await call(`/api/v1/sites/${site.id}/keys`, { name: "r", scopes: ["read"] })).key;
  const db = await mf.getD1Database("DB");
  for (const [from, to] of slices(BENCH_SESSIONS))
    await db.prepare(insertSessionsSql("sqlite")).bind(site.id, start, from, to).run();
  for (const [from, to] of slices(BENCH_EVENTS))
    await db.prepare(insertEventsSql("sqlite")).bind(site.id, start, from, to).run();

  const timed = async (path, body) => {
    const ms = [];
    let out;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      out = await call(path, body, key);
      ms.push(performance.now() - t);
    }
    return { ms: median(ms), body: out };
  };
  const funnel = await timed("/api/v1/funnels", {
    steps: FUNNEL_STEPS,
    window: { value: 1, unit: "day" },
    order: "sequential",
    date_range: days,
  });
  const retention = await timed("/api/v1/retention", {
    cohort: "first_visit",
    period: "week",
    return: "any",
    date_range: days,
  });
  await mf.dispose();
  return { siteId: site.id, funnel, retention };
}

/** better-sqlite3 runs under the Node that built its addon (npm's), in a child process. */
function sqliteRun(siteId, start, range) {
  const node = process.env.npm_node_execpath ?? "node";
  const spec = {
    root,
    setup: [
      ...slices(BENCH_SESSIONS).map(([from, to]) => ({
        sql: insertSessionsSql("sqlite"),
        params: [siteId, start, from, to],
      })),
      ...slices(BENCH_EVENTS).map(([from, to]) => ({
        sql: insertEventsSql("sqlite"),
        params: [siteId, start, from, to],
      })),
    ],
    timed: {
      funnel: { sql: FUNNEL_SQL, params: funnelParams(siteId, range) },
      retention: { sql: retentionSql("sqlite"), params: retentionParams(siteId, range) },
    },
    runs: RUNS,
  };
  const out = execFileSync(node, [resolve(root, "scripts/bench-funnels-sqlite.cjs")], {
    input: JSON.stringify(spec),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out);
}

async function duckdbRun(siteId, start, range) {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  for (const sql of DUCKDB_SCHEMA) await conn.run(sql);
  await conn.run(insertSessionsSql("duckdb"), [siteId, start, 0, BENCH_SESSIONS]);
  await conn.run(insertEventsSql("duckdb"), [siteId, start, 0, BENCH_EVENTS]);
  const timed = async (sql, params) => {
    const ms = [];
    let rows;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      rows = (await conn.runAndReadAll(sql, params)).getRowObjectsJS();
      ms.push(performance.now() - t);
    }
    return { ms: median(ms), rows };
  };
  const funnel = await timed(FUNNEL_SQL, funnelParams(siteId, range));
  const retention = await timed(retentionSql("duckdb"), retentionParams(siteId, range));
  conn.closeSync();
  instance.closeSync();
  return { funnel, retention };
}

const counts = (row) => [row.n1, row.n2, row.n3, row.n4].map(Number);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

export async function benchFunnels() {
  const start = historyStart();
  const range = { from: start, to: start + BENCH_WEEKS * 7 * DAY };
  const days = { from: utcDay(range.from), to: utcDay(range.to - DAY) };
  const worker = await workerRun(start, range, days);
  const sqlite = sqliteRun(worker.siteId, start, range);
  const duck = await duckdbRun(worker.siteId, start, range);

  const workerSteps = worker.funnel.body.steps.map((s) => s.visitors);
  const workerCohorts = workerMatrix(worker.retention.body);
  const agree = {
    funnel: same(workerSteps, counts(sqlite.funnel.rows[0])) && same(workerSteps, counts(duck.funnel.rows[0])),
    retention:
      same(workerCohorts, matrixOf(sqlite.retention.rows)) && same(workerCohorts, matrixOf(duck.retention.rows)),
  };
  if (!agree.funnel || !agree.retention)
    console.error("bench-funnels: the Worker and the SQL disagree", {
      workerSteps,
      sqlite: sqlite.funnel.rows[0],
      duckdb: duck.funnel.rows[0],
      workerCohorts: workerCohorts.slice(0, 2),
      sqliteCohorts: matrixOf(sqlite.retention.rows).slice(0, 2),
    });
  return {
    events: BENCH_EVENTS,
    funnel: {
      steps: workerSteps,
      rowsRead: worker.funnel.body.events_read,
      workerMs: worker.funnel.ms,
      sqliteMs: sqlite.funnel.ms,
      duckdbMs: duck.funnel.ms,
    },
    retention: {
      cohorts: workerCohorts.length,
      rowsRead: worker.retention.body.rows_read,
      workerMs: worker.retention.ms,
      sqliteMs: sqlite.retention.ms,
      duckdbMs: duck.retention.ms,
    },
    agree,
  };
}

// `node scripts/bench-funnels.mjs` runs these rows alone (after `npm run build`).
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchFunnels(), null, 2));
