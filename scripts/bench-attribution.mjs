// Benchmarks for attribution and the ROI rollup, printed by `npm run bench`:
// - Markov attribution (exact removal effects) on 10k, 100k and 1M raw paths, beside the linear
//   heuristic on the same paths;
// - one incremental rollup run (the real cron, in workerd) for one hour of new events over a
//   30-day and a 300-day history: the ratio shows the cost follows new events, not history.
import { importTs } from "./import-ts.mjs";
import { root } from "./local-env.mjs";
import { startBuiltWorkers } from "./run-bundle.mjs";

const CHANNELS = [
  "Organic Search",
  "Paid Search",
  "Organic Social",
  "Paid Social",
  "Email",
  "Direct",
  "Referral",
  "Affiliates",
  "AI Assistants",
  "Organic Video",
  "Display",
  "SMS",
];

function syntheticPaths(count, seed = 11) {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const paths = new Array(count);
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(rand() * 5);
    const channels = Array.from({ length }, () => CHANNELS[Math.floor(rand() * rand() * CHANNELS.length)]);
    const converted = rand() < 0.04 + 0.02 * length;
    paths[i] = { channels, conversions: converted ? 1 : 0, value: converted ? 199 : 0, nulls: converted ? 0 : 1 };
  }
  return paths;
}

function loadEngine() {
  return importTs(
    "bench-attribution-engine",
    'export { markovAttribution } from "./models/attribution/markov"; export { heuristicAttribution } from "./models/attribution/heuristics";',
  );
}

export async function benchMarkov() {
  const engine = await loadEngine();
  const rows = [];
  for (const count of [10_000, 100_000, 1_000_000]) {
    const paths = syntheticPaths(count);
    let t = performance.now();
    engine.markovAttribution(paths, 1);
    const markovMs = performance.now() - t;
    t = performance.now();
    engine.heuristicAttribution("linear", paths, { halfLifeDays: 7 });
    const linearMs = performance.now() - t;
    rows.push({ count, markovMs, linearMs });
  }
  return rows;
}

const DAY = 86_400_000;
const SESSIONS_PER_DAY = 400;
const MARGIN = 10 * 60_000;

/** History straight into D1 with recursive CTEs: sessions and 4 events each, 2% ending in a purchase. */
async function seedHistory(db, siteId, days, end) {
  const total = days * SESSIONS_PER_DAY;
  const start = end - days * DAY;
  const channel = (i) =>
    `CASE ${i} % 6 WHEN 0 THEN 'Organic Search' WHEN 1 THEN 'Paid Search' WHEN 2 THEN 'Organic Social' WHEN 3 THEN 'Email' WHEN 4 THEN 'Direct' ELSE 'Paid Social' END`;
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?2 - 1)
       INSERT INTO sessions (site_id, id, visitor_id, started_at, last_seen_at, source, medium, campaign, channel, device, pageviews, events, engaged_ms)
       SELECT ?1, 's' || i, 'v' || (i % (?2 / 3)), ?3 + i * (${DAY} / ${SESSIONS_PER_DAY}), ?3 + i * (${DAY} / ${SESSIONS_PER_DAY}) + 180000,
              'src' || (i % 6), 'medium', 'campaign' || (i % 20), ${channel("i")}, 'mobile', 3, 4, 60000 FROM n`,
    )
    .bind(siteId, total, start)
    .run();
  await db
    .prepare(
      `WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < ?2 * 4 - 1)
       INSERT INTO events (site_id, id, type, ts, received_at, origin, session_id, visitor_id, source, medium, campaign, channel, device,
                           revenue_minor, currency, order_id)
       SELECT ?1, 'e' || j, CASE WHEN j % 4 = 3 AND (j / 4) % 50 = 0 THEN 'purchase' ELSE 'pageview' END,
              ?3 + (j / 4) * (${DAY} / ${SESSIONS_PER_DAY}) + (j % 4) * 60000, ?3 + (j / 4) * (${DAY} / ${SESSIONS_PER_DAY}) + (j % 4) * 60000,
              'server', 's' || (j / 4), 'v' || ((j / 4) % (?2 / 3)), 'src', 'medium', 'campaign', 'Direct', 'mobile',
              CASE WHEN j % 4 = 3 AND (j / 4) % 50 = 0 THEN 19900 END, CASE WHEN j % 4 = 3 AND (j / 4) % 50 = 0 THEN 'CNY' END,
              CASE WHEN j % 4 = 3 AND (j / 4) % 50 = 0 THEN 'o' || (j / 4) END FROM n`,
    )
    .bind(siteId, total, start)
    .run();
  return total * 4;
}

/** One hour of new traffic (same for both histories): new visitors, 4 events per session, 2% buying. */
async function seedNewHour(db, siteId, from) {
  const sessions = Math.round(SESSIONS_PER_DAY / 24) * 4;
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?2 - 1)
       INSERT INTO sessions (site_id, id, visitor_id, started_at, last_seen_at, source, medium, campaign, channel, device, pageviews, events, engaged_ms)
       SELECT ?1, 'ns' || i, 'nv' || i, ?3 + i * (3600000 / ?2), ?3 + i * (3600000 / ?2) + 1000, 'baidu', 'cpc', 'brand', 'Paid Search', 'mobile', 3, 4, 0 FROM n`,
    )
    .bind(siteId, sessions, from)
    .run();
  await db
    .prepare(
      `WITH RECURSIVE n(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM n WHERE j < ?2 * 4 - 1)
       INSERT INTO events (site_id, id, type, ts, received_at, origin, session_id, visitor_id, source, medium, campaign, channel, device, revenue_minor, currency, order_id)
       SELECT ?1, 'ne' || j, CASE WHEN j % 4 = 3 AND (j / 4) % 50 = 0 THEN 'purchase' ELSE 'pageview' END, ?3 + (j / 4) * (3600000 / ?2) + (j % 4) * 100,
              ?3 + (j / 4) * (3600000 / ?2) + (j % 4) * 100, 'server', 'ns' || (j / 4), 'nv' || (j / 4), 'baidu', 'cpc', 'brand', 'Paid Search', 'mobile',
              CASE WHEN j % 4 = 3 AND (j / 4) % 50 = 0 THEN 29900 END, CASE WHEN j % 4 = 3 AND (j / 4) % 50 = 0 THEN 'CNY' END,
              CASE WHEN j % 4 = 3 AND (j / 4) % 50 = 0 THEN 'no' || (j / 4) END FROM n`,
    )
    .bind(siteId, sessions, from)
    .run();
  return sessions * 4;
}

async function rollupRun(historyDays, cron) {
  const admin = "bench-admin";
  const { mf, url } = await startBuiltWorkers({ root, adminToken: admin, recommend: "stub" });
  const res = await mf.dispatchFetch(new URL("/api/v1/sites", url), {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Bench", domain: "bench.example.com", currency: "CNY" }),
  });
  const site = await res.json();
  const db = await mf.getD1Database("DB");
  const now = Date.now();
  const newFrom = now - MARGIN - 3600_000;
  const history = await seedHistory(db, site.id, historyDays, newFrom - 3600_000);
  const fresh = await seedNewHour(db, site.id, newFrom);
  // The history is already rolled up (watermark just before the new hour), the chain already fitted.
  await db
    .prepare(
      "INSERT INTO rollup_state (site_id, watermark, markov_effects, markov_fitted_at, updated_at) VALUES (?1, ?2, '{}', ?3, ?3)",
    )
    .bind(site.id, newFrom - 1, now)
    .run();
  const worker = await mf.getWorker("wayfind");
  const t = performance.now();
  const outcome = await worker.scheduled({ cron, scheduledTime: new Date(now) });
  const ms = performance.now() - t;
  const rows = await db.prepare("SELECT count(*) AS n FROM rollup_daily WHERE site_id = ?1").bind(site.id).first();
  await mf.dispose();
  if (outcome.outcome !== "ok" || rows.n === 0) throw new Error(`rollup bench failed: ${JSON.stringify(outcome)}`);
  return { historyDays, history, fresh, ms };
}

export async function benchRollup() {
  const { ROLLUP_CRON } = await importTs("bench-crons", 'export { ROLLUP_CRON } from "./core/crons";');
  return [await rollupRun(30, ROLLUP_CRON), await rollupRun(300, ROLLUP_CRON)];
}
