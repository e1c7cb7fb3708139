// Many sites (README "Many sites"), end to end through the built Workers: a site mapped to DB_BIG
// by SITE_DATABASES is captured, sessionized, rolled up, reported, queried, given goals and partners,
// and its referral clicks and commissions are settled, all in DB_BIG; a site beside it stays in DB.
// The check at the end walks every table with a site_id column, so a write routed to the wrong
// database by any of these paths fails it, whichever table it lands in.
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLLUP_CRON } from "../../core/crons";
import { startBuiltWorkers } from "../../scripts/run-bundle.mjs";

const root = resolve(import.meta.dirname, "../..");
const ADMIN = "site-routing-admin";
const auth = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
/** The control tables: looked up before a site is known, so they stay in DB for every site. */
const CONTROL_TABLES = new Set(["site_members", "account_tokens", "share_links", "api_keys"]);
const SITES = [
  { id: "site_big", domain: "big.example.com", code: "big-ref" },
  { id: "site_small", domain: "small.example.com", code: "small-ref" },
] as const;

let started: Awaited<ReturnType<typeof startBuiltWorkers>>;
let db: D1Database;
let big: D1Database;
const partnerIds: Record<string, string> = {};

const call = (path: string, init: Parameters<typeof started.mf.dispatchFetch>[1] = {}) =>
  started.mf.dispatchFetch(new URL(path, started.url), init);
const post = (path: string, body: unknown) => call(path, { method: "POST", headers: auth, body: JSON.stringify(body) });

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 150 && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** Rows per site-scoped table (tables with a site_id column, control tables aside) for one site. */
async function siteRows(d1: D1Database, siteId: string): Promise<Record<string, number>> {
  const { results: tables } = await d1
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
    )
    .all<{ name: string }>();
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    if (CONTROL_TABLES.has(name)) continue;
    const { results: columns } = await d1.prepare(`PRAGMA table_info("${name}")`).all<{ name: string }>();
    if (!columns.some((c) => c.name === "site_id")) continue;
    const row = await d1
      .prepare(`SELECT count(*) AS n FROM "${name}" WHERE site_id = ?1`)
      .bind(siteId)
      .first<{ n: number }>();
    if (row!.n > 0) counts[name] = row!.n;
  }
  return counts;
}

beforeAll(async () => {
  started = await startBuiltWorkers({
    root,
    adminToken: ADMIN,
    recommend: "built",
    assets: false,
    extraDatabases: ["DB_BIG"],
    bindings: { SITE_DATABASES: JSON.stringify({ site_big: "DB_BIG" }) },
  });
  db = await started.mf.getD1Database("DB");
  big = await started.mf.getD1Database("DB_BIG");
  const now = Date.now();
  for (const s of SITES) {
    // Chosen ids (the map names them), inserted as the API would: the site list lives in DB.
    await db
      .prepare(
        "INSERT INTO sites (id, name, domain, public_key, created_at, timezone) VALUES (?1, ?1, ?2, ?3, ?4, 'UTC')",
      )
      .bind(s.id, s.domain, `pk_${s.id}`, now)
      .run();
    expect((await post(`/api/v1/commission-rules?site_id=${s.id}`, { percent: 10 })).status).toBe(201);
    const partner = await post(`/api/v1/partners?site_id=${s.id}`, { type: "affiliate", name: "Ref", code: s.code });
    expect(partner.status, await partner.clone().text()).toBe(201);
    partnerIds[s.id] = ((await partner.json()) as { id: string }).id;
    expect((await post(`/api/v1/goals?site_id=${s.id}`, { kind: "page", path: "/", name: "Home" })).status).toBe(201);
    const referral = await call(`/r/${s.code}`, {
      headers: { "user-agent": "Mozilla/5.0 Chrome/131.0" },
      redirect: "manual",
    });
    expect(referral.headers.get("location")).toBe(`https://${s.domain}/?ref=${s.code}`);
    const collected = await call("/api/collect", {
      method: "POST",
      headers: {
        "content-type": "text/plain",
        origin: `https://${s.domain}`,
        "user-agent": "Mozilla/5.0 Chrome/131.0",
      },
      body: JSON.stringify({
        site: `pk_${s.id}`,
        events: [
          { id: `${s.id}-view`, type: "pageview", url: `https://${s.domain}/?utm_source=zhihu&utm_medium=social` },
        ],
      }),
    });
    expect(collected.status).toBe(202);
    const server = await post(`/api/v1/events?site_id=${s.id}`, {
      events: [
        { id: `${s.id}-v`, type: "pageview", visitor_id: "l", url: `https://${s.domain}/?ref=${s.code}` },
        { id: `${s.id}-p`, type: "purchase", visitor_id: "l", order_id: "o1", revenue: 50, currency: "CNY" },
      ],
    });
    expect(server.status).toBe(202);
  }
  for (const s of SITES) {
    const listed = await eventually(
      async () =>
        ((await (await call(`/api/v1/commissions?site_id=${s.id}`, { headers: auth })).json()) as { data: unknown[] })
          .data,
      (data) => data.length > 0,
    );
    expect(listed).toHaveLength(1);
  }
  // The recommend Worker's side: a hand-started retrain is recorded (manual_runs) in the site's database.
  for (const s of SITES) await post(`/api/v1/models/retrain?site_id=${s.id}`, {});
  const worker = await started.mf.getWorker("wayfind");
  await worker.scheduled({ cron: ROLLUP_CRON, scheduledTime: new Date(Date.now() + 20 * 60_000) });
}, 180_000);

afterAll(async () => {
  await started?.mf.dispose();
});

describe("a site with a database of its own", () => {
  it("keeps every site-scoped row of the mapped site in its database, and none of the other site's", async () => {
    const inBig = await siteRows(big, "site_big");
    for (const table of [
      "events",
      "sessions",
      "rollup_daily",
      "rollup_state",
      "goals",
      "partners",
      "partner_links",
      "partner_clicks",
      "commission_rules",
      "partner_commissions",
      "manual_runs",
    ])
      expect(inBig[table], table).toBeGreaterThan(0);
    expect(await siteRows(db, "site_big")).toEqual({});
    expect(await siteRows(big, "site_small")).toEqual({});
    expect((await siteRows(db, "site_small")).events).toBe(3);
  });

  it("answers the mapped site's reports, queries and listings from its database, as DB's site", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const answers: Record<string, unknown> = {};
    for (const s of SITES) {
      const events = (await (await call(`/api/v1/events?site_id=${s.id}`, { headers: auth })).json()) as {
        data: { id: string }[];
      };
      expect(events.data.map((e) => e.id).sort()).toEqual([`${s.id}-p`, `${s.id}-v`, `${s.id}-view`]);
      const overview = (await (
        await call(`/api/v1/reports/overview?site_id=${s.id}&from=${today}&to=${today}`, { headers: auth })
      ).json()) as { data_until: string | null; totals: { sessions: number; conversions: number } };
      expect(overview.data_until).not.toBeNull(); // the rollup's watermark, read from the site's database
      expect(overview.totals.sessions).toBeGreaterThan(0);
      expect(overview.totals.conversions).toBe(1);
      const query = (await (
        await post(`/api/v1/query?site_id=${s.id}`, { metrics: ["visits", "events"], date_range: [today, today] })
      ).json()) as { results: { metrics: number[] }[] };
      expect(query.results[0]!.metrics[1]).toBe(3);
      const goals = (await (await call(`/api/v1/goals?site_id=${s.id}`, { headers: auth })).json()) as {
        data: unknown[];
      };
      expect(goals.data).toHaveLength(1);
      answers[s.id] = { totals: overview.totals, query: query.results[0]!.metrics };
    }
    // The same traffic gives the same figures wherever a site's rows live.
    expect(answers.site_big).toEqual(answers.site_small);
  });

  it("ignores a row left in DB after its site moved to a database of its own", async () => {
    // As if site_big had lived in DB before the map named DB_BIG: its partner and a link stay behind.
    const copy = async (table: string, where: string, change: Record<string, unknown> = {}) => {
      const row = {
        ...(await big.prepare(`SELECT * FROM ${table} WHERE ${where}`).first<Record<string, unknown>>())!,
        ...change,
      };
      const names = Object.keys(row);
      await db
        .prepare(`INSERT INTO ${table} (${names.join(", ")}) VALUES (${names.map((_, i) => `?${i + 1}`).join(", ")})`)
        .bind(...Object.values(row))
        .run();
    };
    await copy("partners", "site_id = 'site_big'");
    await copy("partner_links", "code = 'big-ref'", { code: "stale-ref" });
    const stale = await call("/r/stale-ref", {
      headers: { "user-agent": "Mozilla/5.0 Chrome/131.0" },
      redirect: "manual",
    });
    expect(stale.status).toBe(404);
    const live = await call("/r/big-ref", {
      headers: { "user-agent": "Mozilla/5.0 Chrome/131.0" },
      redirect: "manual",
    });
    expect(live.headers.get("location")).toBe("https://big.example.com/?ref=big-ref");
  });

  it("keeps a referral code unique across databases", async () => {
    // site_small is in DB; big-ref is in DB_BIG. Each database's key guards only its own rows.
    const taken = await post(`/api/v1/partners?site_id=site_small`, {
      type: "affiliate",
      name: "Copy",
      code: "big-ref",
    });
    expect(taken.status).toBe(409);
    const link = await post(`/api/v1/partners/${partnerIds.site_big}/links?site_id=site_big`, {
      code: "small-ref",
      target_url: "https://big.example.com/course",
    });
    expect(link.status).toBe(409);
    const fresh = await post(`/api/v1/partners/${partnerIds.site_big}/links?site_id=site_big`, {
      code: "big-course",
      target_url: "https://big.example.com/course",
    });
    expect(fresh.status).toBe(201);
    expect(await big.prepare("SELECT site_id FROM partner_links WHERE code = 'big-course'").first("site_id")).toBe(
      "site_big",
    );
  });
});
