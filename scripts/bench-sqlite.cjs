// Raw storage baseline for the capture benchmark: the same event rows inserted straight into
// SQLite with better-sqlite3, one prepared statement in one transaction. Runs under the Node that
// installed better-sqlite3 (its native addon is built for that Node's ABI).
const Database = require("better-sqlite3");
const { readFileSync, readdirSync } = require("node:fs");
const { resolve } = require("node:path");

const [, , root, countArg] = process.argv;
const count = Number(countArg);
const db = new Database(":memory:");
const dir = resolve(root, "schema/migrations");
for (const f of readdirSync(dir)
  .filter((f) => f.endsWith(".sql"))
  .sort()) {
  for (const s of readFileSync(resolve(dir, f), "utf8").split("--> statement-breakpoint")) if (s.trim()) db.exec(s);
}
const insert = db.prepare(
  "INSERT INTO events (site_id, id, type, ts, received_at, origin, session_id, visitor_id, url, hostname, path, referrer, " +
    "source, medium, campaign, channel, device, browser, os, country) VALUES " +
    "(?, ?, 'pageview', ?, ?, 'browser', ?, ?, ?, 'bench.example.com', ?, ?, 'google', 'organic', '(organic)', 'Organic Search', 'desktop', 'Chrome', 'Linux', 'CN') " +
    "ON CONFLICT (site_id, id) DO NOTHING",
);
const start = process.hrtime.bigint();
db.transaction(() => {
  for (let i = 0; i < count; i++) {
    const now = Date.now();
    insert.run(
      "site_bench",
      `e${i}`,
      now,
      now,
      `s${i % 500}`,
      `v${i % 500}`,
      `https://bench.example.com/p${i % 50}`,
      `/p${i % 50}`,
      "https://www.google.com/",
    );
  }
})();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({ rows: count, seconds, rowsPerSecond: count / seconds }));
