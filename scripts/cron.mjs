// Cron triggers for `npm start`: `wrangler dev` runs the Workers but never fires their crons, so
// this reads the [triggers] crons of both wrangler configs and fires each one at its time, on the
// Worker that declares it, through the local explorer API of `wrangler dev` (the one route that
// reaches the recommend Worker too, and that carries the scheduled time as Cloudflare sets it).
//
//   npm run cron                      lists the crons and when each fires next
//   npm run cron -- "41 2 * * *"      fires one now on the running `npm start` (its worker is looked up)
//
// Expressions are five fields in UTC, as on Cloudflare, parsed by croner. Tests may add a sixth,
// leading seconds field to a schedule (WAYFIND_CRON_SCHEDULE).
import { Cron } from "croner";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { localPaths, root } from "./local-env.mjs";

export const WRANGLER_CONFIGS = ["wrangler.toml", "recommend.wrangler.toml"];

/**
 * A cron expression (five fields, or six with leading seconds) matched against UTC times, by croner
 * (a maintained parser with Vixie cron's day rule: when both day fields are restricted, either fires).
 */
export function parseCron(expr) {
  const fields = expr.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6)
    throw new Error(`cron "${expr}": expected five fields (minute hour day month weekday)`);
  let job;
  try {
    job = new Cron(expr, { timezone: "UTC", paused: true, domAndDow: false });
  } catch (err) {
    throw new Error(`cron "${expr}": ${err.message}`);
  }
  return {
    expr,
    /** The smallest unit the schedule can tell apart: a second for six fields, else a minute. */
    stepMs: fields === 6 ? 1000 : 60_000,
    matches: (ms) => job.match(new Date(ms)),
    next: (from) => job.nextRun(new Date(from))?.getTime() ?? null,
  };
}

/** The next time after `from` the expression fires. */
export function nextRun(cron, from = Date.now()) {
  return cron.next(from);
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
