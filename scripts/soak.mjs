// `npm run soak`: a bounded soak of the capture path. Starts the built Workers on 127.0.0.1 (local
// D1 and Queues, nothing leaves the machine), sends mixed traffic at a steady rate for --minutes
// (10 by default), then stops by itself and checks D1 against what was accepted:
//   - snippet batches to /api/collect and server batches (with purchases) to /api/v1/events;
//   - duplicates: events resent with an id already accepted, and whole requests sent twice (retries);
//   - junk: invalid events beside valid ones, malformed and unauthorised requests, bots.
// Every event a 202 counted as accepted must be in D1 exactly once (zero lost, zero doubled), no
// rejected or dropped event may be stored, purchase revenue must equal what was sent once, and no
// request may get a 5xx. Prints the rate held and the request latencies; exits 1 on any mismatch.
//
//   npm run soak [-- --minutes 10 --rate 200]      rate: events per second offered
import { execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { root } from "./local-env.mjs";
import { startBuiltWorkers } from "./run-bundle.mjs";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    rate: { type: "string", default: "200" },
    "no-build": { type: "boolean", default: false },
  },
});
const MINUTES = Number(values.minutes);
const RATE = Number(values.rate);
if (!(MINUTES > 0 && MINUTES <= 60) || !(RATE > 0 && RATE <= 5000)) {
  console.error("--minutes must be in (0, 60] and --rate in (0, 5000] events per second");
  process.exit(2);
}
/** Requests in flight at most: beyond it the offered rate is not held, and the report says so. */
const MAX_IN_FLIGHT = 64;
const TICK_MS = 50;
/** After the traffic stops, how long the queue may take to store everything. */
const DRAIN_MS = 180_000;
const ADMIN = "soak-admin-token";
const ORIGIN = "https://soak.example.com";
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

if (!values["no-build"]) execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });

const freePort = () =>
  new Promise((ok, fail) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.on("error", fail);
  });

// A seeded generator, so two runs offer the same traffic.
let seed = 20261201;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const { mf, url } = await startBuiltWorkers({
  root,
  adminToken: ADMIN,
  recommend: "stub",
  assets: false,
  port: await freePort(),
});
const base = new URL(url);
if (base.hostname !== "127.0.0.1" && base.hostname !== "localhost") throw new Error(`not loopback: ${url}`);
const http = (path, init) => fetch(new URL(path, base), init);
const admin = async (path, body) => {
  const res = await http(path, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const site = await admin("/api/v1/sites", {
  name: "Soak",
  domain: "soak.example.com",
  allowed_origins: [ORIGIN],
  currency: "CNY",
});
const { key } = await admin(`/api/v1/sites/${site.id}/keys`, { name: "soak", scopes: ["ingest"] });

// What the Worker said it accepted, by event id; purchases' revenue in minor units (CNY: fen).
const accepted = new Set();
const revenueOf = new Map();
const stats = {
  requests: 0,
  events: 0,
  duplicates: 0,
  junkEvents: 0,
  junkRequests: 0,
  status: {},
  serverErrors: 0,
  mismatches: 0,
};
const latencies = [];
let counter = 0;
const newId = (p) => `${p}-${(counter++).toString(36)}`;
const now = () => Date.now();
const acceptedOf = (prefix) => [...accepted].filter((id) => id.startsWith(prefix));
let recentSnippet = [];
let recentServer = [];
let recentRequests = [];

function junkEvent() {
  stats.junkEvents++;
  return pick([
    { id: newId("junk"), url: "https://soak.example.com/" }, // no type
    { id: newId("junk"), type: 42 },
    { id: newId("junk"), type: "pageview", url: "https://soak.example.com/", ts: now() + 86_400_000 }, // future
    { id: newId("junk"), type: "purchase", revenue: -5, currency: "CNY" },
    { id: newId("junk"), type: "custom", name: "x".repeat(400) },
    "not an event",
  ]);
}

function snippetRequest() {
  const events = [];
  for (let i = 0, n = 1 + Math.floor(rand() * 8); i < n; i++) {
    const r = rand();
    if (r < 0.1 && recentSnippet.length) {
      events.push(pick(recentSnippet));
      stats.duplicates++;
    } else if (r < 0.15) events.push(junkEvent());
    else
      events.push({
        id: newId("s"),
        type: r < 0.8 ? "pageview" : "custom",
        ...(r >= 0.8 && { name: "signup_click" }),
        url: `https://soak.example.com/p${Math.floor(rand() * 40)}?utm_source=${pick(["zhihu", "bilibili", "google"])}&utm_medium=${pick(["social", "cpc", "video"])}`,
        referrer: pick(["https://www.zhihu.com/", "https://www.google.com/", ""]),
      });
  }
  const ip = `10.${Math.floor(rand() * 40)}.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250)}`;
  return {
    path: "/api/collect",
    headers: { "content-type": "application/json", origin: ORIGIN, "user-agent": BROWSER_UA, "cf-connecting-ip": ip },
    body: JSON.stringify({ site: site.public_key, events }),
    events,
  };
}

function serverRequest() {
  const events = [];
  for (let i = 0, n = 5 + Math.floor(rand() * 35); i < n; i++) {
    const r = rand();
    const user = `learner-${Math.floor(rand() * 3000)}`;
    if (r < 0.1 && recentServer.length) {
      events.push(pick(recentServer));
      stats.duplicates++;
    } else if (r < 0.15) events.push(junkEvent());
    else if (r < 0.35) {
      const id = newId("p");
      events.push({
        id,
        type: "purchase",
        user_id: user,
        order_id: `order-${id}`,
        revenue: pick([99, 199, 1299.5]),
        currency: "CNY",
      });
    } else
      events.push({
        id: newId("v"),
        type: pick(["lesson_start", "lesson_complete", "custom"]),
        name: "soak",
        user_id: user,
      });
  }
  return {
    path: "/api/v1/events",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ events }),
    events,
  };
}

/** Requests that must be refused whole (4xx) or dropped (bots): nothing of them may be stored. */
function junkRequest() {
  stats.junkRequests++;
  const bad = [
    { path: "/api/collect", headers: { "content-type": "application/json" }, body: "{not json" },
    { path: "/api/collect", headers: { "content-type": "text/plain" }, body: "hello" },
    {
      path: "/api/collect",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ site: "nope", events: [{ type: "pageview" }] }),
    },
    {
      path: "/api/v1/events",
      headers: { "content-type": "application/json", authorization: "Bearer wrong" },
      body: JSON.stringify({ events: [{ id: newId("junk"), type: "pageview" }] }),
    },
    {
      path: "/api/v1/events",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ events: "all of them" }),
    },
    {
      path: "/api/collect",
      headers: { "content-type": "application/json", origin: "https://evil.example", "user-agent": BROWSER_UA },
      body: JSON.stringify({ site: site.public_key, events: [{ id: newId("junk"), type: "pageview", url: ORIGIN }] }),
    },
    {
      path: "/api/collect",
      headers: {
        "content-type": "application/json",
        origin: ORIGIN,
        "user-agent": "curl/8.5.0",
        "cf-connecting-ip": "10.99.0.1",
      },
      body: JSON.stringify({
        site: site.public_key,
        events: [{ id: newId("junk"), type: "pageview", url: "https://soak.example.com/" }],
      }),
    },
  ];
  return { ...pick(bad), events: [] };
}

async function send(request) {
  const started = performance.now();
  let res;
  try {
    res = await http(request.path, { method: "POST", headers: request.headers, body: request.body });
  } catch (err) {
    stats.status.network = (stats.status.network ?? 0) + 1;
    console.error(`${request.path}: ${err.message}`);
    return;
  }
  const text = await res.text();
  latencies.push(performance.now() - started);
  stats.requests++;
  stats.status[res.status] = (stats.status[res.status] ?? 0) + 1;
  if (res.status >= 500) {
    stats.serverErrors++;
    console.error(`${request.path}: ${res.status} ${text.slice(0, 300)}`);
    return;
  }
  if (res.status !== 202) return;
  const result = JSON.parse(text);
  const out = new Set([...result.rejected.map((r) => r.index), ...result.dropped_reasons.map((d) => d.index)]);
  let count = 0;
  request.events.forEach((e, i) => {
    if (out.has(i)) return;
    count++;
    accepted.add(e.id);
    if (e.type === "purchase") revenueOf.set(e.id, Math.round(e.revenue * 100));
    (e.id.startsWith("s-") ? recentSnippet : recentServer).push(e);
  });
  if (count !== result.accepted) stats.mismatches++;
  stats.events += count;
  if (recentSnippet.length > 500) recentSnippet = recentSnippet.slice(-200);
  if (recentServer.length > 500) recentServer = recentServer.slice(-200);
  recentRequests.push(request);
  if (recentRequests.length > 50) recentRequests = recentRequests.slice(-20);
}

// Steady offered rate: each tick sends what the schedule owes, as requests of the mix below.
console.log(`Soak: ${MINUTES} min at ${RATE} events/s offered, against ${url} (built Workers, local D1 and Queues)`);
const started = performance.now();
const endAt = started + MINUTES * 60_000;
let offered = 0;
let inFlight = 0;
let skippedTicks = 0;
let nextReport = started + 30_000;
const pending = new Set();
while (performance.now() < endAt) {
  const due = ((performance.now() - started) / 1000) * RATE;
  while (offered < due) {
    if (inFlight >= MAX_IN_FLIGHT) {
      skippedTicks++;
      break;
    }
    const r = rand();
    const request =
      r < 0.05 && recentRequests.length
        ? { ...pick(recentRequests), retried: true } // a client retry of a whole request
        : r < 0.12
          ? junkRequest()
          : r < 0.72
            ? snippetRequest()
            : serverRequest();
    if (request.retried) stats.duplicates += request.events.length;
    offered += Math.max(1, request.events.length);
    inFlight++;
    const p = send(request).finally(() => {
      inFlight--;
      pending.delete(p);
    });
    pending.add(p);
  }
  if (performance.now() > nextReport) {
    nextReport += 30_000;
    const s = (performance.now() - started) / 1000;
    console.log(`  ${s.toFixed(0)} s: ${stats.requests} requests, ${accepted.size} distinct events accepted`);
  }
  await new Promise((r) => setTimeout(r, TICK_MS));
}
await Promise.all(pending);
const seconds = (performance.now() - started) / 1000;

// Drain: the queue consumer stores what was accepted; wait until D1 holds it all (or the deadline).
const db = await mf.getD1Database("DB");
const drainStart = performance.now();
let stored = 0;
while (performance.now() - drainStart < DRAIN_MS) {
  stored = (await db.prepare("SELECT count(*) AS n FROM events WHERE site_id = ?1").bind(site.id).first()).n;
  if (stored >= accepted.size) break;
  await new Promise((r) => setTimeout(r, 500));
}
const drainSeconds = (performance.now() - drainStart) / 1000;
await new Promise((r) => setTimeout(r, 3000)); // anything late (a doubled write) would show now
const ids = new Set();
const rows = await db.prepare("SELECT id FROM events WHERE site_id = ?1").bind(site.id).raw();
for (const [id] of rows) ids.add(id);
const lost = [...accepted].filter((id) => !ids.has(id));
const unexpected = [...ids].filter((id) => !accepted.has(id));
const doubled = rows.length - ids.size;
const revenueSent = [...revenueOf.values()].reduce((a, b) => a + b, 0);
const revenueStored = (
  await db
    .prepare("SELECT coalesce(sum(revenue_minor), 0) AS s FROM events WHERE site_id = ?1 AND type = 'purchase'")
    .bind(site.id)
    .first()
).s;
const deadLetters = (await db.prepare("SELECT count(*) AS n FROM dead_letters").first()).n;
await mf.dispose();

latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
const fmt = (n, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const ok =
  lost.length === 0 &&
  unexpected.length === 0 &&
  doubled === 0 &&
  revenueSent === revenueStored &&
  stats.serverErrors === 0 &&
  stats.mismatches === 0 &&
  deadLetters === 0;
console.log(`
Soak over ${fmt(seconds, 0)} s (${MINUTES} min), ${RATE} events/s offered:
  requests sent            ${fmt(stats.requests)} (${Object.entries(stats.status)
    .map(([k, v]) => `${k}: ${fmt(v)}`)
    .join(", ")})
  rate held                ${fmt(stats.events / seconds, 1)} events/s accepted, ${fmt(stats.requests / seconds, 1)} requests/s${skippedTicks ? ` (fell behind ${skippedTicks} times at ${MAX_IN_FLIGHT} in flight)` : ""}
  latency                  p50 ${fmt(pct(50), 1)} ms, p99 ${fmt(pct(99), 1)} ms, max ${fmt(latencies.at(-1) ?? 0, 1)} ms
  events accepted          ${fmt(stats.events)} (${fmt(accepted.size)} distinct; ${fmt(stats.duplicates)} duplicates sent)
  junk sent                ${fmt(stats.junkEvents)} invalid events, ${fmt(stats.junkRequests)} bad requests
  stored in D1             ${fmt(ids.size)} (all within ${fmt(drainSeconds, 1)} s of the last request)
  lost                     ${lost.length}${lost.length ? ` e.g. ${lost.slice(0, 5).join(", ")}` : ""}
  doubled                  ${doubled}
  stored but not accepted  ${unexpected.length}${unexpected.length ? ` e.g. ${unexpected.slice(0, 5).join(", ")}` : ""}
  purchase revenue         sent once ${fmt(revenueSent / 100, 2)} CNY, stored ${fmt(revenueStored / 100, 2)} CNY
  5xx answers              ${stats.serverErrors}; accepted counts that disagree with the 202 body: ${stats.mismatches}; dead letters: ${deadLetters}
${ok ? "OK: zero lost, zero doubled." : "FAILED: see above."}`);
process.exit(ok ? 0 : 1);
