// The capture Worker's accept rate against hello-world, for `npm run bench`. All four Workers run
// at once and take the same load in alternating rounds, so load from elsewhere on the machine (it
// drifts by 2x within a minute here) falls on each alike:
// - the edge Worker, its queue consumer paused: locally the consumer and D1 share workerd's thread,
//   which in production they do not, so the capture path is measured on its own;
// - the same edge Worker without the dashboard's static assets, so without the assets router
//   Miniflare runs in front of it (in production that routing is Cloudflare's, not the Worker's
//   CPU, and capture serves no asset): the capture path's own cost against a bare hello-world;
// - hello-world with the edge's bindings and static assets (the same Miniflare set-up: its
//   assets router and entry Worker cost hello-world about 0.45 ms of CPU per request), the baseline the target
//   is set against, as for the cold start;
// - a bare hello-world Worker, for reference.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { startBuiltWorkers, startHelloWorker } from "./run-bundle.mjs";

const ROUNDS = 10;
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36";

/** The workerd processes this script has started so far. */
export function workerdPids() {
  const children = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return children
    .split("\n")
    .filter((line) => line.includes("workerd"))
    .map((line) => line.trim().split(/\s+/)[0]);
}

/** CPU time (ms) those processes have used, from /proc (Linux; null elsewhere). */
export function cpuMsOf(pids) {
  try {
    let ticks = 0;
    for (const pid of pids) {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks of 10 ms
    }
    return ticks * 10;
  } catch {
    return null;
  }
}

/** Starts a Worker (a function returning { mf, url }) and notes the workerd processes it added. */
export async function started(start) {
  const before = workerdPids();
  const worker = await start();
  return { ...worker, pids: workerdPids().filter((pid) => !before.includes(pid)) };
}

/**
 * Sends `requests` batches of `eventsPerRequest` page views from `concurrency` clients (each
 * request from its own client IP) and returns the latencies and the seconds it took.
 */
export async function load(worker, siteKey, { requests, eventsPerRequest, concurrency, firstId = 0 }) {
  const latencies = [];
  let next = 0;
  async function client(c) {
    while (next < requests) {
      const r = firstId + next++;
      const events = Array.from({ length: eventsPerRequest }, (_, i) => ({
        id: `b${r}-${i}`,
        type: "pageview",
        url: `https://bench.example.com/p${(r + i) % 50}?utm_source=zhihu&utm_medium=social`,
        referrer: "https://www.zhihu.com/",
      }));
      const start = performance.now();
      const res = await worker.mf.dispatchFetch(new URL("/api/collect", worker.url), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": USER_AGENT,
          "cf-connecting-ip": `10.${c}.${(r >> 8) & 255}.${r & 255}`,
        },
        body: JSON.stringify({ site: siteKey, events }),
      });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`collect ${res.status}`);
      latencies.push(performance.now() - start);
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, c) => client(c)));
  return { latencies, seconds: (performance.now() - t0) / 1000 };
}

/** A site on a started edge Worker, for its public key. */
export async function benchSite(worker, admin) {
  const res = await worker.mf.dispatchFetch(new URL("/api/v1/sites", worker.url), {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Bench", domain: "bench.example.com", allowed_origins: [] }),
  });
  return res.json();
}

export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Accept rate, CPU per request and latency of the four Workers over interleaved rounds. */
export async function benchAccept({ root, admin, requests, eventsPerRequest, concurrency }) {
  const edge = await started(() => startBuiltWorkers({ root, adminToken: admin, recommend: "stub", consume: false }));
  const edgeNoAssets = await started(() =>
    startBuiltWorkers({ root, adminToken: admin, recommend: "stub", consume: false, assets: false }),
  );
  const helloBound = await started(() =>
    startBuiltWorkers({ root, adminToken: admin, edge: "hello", recommend: "stub", migrate: false }),
  );
  const hello = await started(startHelloWorker);
  const site = await benchSite(edge, admin);
  const siteNoAssets = await benchSite(edgeNoAssets, admin);
  const workers = [
    { name: "edge", worker: edge, key: site.public_key },
    { name: "edgeNoAssets", worker: edgeNoAssets, key: siteNoAssets.public_key },
    { name: "helloBound", worker: helloBound, key: "wf_pk_x" },
    { name: "hello", worker: hello, key: "wf_pk_x" },
  ];
  const perRound = Math.ceil(requests / ROUNDS);
  const shape = { requests: perRound, eventsPerRequest, concurrency };
  // One round each first: isolates warm, the site and the salt cached.
  for (const w of workers) await load(w.worker, w.key, { ...shape, firstId: 10_000_000 });
  const totals = Object.fromEntries(workers.map((w) => [w.name, { seconds: 0, cpuMs: 0, latencies: [] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const w of workers) {
      const cpu0 = cpuMsOf(w.worker.pids);
      const { latencies, seconds } = await load(w.worker, w.key, { ...shape, firstId: round * perRound });
      const cpu1 = cpuMsOf(w.worker.pids);
      const t = totals[w.name];
      t.seconds += seconds;
      t.cpuMs = cpu0 === null || cpu1 === null || t.cpuMs === null ? null : t.cpuMs + cpu1 - cpu0;
      t.latencies.push(...latencies);
    }
  }
  for (const w of workers) await w.worker.mf.dispose();
  const events = perRound * ROUNDS * eventsPerRequest;
  return Object.fromEntries(
    Object.entries(totals).map(([name, t]) => {
      const sorted = t.latencies.sort((a, b) => a - b);
      return [
        name,
        {
          eventsPerSecond: events / t.seconds,
          cpuMsPerRequest: t.cpuMs === null ? null : t.cpuMs / (perRound * ROUNDS),
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
        },
      ];
    }),
  );
}
