// The query benchmark's better-sqlite3 side (scripts/bench-query.mjs): the same migrations and
// generating statements as D1, the same compiled query timed, and the rows written as CSV for
// DuckDB. Runs under the Node that installed better-sqlite3 (its native addon is built for that ABI).
const Database = require("better-sqlite3");
const { createWriteStream, readFileSync, readdirSync } = require("node:fs");
const { resolve } = require("node:path");

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const db = new Database(":memory:");
const migrations = resolve(job.root, "schema/migrations");
for (const f of readdirSync(migrations)
  .filter((f) => f.endsWith(".sql"))
  .sort()) {
  for (const s of readFileSync(resolve(migrations, f), "utf8").split("--> statement-breakpoint"))
    if (s.trim()) db.exec(s);
}

/**
 * D1 numbers parameters ?1..?n and may use one twice; better-sqlite3 binds arrays only to plain `?`.
 * Each ?n becomes a `?` bound to the n-th value, which SQLite evaluates the same way.
 */
function positional(sql, params) {
  const values = [];
  const text = sql.replace(/\?(\d+)/g, (_, n) => {
    values.push(params[Number(n) - 1]);
    return "?";
  });
  return [text, values];
}

let t = process.hrtime.bigint();
for (const [sql, params] of job.statements) {
  const [text, values] = positional(sql, params);
  db.prepare(text).run(...values);
}
const seedMs = Number(process.hrtime.bigint() - t) / 1e6;

const [querySql, queryParams] = positional(job.sql, job.params);
const query = db.prepare(querySql);
query.all(...queryParams); // warm-up, as for D1 and DuckDB
const times = [];
let rows;
for (let i = 0; i < job.runs; i++) {
  t = process.hrtime.bigint();
  rows = query.all(...queryParams);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
times.sort((a, b) => a - b);

/** Writes a table's columns as CSV (values here never hold commas, quotes or newlines but the JSON-free text we generated). */
async function csv(file, sql, columns) {
  const out = createWriteStream(resolve(job.dir, file));
  out.write(columns.join(",") + "\n");
  let buffer = "";
  for (const row of db.prepare(sql).iterate()) {
    buffer += columns.map((c) => (row[c] === null ? "" : String(row[c]))).join(",") + "\n";
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise((r) => out.once("drain", r));
      buffer = "";
    }
  }
  out.write(buffer);
  await new Promise((r) => out.end(r));
}

(async () => {
  const sessionColumns = [
    "site_id",
    "id",
    "visitor_id",
    "user_id",
    "started_at",
    "last_seen_at",
    "source",
    "medium",
    "campaign",
    "channel",
    "device",
  ];
  const eventColumns = [
    "site_id",
    "id",
    "type",
    "name",
    "ts",
    "session_id",
    "visitor_id",
    "user_id",
    "path",
    "engaged_ms",
    "revenue_minor",
    "currency",
    "order_id",
    "superseded",
  ];
  await csv("sessions.csv", `SELECT ${sessionColumns.join(", ")} FROM sessions`, sessionColumns);
  await csv("events.csv", `SELECT ${eventColumns.join(", ")} FROM events`, eventColumns);
  process.stdout.write(JSON.stringify({ ms: times[Math.floor(times.length / 2)], seedMs, rows }));
})();
