// The better-sqlite3 side of scripts/bench-funnels.mjs: reads a spec on stdin (setup statements,
// timed queries), builds the real schema from the migrations, runs the setup, times each query
// `runs` times and prints the median and the rows. Runs under the Node that installed
// better-sqlite3 (its native addon is built for that Node's ABI).
const Database = require("better-sqlite3");
const { readFileSync, readdirSync } = require("node:fs");
const { resolve } = require("node:path");

const spec = JSON.parse(readFileSync(0, "utf8"));
const db = new Database(":memory:");
const dir = resolve(spec.root, "schema/migrations");
for (const f of readdirSync(dir)
  .filter((f) => f.endsWith(".sql"))
  .sort()) {
  for (const s of readFileSync(resolve(dir, f), "utf8").split("--> statement-breakpoint")) if (s.trim()) db.exec(s);
}
/** better-sqlite3 binds ?NNN by position only: each numbered use becomes a plain ? with its value. */
function plain(sql, params) {
  const values = [];
  return { sql: sql.replace(/\?(\d+)/g, (_, n) => (values.push(params[Number(n) - 1]), "?")), values };
}
for (const step of spec.setup) {
  const { sql, values } = plain(step.sql, step.params);
  db.prepare(sql).run(...values);
}
const out = {};
for (const [name, { sql, params }] of Object.entries(spec.timed)) {
  const statement = db.prepare(sql);
  const ms = [];
  let rows;
  for (let i = 0; i < spec.runs; i++) {
    const t = process.hrtime.bigint();
    rows = statement.all(...params);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  out[name] = { ms: ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)], rows };
}
process.stdout.write(JSON.stringify(out));
