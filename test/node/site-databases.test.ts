// Many sites (README "Many sites"): SITE_DATABASES maps a site to a D1 database of its own, resolved
// in the query layer (schema/databases.ts). Through the built Worker, the archive cron must read a
// mapped site from its database and no other, the rest from DB, and a site mapped to a binding the
// Worker lacks must fail on its own (no silent fallback to DB) while the others are archived.
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARCHIVE_CRON, ROLLUP_CRON } from "../../core/crons";
import { allSiteDatabases, readEachDatabase, siteDatabase } from "../../schema/databases";
import { copyArchive } from "../../scripts/archive-query.mjs";
import { startBuiltWorkers } from "../../scripts/run-bundle.mjs";

const root = resolve(import.meta.dirname, "../..");
const DAY = "2026-11-20";
const MAP = { site_big: "DB_BIG", site_lost: "DB_NONE" };

describe("siteDatabase", () => {
  const DB = { prepare: () => null, name: "default" } as unknown as D1Database;
  const DB_BIG = { prepare: () => null, name: "big" } as unknown as D1Database;
  const env = { DB, DB_BIG, SITE_DATABASES: JSON.stringify(MAP) };

  it("routes a mapped site to its binding and every other site to DB", () => {
    expect(siteDatabase(env, "site_big")).toBe(DB_BIG);
    expect(siteDatabase(env, "site_small")).toBe(DB);
    expect(siteDatabase({ DB }, "site_big")).toBe(DB);
  });

  it("refuses a mapping to a binding the Worker lacks, and a map that is not an object", () => {
    expect(() => siteDatabase(env, "site_lost")).toThrow(/DB_NONE/);
    expect(() => siteDatabase({ DB, SITE_DATABASES: "[]" }, "x")).toThrow(/JSON object/);
  });

  it("reads that start from no site skip a missing binding and keep each row from its site's database only", async () => {
    expect(allSiteDatabases(env)).toEqual([DB, DB_BIG]);
    const rows: Record<string, { siteId: string; n: number }[]> = {
      default: [
        { siteId: "site_small", n: 1 },
        { siteId: "site_big", n: 2 }, // left in DB: site_big lives in DB_BIG
        { siteId: "site_lost", n: 3 }, // its database is missing: not DB's either
      ],
      big: [{ siteId: "site_big", n: 4 }],
    };
    const read = async (db: D1Database) => rows[(db as unknown as { name: string }).name]!;
    expect((await readEachDatabase(env, read, (r) => r.siteId)).map((r) => r.n)).toEqual([1, 4]);
  });
});

describe("the archive reads each site from its own database", () => {
  let started: Awaited<ReturnType<typeof startBuiltWorkers>>;
  let dir = "";
  let rollupOutcome = "";

  const addEvents = async (db: D1Database, siteId: string, prefix: string, n: number) => {
    const at = Date.parse(`${DAY}T12:00:00Z`);
    for (let i = 0; i < n; i++) {
      await db
        .prepare(
          `INSERT INTO events (site_id, id, type, ts, received_at, origin, session_id, visitor_id, source, medium, campaign, channel, device)
           VALUES (?1, ?2, 'pageview', ?3, ?3, 'browser', 's1', 'v1', 'zhihu', 'social', '', 'Organic Social', 'desktop')`,
        )
        .bind(siteId, `${prefix}-${i}`, at + i)
        .run();
    }
  };

  beforeAll(async () => {
    started = await startBuiltWorkers({
      root,
      adminToken: "site-db-admin",
      recommend: "stub",
      assets: false,
      extraDatabases: ["DB_BIG"],
      bindings: { SITE_DATABASES: JSON.stringify(MAP) },
    });
    const db = await started.mf.getD1Database("DB");
    const big = await started.mf.getD1Database("DB_BIG");
    for (const id of ["site_small", "site_big", "site_lost"]) {
      await db
        .prepare("INSERT INTO sites (id, name, domain, public_key, created_at) VALUES (?1, ?1, ?1, ?2, 0)")
        .bind(id, `pk_${id}`)
        .run();
    }
    await addEvents(db, "site_small", "small", 3);
    await addEvents(big, "site_big", "big", 5);
    await addEvents(db, "site_big", "stale", 2); // left in DB: a routed site must not read these
    await addEvents(db, "site_lost", "lost", 1);
    const worker = await started.mf.getWorker("wayfind");
    await worker.scheduled({ cron: ARCHIVE_CRON, scheduledTime: new Date(`2026-11-21T01:23:00Z`) });
    // The quarter-hourly cron also reads across databases (commission approvals, webhook retries).
    rollupOutcome = (await worker.scheduled({ cron: ROLLUP_CRON, scheduledTime: new Date(`2026-11-21T01:30:00Z`) }))
      .outcome;
    dir = mkdtempSync(resolve(tmpdir(), "wayfind-site-dbs-"));
    await copyArchive(await started.mf.getR2Bucket("ARCHIVE"), dir);
  }, 120_000);
  afterAll(async () => {
    await started?.mf.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const manifest = (site: string) => resolve(dir, `archive/site=${site}/date=${DAY}/manifest.json`);
  const eventRows = (site: string) =>
    JSON.parse(readFileSync(manifest(site), "utf8")).files.find((f: { table: string }) => f.table === "events").rows;

  it("archives the mapped site from its database and the others from DB", () => {
    expect(eventRows("site_big")).toBe(5);
    expect(eventRows("site_small")).toBe(3);
  });

  it("runs the other sites' cross-database cron work beside a site mapped to a missing binding", () => {
    expect(rollupOutcome).toBe("ok");
  });

  it("archives nothing for a site mapped to a missing binding", () => {
    expect(existsSync(manifest("site_lost"))).toBe(false);
  });
});
