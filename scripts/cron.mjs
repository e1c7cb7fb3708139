// Cron triggers for `npm start`: `wrangler dev` runs the Workers but never fires their crons, so
// this reads the [triggers] crons of both wrangler configs and fires each one at its time, on the
// Worker that declares it, through the local explorer API of `wrangler dev` (the one route that
// reaches the recommend Worker too, and that carries the scheduled time as Cloudflare sets it).
//
//   npm run cron                      lists the crons and when each fires next
//   npm run cron -- "41 2 * * *"      fires one now on the running `npm start` (its worker is looked up)
//
// Expressions are five fields in UTC, as on Cloudflare. The parser covers what the configs use:
// numbers, `*`, ranges, lists and steps (`*/15`, `1-5`, `0,30`, `10-40/10`), and month and weekday
// names. Tests may add a sixth, leading seconds field to a schedule (WAYFIND_CRON_SCHEDULE).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { localPaths, root } from "./local-env.mjs";

export const WRANGLER_CONFIGS = ["wrangler.toml", "recommend.wrangler.toml"];

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const FIELDS = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, base: 1 },
  { name: "day of week", min: 0, max: 7, names: DAYS, base: 0 },
];

function parseField(text, field, expr) {
  const values = new Set();
  const number = (s) => {
    const i = field.names?.indexOf(s.toUpperCase()) ?? -1;
    const n = i >= 0 ? i + field.base : /^\d+$/.test(s) ? Number(s) : NaN;
    if (!(n >= field.min && n <= field.max)) throw new Error(`cron "${expr}": bad ${field.name} "${s}"`);
    return n;
  };
  for (const part of text.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`cron "${expr}": unsupported ${field.name} "${part}"`);
    const [lo, hi] = m[1] === "*" ? [field.min, field.max] : m[1].split("-").map(number);
    const step = m[2] ? Number(m[2]) : 1;
    if (step < 1) throw new Error(`cron "${expr}": bad step in "${part}"`);
    // `5/10` means from 5 to the end, every 10 (as in Vixie cron).
    const end = hi ?? (m[2] ? field.max : lo);
    for (let v = lo; v <= end; v += step) values.add(v);
  }
  return values;
}

/** A cron expression (five fields, or six with leading seconds), matched against UTC times. */
export function parseCron(expr) {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6)
    throw new Error(`cron "${expr}": expected five fields (minute hour day month weekday)`);
  const fields = parts.length === 5 ? ["0", ...parts] : parts;
  const [sec, min, hour, dom, month, dow] = fields.map((f, i) => parseField(f, FIELDS[i], expr));
  if (dow.has(7)) dow.add(0);
  // As in cron(8): when both day fields are restricted, a day matching either one fires.
  const anyDom = fields[3].startsWith("*");
  const anyDow = fields[5].startsWith("*");
  return {
    expr,
    /** The smallest unit the schedule can tell apart: a second for six fields, else a minute. */
    stepMs: parts.length === 6 ? 1000 : 60_000,
    matches(ms) {
      const d = new Date(ms);
      if (!sec.has(d.getUTCSeconds()) || !min.has(d.getUTCMinutes()) || !hour.has(d.getUTCHours())) return false;
      if (!month.has(d.getUTCMonth() + 1)) return false;
      const dayOk = dom.has(d.getUTCDate());
      const weekdayOk = dow.has(d.getUTCDay());
      return anyDom || anyDow ? dayOk && weekdayOk : dayOk || weekdayOk;
    },
  };
}

/** The next time after `from` the expression fires (a step at a time: a yearly cron costs ~0.5 M steps). */
export function nextRun(cron, from = Date.now()) {
  let t = Math.floor(from / cron.stepMs) * cron.stepMs + cron.stepMs;
  for (let guard = 0; guard < 5_000_000; guard++) {
    if (cron.matches(t)) return t;
    t += cron.stepMs;
  }
  return null;
}

/** [{ worker, cron }] from the [triggers] of each wrangler config, read with wrangler's own TOML parser. */
export async function readCrons(configs = WRANGLER_CONFIGS) {
  const { experimental_readRawConfig } = await import("wrangler");
  return configs.flatMap((config) => {
    const { rawConfig } = experimental_readRawConfig({ config: resolve(root, config) });
    return (rawConfig.triggers?.crons ?? []).map((cron) => ({ worker: rawConfig.name, cron }));
  });
}

/**
 * The product's crons with their local schedule: each fires on its own expression unless
 * `overrides` (WAYFIND_CRON_SCHEDULE, for tests) maps it to another expression or to "off".
 * The Worker always receives the product expression: its handler dispatches on it.
 */
export function schedule(crons, overrides = {}) {
  return crons
    .filter(({ cron }) => overrides[cron] !== "off")
    .map((job) => ({ ...job, timing: parseCron(overrides[job.cron] ?? job.cron) }));
}

/** Runs one cron on one Worker of a running `wrangler dev`; resolves to its outcome ("ok", "exception", …). */
export async function fireCron(url, worker, cron, scheduledTime = Date.now()) {
  const res = await fetch(`${url}/cdn-cgi/local/explorer/api/local/scheduled?worker=${encodeURIComponent(worker)}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ cron, scheduled_time: scheduledTime }),
  });
  const body = await res.json().catch(() => null);
  return body?.result?.outcome ?? `HTTP ${res.status}${body?.errors?.[0] ? `: ${body.errors[0].message}` : ""}`;
}

const stamp = (ms) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

/**
 * Fires each job at every time its schedule matches, until stop(). Like Cloudflare, a slot missed
 * while the machine slept is skipped (only a few seconds of event-loop lag are caught up), and a
 * cron still running from its last slot is not started again on top of itself.
 */
export function startScheduler({ url, jobs, log = console.log }) {
  const stepMs = Math.min(60_000, ...jobs.map((j) => j.timing.stepMs));
  const running = new Map();
  let last = Math.floor(Date.now() / stepMs) * stepMs;
  let timer;
  const fire = (job, slot) => {
    const key = `${job.worker} ${job.cron}`;
    if (running.has(key)) return log(`${stamp(slot)}  ${job.worker}  ${job.cron}  skipped (previous run still going)`);
    const started = Date.now();
    const run = fireCron(url, job.worker, job.cron, slot)
      .catch((err) => `failed: ${err.cause?.code ?? err.message}`)
      .then((outcome) => log(`${stamp(slot)}  ${job.worker}  ${job.cron}  ${outcome} (${Date.now() - started} ms)`))
      .finally(() => running.delete(key));
    running.set(key, run);
  };
  const tick = () => {
    const now = Math.floor(Date.now() / stepMs) * stepMs;
    for (let slot = Math.max(last + stepMs, now - 5 * stepMs); slot <= now; slot += stepMs)
      for (const job of jobs) if (job.timing.matches(slot)) fire(job, slot);
    last = now;
    timer = setTimeout(tick, stepMs - (Date.now() % stepMs) + 20);
  };
  timer = setTimeout(tick, stepMs - (Date.now() % stepMs) + 20);
  return {
    stop: () => clearTimeout(timer),
    /** Resolves when the runs in flight have finished. */
    idle: () => Promise.all(running.values()),
  };
}

async function cli(args) {
  const crons = await readCrons();
  if (args.length === 0) {
    for (const { worker, cron } of crons)
      console.log(`${cron.padEnd(16)} ${worker.padEnd(18)} next ${stamp(nextRun(parseCron(cron)))}`);
    console.log('\nFire one now on the running `npm start`: npm run cron -- "<expression>"');
    return 0;
  }
  const expr = args.join(" ").trim();
  const matching = crons.filter((c) => c.cron === expr);
  if (matching.length === 0) {
    console.error(
      `No Worker has the cron "${expr}". The crons are:\n${crons.map((c) => `  ${c.cron}  (${c.worker})`).join("\n")}`,
    );
    return 2;
  }
  let url;
  try {
    url = JSON.parse(readFileSync(localPaths.facts, "utf8")).url;
  } catch {
    console.error(`No ${localPaths.facts}: start Wayfind first with npm start.`);
    return 1;
  }
  let failed = 0;
  for (const { worker, cron } of matching) {
    const started = Date.now();
    const outcome = await fireCron(url, worker, cron).catch(
      (err) => `failed: ${err.cause?.code ?? err.message} (is npm start running at ${url}?)`,
    );
    console.log(`${stamp(started)}  ${worker}  ${cron}  ${outcome} (${Date.now() - started} ms)`);
    if (outcome !== "ok") failed++;
  }
  return failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await cli(process.argv.slice(2));
