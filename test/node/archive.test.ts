// The raw archive end to end through the built Workers: events go in through /api/v1/events and the
// queue into D1, the archive cron (called as Cloudflare calls it, with its scheduled time) writes
// each day's Parquet to the R2 bucket, and DuckDB (scripts/archive-query.mjs, the code behind
// `npm run archive:query`) reads it back. Counts and revenue per day and channel must equal D1's.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARCHIVE_CRON } from "../../core/crons";
import { ARCHIVE_SCHEMA_VERSION } from "../../schema/archive";
import { copyArchive, queryArchive } from "../../scripts/archive-query.mjs";
import { demoEvents } from "../../scripts/demo-data.mjs";
import { startBuiltWorkers } from "../../scripts/run-bundle.mjs";

const root = resolve(import.meta.dirname, "../..");
const adminToken = "archive-admin-token";
const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Cell {
  date: string;
  channel: string;
  events: number;
  revenue: number;
}
const byKey = (rows: Cell[]) =>
  Object.fromEntries(
    rows.map((r) => [`${r.date}|${r.channel}`, { events: Number(r.events), revenue: Number(r.revenue) }]),
  );

describe("the raw archive (Parquet in R2) read by DuckDB equals D1", () => {
  let started: Awaited<ReturnType<typeof startBuiltWorkers>>;
  let siteId = "";
  let days: string[] = [];
  let dir = "";
  let total = 0;

  const call = async (path: string, init: { method?: string; key?: string; body?: unknown } = {}) => {
    const res = await started.mf.dispatchFetch(new URL(path, started.url), {
      method: init.method ?? "GET",
      headers: { "content-type": "application/json", authorization: `Bearer ${init.key ?? adminToken}` },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    expect(res.status, `${path}: ${text.slice(0, 300)}`).toBeLessThan(300);
    return JSON.parse(text);
  };
  const runArchive = async (day: string) => {
    const worker = await started.mf.getWorker("wayfind");
    // The cron archives the UTC day before its scheduled time.
    await worker.scheduled({ cron: ARCHIVE_CRON, scheduledTime: new Date(Date.parse(`${day}T01:23:00Z`) + DAY_MS) });
  };

  beforeAll(async () => {
    started = await startBuiltWorkers({ root, adminToken, recommend: "stub", assets: false });
    const site = await call("/api/v1/sites", {
      method: "POST",
      body: { name: "Archive", domain: "archive.test", allowed_origins: [], currency: "CNY" },
    });
    siteId = site.id;
    const { key } = await call(`/api/v1/sites/${siteId}/keys`, {
      method: "POST",
      body: { name: "archive", scopes: ["admin"] },
    });
    // Three days of the demo's traffic: several channels, purchases with revenue.
    const events = demoEvents({ origin: "https://archive.test", days: 3 });
    total = events.length;
    for (let i = 0; i < events.length; i += 500) {
      await call("/api/v1/events", { method: "POST", key, body: { events: events.slice(i, i + 500) } });
    }
    const db = await started.mf.getD1Database("DB");
    for (let stored = 0; stored < total; await sleep(500)) {
      stored = (await db
        .prepare("SELECT count(*) AS n FROM events WHERE site_id = ?")
        .bind(siteId)
        .first<{ n: number }>())!.n;
    }
    const range = events.map((e) => e.ts as number);
    for (let t = Math.min(...range); t < Math.max(...range) + DAY_MS; t += DAY_MS) {
      const day = new Date(t).toISOString().slice(0, 10);
      if (!days.includes(day) && t <= Math.max(...range)) days.push(day);
    }
    for (const day of days) await runArchive(day);
    // Rerunning a day replaces its files: nothing may be counted twice below.
    await runArchive(days[0]!);
    dir = mkdtempSync(resolve(tmpdir(), "wayfind-archive-test-"));
    await copyArchive(await started.mf.getR2Bucket("ARCHIVE"), dir);
  }, 240_000);
  afterAll(async () => {
    await started?.mf.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes one folder per site and UTC day with a manifest of the files and their rows", () => {
    expect(days.length).toBeGreaterThanOrEqual(3);
    let rows = 0;
    for (const day of days) {
      const manifest = JSON.parse(
        readFileSync(resolve(dir, `archive/site=${siteId}/date=${day}/manifest.json`), "utf8"),
      );
      expect(manifest).toMatchObject({ schema_version: ARCHIVE_SCHEMA_VERSION, site_id: siteId, date: day });
      expect(manifest.files.map((f: { key: string }) => f.key)).toEqual([
        `archive/site=${siteId}/date=${day}/events.parquet`,
        `archive/site=${siteId}/date=${day}/sessions.parquet`,
      ]);
      rows += manifest.files[0].rows;
    }
    expect(rows).toBe(total);
  });

  it("gives the same events and revenue per day and channel as D1", async () => {
    const db = await started.mf.getD1Database("DB");
    const revenue = "sum(CASE WHEN type = 'purchase' AND superseded = 0 THEN revenue_minor ELSE 0 END)";
    const { results: fromD1 } = await db
      .prepare(
        `SELECT strftime('%Y-%m-%d', ts / 1000, 'unixepoch') AS date, channel, count(*) AS events, ${revenue} AS revenue
         FROM events WHERE site_id = ? GROUP BY 1, 2`,
      )
      .bind(siteId)
      .all<Cell>();
    const fromArchive = (await queryArchive(
      dir,
      `SELECT strftime(date, '%Y-%m-%d') AS date, channel, count(*) AS events, ${revenue} AS revenue
       FROM events WHERE site = '${siteId}' GROUP BY ALL`,
    )) as unknown as Cell[];
    expect(fromD1.length).toBeGreaterThan(3);
    expect(new Set(fromD1.map((r) => r.channel)).size).toBeGreaterThan(2);
    expect(fromD1.some((r) => r.revenue > 0)).toBe(true);
    expect(byKey(fromArchive)).toEqual(byKey(fromD1));
  });

  it("gives the same sessions per day and channel as D1", async () => {
    const db = await started.mf.getD1Database("DB");
    const { results: fromD1 } = await db
      .prepare(
        `SELECT strftime('%Y-%m-%d', started_at / 1000, 'unixepoch') AS date, channel, count(*) AS events, sum(pageviews) AS revenue
         FROM sessions WHERE site_id = ? GROUP BY 1, 2`,
      )
      .bind(siteId)
      .all<Cell>();
    const fromArchive = (await queryArchive(
      dir,
      `SELECT strftime(date, '%Y-%m-%d') AS date, channel, count(*) AS events, sum(pageviews) AS revenue
       FROM sessions WHERE site = '${siteId}' GROUP BY ALL`,
    )) as unknown as Cell[];
    expect(fromD1.length).toBeGreaterThan(0);
    expect(byKey(fromArchive)).toEqual(byKey(fromD1));
  });
});
