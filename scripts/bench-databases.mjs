// Many sites (README "Many sites"): the write rate one D1 database holds against the same writes
// spread over several databases, one per site. A small Worker bound to DATABASES local D1 databases
// (each with the real migrations) writes event rows the way the queue consumer does (a batch of
// ROWS_PER_BATCH inserts, one transaction) from SITES writers at once: all into DB0, or writer i
// into DB<i>. Local D1 is SQLite behind a Durable Object per database, so this shows what a single
// writer per database costs and what sharding buys on this machine, not Cloudflare's figures.
//
//   node scripts/bench-databases.mjs      (after npm run build; part of npm run bench)
import { pathToFileURL } from "node:url";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { root } from "./local-env.mjs";
import { applyMigrations, COMPATIBILITY_DATE } from "./run-bundle.mjs";

export const SITES = 8;
export const ROWS_PER_BATCH = 25; // the queue consumer's max_batch_size
export const BATCHES_PER_SITE = Number(process.env.BENCH_DB_BATCHES ?? 80);

const WRITER = `
const COLUMNS = "site_id, id, type, ts, received_at, origin, session_id, visitor_id, source, medium, campaign, channel, device, path";
export default {
  async fetch(request, env) {
    const { sites, batches, rows, spread, run } = await request.json(); // spread: writer s uses DB<s>
    const t0 = Date.now();
    await Promise.all(Array.from({ length: sites }, async (_, s) => {
      const db = env["DB" + (spread ? s : 0)];
      for (let b = 0; b < batches; b++) {
        const statements = [];
        for (let r = 0; r < rows; r++) {
          const id = run + "-" + b + "-" + r;
          statements.push(db.prepare("INSERT INTO events (" + COLUMNS + ") VALUES (?1, ?2, 'pageview', ?3, ?3, 'browser', ?4, ?5, 'zhihu', 'social', '', 'Organic Social', 'desktop', '/p')")
            .bind("site" + s, id, Date.now(), "sess-" + b, "vis-" + r));
        }
        await db.batch(statements);
      }
    }));
    return Response.json({ ms: Date.now() - t0 });
  },
};`;

/** A workerd process running the writer with `count` databases bound as DB0…; migrations applied. */
async function startWriter(count, name) {
  const d1Databases = Object.fromEntries(Array.from({ length: count }, (_, i) => [`DB${i}`, `${name}-${i}`]));
  const mf = new Miniflare(
    convertV4MiniflareOptions({ modules: true, script: WRITER, compatibilityDate: COMPATIBILITY_DATE, d1Databases }),
  );
  const url = await mf.ready;
  for (const binding of Object.keys(d1Databases)) await applyMigrations(await mf.getD1Database(binding), root);
  const write = async (body) =>
    (
      await mf.dispatchFetch(url, {
        method: "POST",
        body: JSON.stringify({ batches: BATCHES_PER_SITE, rows: ROWS_PER_BATCH, ...body }),
      })
    ).json();
  return { mf, write };
}

export async function benchDatabases() {
  const rows = SITES * BATCHES_PER_SITE * ROWS_PER_BATCH;
  const shared = await startWriter(SITES, "bench-db");
  // Local D1 runs every database of a workerd process on its one thread; D1 in production places
  // databases apart. The third case gives each site's database a workerd process of its own.
  const apart = await Promise.all(Array.from({ length: SITES }, (_, i) => startWriter(1, `bench-apart-${i}`)));
  const rate = (ms) => rows / (ms / 1000);
  const cases = {
    oneDb: async (run) => rate((await shared.write({ sites: SITES, spread: false, run })).ms),
    manyDbs: async (run) => rate((await shared.write({ sites: SITES, spread: true, run })).ms),
    manyProcesses: async (run) => {
      const t0 = performance.now();
      await Promise.all(apart.map((w) => w.write({ sites: 1, spread: false, run })));
      return rate(performance.now() - t0);
    },
  };
  const results = { oneDb: [], manyDbs: [], manyProcesses: [] };
  // Warm each path once, then alternate, so no case always runs on a colder machine.
  for (let i = 0; i < 4; i++) {
    for (const [name, run] of Object.entries(cases)) {
      const r = await run(`${name}-${i}`);
      if (i > 0) results[name].push(r);
    }
  }
  await shared.mf.dispose();
  await Promise.all(apart.map((w) => w.mf.dispose()));
  const median = (xs) => [...xs].sort((a, b) => a - b)[1];
  return {
    sites: SITES,
    rows,
    oneDb: median(results.oneDb),
    manyDbs: median(results.manyDbs),
    manyProcesses: median(results.manyProcesses),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await benchDatabases();
  const fmt = (n) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
  console.log(
    `${r.sites} sites writing ${fmt(r.rows)} event rows in batches of ${ROWS_PER_BATCH}: ` +
      `one database ${fmt(r.oneDb)} rows/s; one database per site, one process ${fmt(r.manyDbs)} rows/s ` +
      `(${(r.manyDbs / r.oneDb).toFixed(2)}x); one database per site, a process each ${fmt(r.manyProcesses)} rows/s ` +
      `(${(r.manyProcesses / r.oneDb).toFixed(2)}x)`,
  );
}
