// `npm run bench`: figures, not tests. Runs the built Workers in workerd (Miniflare's API, local
// D1 and Queues) and prints a table beside a baseline measured in the same run.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { root } from "./local-env.mjs";
import { benchMarkov, benchRollup } from "./bench-attribution.mjs";
import { benchDashboard } from "./bench-dashboard.mjs";
import { benchDatabases } from "./bench-databases.mjs";
import { benchEmail } from "./bench-email.mjs";
import { benchFunnels } from "./bench-funnels.mjs";
import { benchSettlement } from "./bench-partners.mjs";
import { benchQuery } from "./bench-query.mjs";
import { benchRecommendBundle, benchRecommendLatency } from "./bench-recs.mjs";
import { benchAccept, benchSite, cpuMsOf, load, percentile, started, workerdPids } from "./bench-capture.mjs";
import { startBuiltWorkers, startHelloWorker } from "./run-bundle.mjs";

const ADMIN = "bench-admin-token";
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const EVENTS_PER_REQUEST = 10;
const CONCURRENCY = 16;

execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });

/** CPU time (ms) used so far by the workerd processes this script started (null off Linux). */
const workerdCpuMs = () => cpuMsOf(workerdPids());

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * workerd start + the first answered request. The edge's first request is GET /t.js: the capture
 * Worker's cold start, touching no binding (so D1 and Queues set-up are not counted); its first
 * request to anything else then loads the rest of the API (timed as `restMs`). Baselines: HELLO_WORKER
 * in the edge's place with every binding, asset and the stubbed recommend Worker ("hello-bound": the
 * same workerd set-up, so the difference is the edge's script), and HELLO_WORKER alone ("hello").
 */
async function coldStart(kind) {
  const t0 = performance.now();
  const { mf, url } =
    kind === "hello"
      ? await startHelloWorker()
      : await startBuiltWorkers({
          root,
          adminToken: ADMIN,
          edge: kind === "edge" ? "built" : "hello",
          recommend: "stub",
          migrate: false,
        });
  await (await mf.dispatchFetch(new URL("/t.js", url))).text();
  const ms = performance.now() - t0;
  const cpuMs = workerdCpuMs();
  let restMs;
  if (kind === "edge") {
    const t1 = performance.now();
    await (await mf.dispatchFetch(new URL("/no-such-route", url))).text();
    restMs = performance.now() - t1;
  }
  await mf.dispose();
  return { ms, cpuMs, restMs };
}

async function recommendColdStart() {
  const { mf, url } = await startBuiltWorkers({ root, adminToken: ADMIN });
  const site = await (
    await mf.dispatchFetch(new URL("/api/v1/sites", url), {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "b", domain: "b.example.com" }),
    })
  ).json();
  const key = await (
    await mf.dispatchFetch(new URL(`/api/v1/sites/${site.id}/keys`, url), {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "r", scopes: ["read"] }),
    })
  ).json();
  const t0 = performance.now();
  const first = await (
    await mf.dispatchFetch(new URL("/api/v1/models/health", url), { headers: { authorization: `Bearer ${key.key}` } })
  ).json();
  const firstMs = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 0; i < 20; i++)
    await (
      await mf.dispatchFetch(new URL("/api/v1/models/health", url), { headers: { authorization: `Bearer ${key.key}` } })
    ).json();
  const warmMs = (performance.now() - t1) / 20;
  await mf.dispose();
  return { firstMs, warmMs, ok: Math.abs(first.probe.probability - first.probe.expected) < 1e-6 };
}

/**
 * The end to end run: /api/collect loaded while the queue consumer stores every event in D1, timed
 * until the last one is there. (The accept rate on its own is bench-capture.mjs's.)
 */
async function captureEndToEnd() {
  const worker = await started(() => startBuiltWorkers({ root, adminToken: ADMIN, recommend: "stub" }));
  const pids = worker.pids;
  const site = await benchSite(worker, ADMIN);
  const db = await worker.mf.getD1Database("DB");
  const t0 = performance.now();
  const cpu0 = cpuMsOf(pids);
  const { latencies, seconds } = await load(worker, site.public_key, {
    requests: REQUESTS,
    eventsPerRequest: EVENTS_PER_REQUEST,
    concurrency: CONCURRENCY,
  });
  const cpu1 = cpuMsOf(pids);
  const total = REQUESTS * EVENTS_PER_REQUEST;
  for (;;) {
    const row = await db.prepare("SELECT count(*) AS n FROM events WHERE site_id = ?1").bind(site.id).first();
    if (row.n >= total) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const storedSeconds = (performance.now() - t0) / 1000;
  await worker.mf.dispose();
  latencies.sort((a, b) => a - b);
  return {
    total,
    acceptedSeconds: seconds,
    storedSeconds,
    p99: percentile(latencies, 99),
    cpuMsPerRequest: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / REQUESTS,
  };
}

function sqliteBaseline(count) {
  // npm_node_execpath: the Node that runs npm, the one better-sqlite3 was compiled for at install.
  const node = process.env.npm_node_execpath ?? "node";
  const out = execFileSync(node, [resolve(root, "scripts/bench-sqlite.cjs"), root, String(count)], {
    encoding: "utf8",
  });
  return JSON.parse(out);
}

const snippet = JSON.parse(
  execFileSync("node", [resolve(root, "scripts/build-snippet.mjs"), "--report"], { encoding: "utf8" }),
);
// Interleaved, so load from elsewhere on the machine falls on all three alike.
const cold = { edge: [], helloBound: [], hello: [], rest: [], edgeCpu: [], helloBoundCpu: [] };
for (let i = 0; i < 5; i++) {
  const edge = await coldStart("edge");
  cold.edge.push(edge.ms);
  cold.edgeCpu.push(edge.cpuMs);
  cold.rest.push(edge.restMs);
  const bound = await coldStart("hello-bound");
  cold.helloBound.push(bound.ms);
  cold.helloBoundCpu.push(bound.cpuMs);
  cold.hello.push((await coldStart("hello")).ms);
}
// BENCH_ONLY=capture: the capture Worker's rows alone (cold start and accept rate, each against
// hello-world in the same run), without the slower benchmarks below.
const captureOnly = process.env.BENCH_ONLY === "capture";
const rec = captureOnly ? undefined : await recommendColdStart();
const accepted = await benchAccept({
  root,
  admin: ADMIN,
  requests: REQUESTS,
  eventsPerRequest: EVENTS_PER_REQUEST,
  concurrency: CONCURRENCY,
});
const cap = await captureEndToEnd();
const raw = sqliteBaseline(cap.total);

const fmt = (n, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const ratio = (a, b) => `${fmt(a / b, 2)}x`;
const edgeCold = median(cold.edge);
const helloBoundCold = median(cold.helloBound);
const helloCold = median(cold.hello);
const rows = [
  [
    "Capture: events accepted by /api/collect (events/s; the capture Worker alone, consumer paused)",
    fmt(accepted.edge.eventsPerSecond),
    `${fmt(accepted.helloBound.eventsPerSecond)} (hello-world Worker, same bindings and assets)`,
    ratio(accepted.edge.eventsPerSecond, accepted.helloBound.eventsPerSecond),
  ],
  [
    "Same accept rate, against a bare hello-world Worker (no bindings, no assets, one Worker)",
    fmt(accepted.edge.eventsPerSecond),
    `${fmt(accepted.hello.eventsPerSecond)} (hello-world Worker alone)`,
    ratio(accepted.edge.eventsPerSecond, accepted.hello.eventsPerSecond),
  ],
  [
    "Same, the edge without the dashboard's assets (no local assets router in front), against a bare hello-world",
    fmt(accepted.edgeNoAssets.eventsPerSecond),
    `${fmt(accepted.hello.eventsPerSecond)} (hello-world Worker alone)`,
    ratio(accepted.edgeNoAssets.eventsPerSecond, accepted.hello.eventsPerSecond),
  ],
  ...(accepted.edge.cpuMsPerRequest !== null
    ? [
        [
          "Capture: workerd CPU per /api/collect request (capture and queue send, consumer paused)",
          `${fmt(accepted.edge.cpuMsPerRequest, 2)} ms`,
          `${fmt(accepted.helloBound.cpuMsPerRequest, 2)} ms (hello-world Worker, same bindings and assets)`,
          ratio(accepted.edge.cpuMsPerRequest, accepted.helloBound.cpuMsPerRequest),
        ],
        [
          "Same CPU per request, against a bare hello-world Worker",
          `${fmt(accepted.edge.cpuMsPerRequest, 2)} ms`,
          `${fmt(accepted.hello.cpuMsPerRequest, 2)} ms (hello-world Worker alone)`,
          ratio(accepted.edge.cpuMsPerRequest, accepted.hello.cpuMsPerRequest),
        ],
      ]
    : []),
  [
    "Capture: events accepted while the consumer stores them in the same workerd process (events/s)",
    fmt(cap.total / cap.acceptedSeconds),
    `${fmt(accepted.helloBound.eventsPerSecond)} (hello-world Worker, same bindings and assets)`,
    ratio(cap.total / cap.acceptedSeconds, accepted.helloBound.eventsPerSecond),
  ],
  ...(cap.cpuMsPerRequest !== null
    ? [
        [
          "Capture: workerd CPU per /api/collect request (capture, queue, consumer)",
          `${fmt(cap.cpuMsPerRequest, 2)} ms`,
          `${fmt(accepted.helloBound.cpuMsPerRequest, 2)} ms (hello-world Worker, same bindings and assets)`,
          ratio(cap.cpuMsPerRequest, accepted.helloBound.cpuMsPerRequest),
        ],
      ]
    : []),
  [
    "Capture: events stored in D1, end to end (events/s)",
    fmt(cap.total / cap.storedSeconds),
    `${fmt(raw.rowsPerSecond)} (better-sqlite3, 1 txn)`,
    ratio(cap.total / cap.storedSeconds, raw.rowsPerSecond),
  ],
  [
    `/api/collect p50 (${EVENTS_PER_REQUEST} events/request, ${CONCURRENCY} clients)`,
    `${fmt(accepted.edge.p50, 2)} ms`,
    `${fmt(accepted.helloBound.p50, 2)} ms (hello-world Worker, same bindings and assets)`,
    ratio(accepted.edge.p50, accepted.helloBound.p50),
  ],
  [
    "/api/collect p99",
    `${fmt(accepted.edge.p99, 2)} ms`,
    `${fmt(accepted.helloBound.p99, 2)} ms (hello-world Worker, same bindings and assets)`,
    ratio(accepted.edge.p99, accepted.helloBound.p99),
  ],
  [
    "Edge Worker cold start to its first capture answer (workerd start + GET /t.js, median of 5)",
    `${fmt(edgeCold)} ms`,
    `${fmt(helloBoundCold)} ms (hello-world Worker, same bindings and assets)`,
    ratio(edgeCold, helloBoundCold),
  ],
  [
    "Same cold start, against a bare hello-world Worker (no bindings, no assets, one Worker)",
    `${fmt(edgeCold)} ms`,
    `${fmt(helloCold)} ms (hello-world Worker alone)`,
    ratio(edgeCold, helloCold),
  ],
  ...(cold.edgeCpu.every((x) => x !== null)
    ? [
        [
          "Same cold start, CPU time of workerd (median of 5)",
          `${fmt(median(cold.edgeCpu))} ms`,
          `${fmt(median(cold.helloBoundCpu))} ms (hello-world Worker, same bindings and assets)`,
          ratio(median(cold.edgeCpu), median(cold.helloBoundCpu)),
        ],
      ]
    : []),
  [
    "Edge Worker: first non-capture request after that (evaluates the rest of the API once)",
    `${fmt(median(cold.rest))} ms`,
    `${fmt(edgeCold)} ms (the cold start above)`,
    ratio(median(cold.rest), edgeCold),
  ],
  [
    "Snippet /t.js (core), minified + gzip -9 (bytes)",
    fmt(snippet.gzip),
    `${fmt(snippet.budget)} (budget; Plausible ~1 KB, Umami ~2 KB)`,
    ratio(snippet.gzip, snippet.budget),
  ],
];
if (rec)
  rows.push([
    "Recommend Worker: first ORT inference after start (compile + session)",
    `${fmt(rec.firstMs)} ms`,
    `${fmt(rec.warmMs, 2)} ms (warm call)`,
    ratio(rec.firstMs, rec.warmMs),
  ]);
// The snippet's add-ons, each loaded only by pages that need it (README: the snippet).
for (const [name, addOn] of Object.entries(snippet.addOns))
  rows.push([
    `Snippet add-on /t/${name}.js, minified + gzip -9 (bytes)`,
    fmt(addOn.gzip),
    `${fmt(addOn.budget)} (budget)`,
    ratio(addOn.gzip, addOn.budget),
  ]);
if (captureOnly) {
  printTable(rows);
  console.log(JSON.stringify({ accepted, capture: cap, coldStart: cold }));
  process.exit(0);
}
const markov = await benchMarkov();
const rollups = await benchRollup();
for (const m of markov) {
  rows.push([
    `Markov attribution, order 1, exact removal effects: ${fmt(m.count)} paths`,
    `${fmt(m.markovMs)} ms`,
    `${fmt(m.linearMs)} ms (linear heuristic, same paths)`,
    ratio(m.markovMs, m.linearMs),
  ]);
}
const [small, large] = rollups;
for (const r of rollups) {
  rows.push([
    `Incremental rollup: 1 hour of new events (${fmt(r.fresh)}) over ${r.historyDays} days (${fmt(r.history)} events)`,
    `${fmt(r.ms)} ms`,
    r === large ? `${fmt(small.ms)} ms (30-day history)` : "",
    r === large ? ratio(large.ms, small.ms) : "",
  ]);
}
const settlement = await benchSettlement();
rows.push([
  `Referred purchases settled into commissions (${fmt(settlement.orders)} orders, ${settlement.partners} partners, 2 levels; orders/s)`,
  fmt(settlement.settledPerSecond),
  `${fmt(settlement.storedPerSecond)} (same purchases, site without partners)`,
  ratio(settlement.settledPerSecond, settlement.storedPerSecond),
]);
const email = await benchEmail();
rows.push([
  `ROI email via send-now: figures, 2 PNG charts, MIME, SMTP (median of ${email.runs})`,
  `${fmt(email.withChartsMs)} ms`,
  `${fmt(email.withoutChartsMs)} ms (same email without charts)`,
  ratio(email.withChartsMs, email.withoutChartsMs),
]);
const query = await benchQuery();
rows.push([
  `Query API: visit:channel x time:day over ${fmt(query.events)} events, ${query.rows} rows (built Worker, local D1)`,
  `${fmt(query.apiMs)} ms`,
  `${fmt(query.sqliteMs)} ms (the same SQL on better-sqlite3)`,
  ratio(query.apiMs, query.sqliteMs),
]);
rows.push([
  "Same query: the compiled statement alone in local D1 (no cost guard)",
  `${fmt(query.d1Ms)} ms`,
  `${fmt(query.sqliteMs)} ms (better-sqlite3)`,
  ratio(query.d1Ms, query.sqliteMs),
]);
rows.push([
  "Same query against DuckDB (columnar, in memory)",
  `${fmt(query.apiMs)} ms`,
  `${fmt(query.duckdbMs)} ms (the same SQL on DuckDB)`,
  ratio(query.apiMs, query.duckdbMs),
]);
const dbs = await benchDatabases();
rows.push([
  `Many sites: ${dbs.sites} sites writing ${fmt(dbs.rows)} event rows, one D1 database per site, a workerd each (rows/s)`,
  fmt(dbs.manyProcesses),
  `${fmt(dbs.oneDb)} (all sites in one database)`,
  ratio(dbs.manyProcesses, dbs.oneDb),
]);
rows.push([
  "Same, the per-site databases sharing one workerd process (rows/s)",
  fmt(dbs.manyDbs),
  `${fmt(dbs.oneDb)} (all sites in one database)`,
  ratio(dbs.manyDbs, dbs.oneDb),
]);
const recLatency = await benchRecommendLatency();
for (const r of recLatency.rows) {
  for (const p of ["p50", "p99"]) {
    rows.push([
      `Top-10 recommendation in workerd, ${fmt(r.items)} items (${p}; MF d=32, 5 owned masked)`,
      `${fmt(r.ort[p], 2)} ms (ONNX in ORT)`,
      `${fmt(r.ts[p], 2)} ms (plain TypeScript scorer)`,
      ratio(r.ort[p], r.ts[p]),
    ]);
  }
}
if (recLatency.training) {
  rows.push([
    "BPR-MF training, MovieLens 100K (55k positives, d=32), per epoch in workerd",
    `${fmt(recLatency.training.workerdMs)} ms`,
    `${fmt(recLatency.training.nodeMs)} ms (same code in Node)`,
    ratio(recLatency.training.workerdMs, recLatency.training.nodeMs),
  ]);
}
const recBundle = await benchRecommendBundle();
rows.push([
  "Recommend Worker bundle: script + ORT wasm, gzip -9",
  `${fmt(recBundle.recommend.gzip / 1e6, 2)} MB (${fmt(recBundle.recommend.raw / 1e6, 1)} MB raw)`,
  `${fmt(recBundle.edge.gzip / 1e6, 2)} MB (edge Worker)`,
  ratio(recBundle.recommend.gzip, recBundle.edge.gzip),
]);
rows.push([
  "Recommend Worker cold start (workerd start + first request, median of 3)",
  `${fmt(recBundle.coldMs)} ms`,
  `${fmt(edgeCold)} ms (edge Worker)`,
  ratio(recBundle.coldMs, edgeCold),
]);
const analytics = await benchFunnels();
for (const [label, r] of [
  [
    `Funnel, 4 steps, 1-day window: ${fmt(analytics.events)} events in D1 (${fmt(analytics.funnel.rowsRead)} read)`,
    analytics.funnel,
  ],
  [
    `Retention, 12 weekly cohorts (first visit, any return, revenue): ${fmt(analytics.retention.rowsRead)} rows read`,
    analytics.retention,
  ],
]) {
  rows.push([
    `${label} vs better-sqlite3`,
    `${fmt(r.workerMs)} ms (Worker API)`,
    `${fmt(r.sqliteMs)} ms (same SQL, better-sqlite3)`,
    ratio(r.workerMs, r.sqliteMs),
  ]);
  rows.push([
    `${label} vs DuckDB`,
    `${fmt(r.workerMs)} ms (Worker API)`,
    `${fmt(r.duckdbMs)} ms (same SQL, DuckDB)`,
    ratio(r.workerMs, r.duckdbMs),
  ]);
}
const dashboard = await benchDashboard(root);
rows.push([
  `Dashboard first page: JS + CSS before anything lazy, gzip -9 (${dashboard.firstPageFiles} files)`,
  `${fmt(dashboard.firstPageGzip / 1024, 1)} KB`,
  "150 KB (budget)",
  ratio(dashboard.firstPageGzip, 150 * 1024),
]);
rows.push([
  "Dashboard: largest lazy chunk (ECharts, loaded with the first chart), gzip -9",
  `${fmt(dashboard.largestLazyGzip / 1024, 1)} KB`,
  `${fmt(dashboard.firstPageGzip / 1024, 1)} KB (first page)`,
  ratio(dashboard.largestLazyGzip, dashboard.firstPageGzip),
]);
rows.push([
  `Dashboard: navigation to a fully drawn Overview, demo data, headless Chromium (median of ${dashboard.loads})`,
  `${fmt(dashboard.drawnMs)} ms`,
  `${fmt(dashboard.apiMs)} ms (the Overview's API calls, same loads)`,
  ratio(dashboard.drawnMs, dashboard.apiMs),
]);

printTable(rows);
console.log(`\nORT probe matched plain TypeScript: ${rec.ok}`);
console.log(
  `Analytics: the Worker's funnel and retention matched the SQL: ${analytics.agree.funnel && analytics.agree.retention}`,
);
console.log(
  JSON.stringify({
    accepted,
    capture: cap,
    sqlite: raw,
    coldStart: cold,
    recommend: rec,
    snippet,
    markov,
    rollups,
    settlement,
    email,
    query,
    recLatency,
    recBundle,
    analytics,
    dashboard,
  }),
);

function printTable(rows) {
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...rows.map((r) => r[i].length), ["Metric", "Wayfind", "Baseline", "Ratio"][i].length),
  );
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(
    `\nWayfind benchmark (${cap.total.toLocaleString()} events; ${new Date().toISOString().slice(0, 10)}; 2-core machine)\n`,
  );
  console.log(line(["Metric", "Wayfind", "Baseline", "Ratio"]));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(r));
}
