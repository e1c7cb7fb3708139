// Every cron loop isolates its sites: a site that really fails (a time zone this runtime does not
// know, a D1 write its database refuses) is logged with its id and the error, and the sites after
// it are still done.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DAILY_CRON, ROLLUP_CRON } from "../../core/crons";
import worker from "../../functions/edge/index";
import { runReports } from "../../jobs/reports/run";
import { api, createSite, eventsLanded, pageview, type TestSite } from "./helpers";
import { messagesTo } from "./mailbox";
import { DAY } from "./partner-helpers";

async function runCron(cron: string, scheduledTime = Date.now()) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** The `{ siteId, ... }` contexts forEachSite logged for `job`. */
function failuresLogged(spy: { mock: { calls: unknown[][] } }, job: string) {
  return spy.mock.calls.filter(([label]) => label === `${job} failed`).map(([, context]) => context);
}

async function withEvents(site: TestSite) {
  const res = await api("/api/v1/events", {
    method: "POST",
    token: site.ingest,
    json: { events: [{ ...pageview(`${site.origin}/`, { ts: Date.now() - 60_000 }), visitor_id: "v1" }] },
  });
  expect(res.status).toBe(202);
  await eventsLanded(site.id, 1);
}

const rollupState = (siteId: string) =>
  env.DB.prepare("SELECT watermark, markov_fitted_at FROM rollup_state WHERE site_id = ?1")
    .bind(siteId)
    .first<{ watermark: number; markov_fitted_at: number | null }>();

afterEach(() => {
  vi.restoreAllMocks();
});

describe("cron loops isolate each site", () => {
  it("rollup: a site with an unknown time zone is logged; the next site is rolled up", async () => {
    const broken = await createSite();
    const healthy = await createSite();
    await withEvents(broken);
    await withEvents(healthy);
    // Settings validate time zones; a row written before that check (or by hand) can still hold one.
    await env.DB.prepare("UPDATE sites SET timezone = 'Mars/Olympus' WHERE id = ?1").bind(broken.id).run();
    const errors = vi.spyOn(console, "error");

    await runCron(ROLLUP_CRON);

    expect(failuresLogged(errors, "rollup")).toContainEqual({
      siteId: broken.id,
      error: expect.stringMatching(/RangeError.*Mars\/Olympus/),
    });
    expect(await rollupState(broken.id)).toBeNull();
    expect((await rollupState(healthy.id))?.watermark).toBeGreaterThan(0);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM rollup_daily WHERE site_id = ?1")
      .bind(healthy.id)
      .first<{ n: number }>();
    expect(rows!.n).toBeGreaterThan(0);
  });

  it("daily Markov refit: a site whose state D1 refuses to write is logged; the next site is refitted", async () => {
    const broken = await createSite();
    const healthy = await createSite();
    // A real D1 failure for one site only: the database aborts any write of its rollup state.
    const trigger = `refuse_${broken.id}`;
    for (const op of ["INSERT", "UPDATE"]) {
      await env.DB.prepare(
        `CREATE TRIGGER ${trigger}_${op.toLowerCase()} BEFORE ${op} ON rollup_state ` +
          `WHEN NEW.site_id = '${broken.id}' BEGIN SELECT RAISE(ABORT, 'rollup state is read-only for this site'); END`,
      ).run();
    }
    const errors = vi.spyOn(console, "error");
    const now = Date.now();
    try {
      await runCron(DAILY_CRON, now);
    } finally {
      for (const op of ["insert", "update"]) await env.DB.prepare(`DROP TRIGGER ${trigger}_${op}`).run();
    }

    expect(failuresLogged(errors, "markov refit")).toContainEqual({
      siteId: broken.id,
      error: expect.stringContaining("rollup state is read-only for this site"),
    });
    expect(await rollupState(broken.id)).toBeNull();
    expect((await rollupState(healthy.id))?.markov_fitted_at).toBe(now);
  });

  it("reports: a subscription with an unknown time zone is logged; the next one is sent", async () => {
    const broken = await createSite();
    const healthy = await createSite();
    const subscribe = async (site: TestSite, to: string) => {
      const res = await api("/api/v1/report-subscriptions", {
        method: "POST",
        token: site.admin,
        json: { recipients: [to], frequency: "daily", hour: 8, sections: ["totals"] },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const brokenSub = await subscribe(broken, `broken-${broken.id}@example.com`);
    const to = `healthy-${healthy.id}@example.com`.toLowerCase();
    await subscribe(healthy, to);
    await env.DB.prepare("UPDATE report_subscriptions SET timezone = 'Mars/Olympus' WHERE id = ?1")
      .bind(brokenSub)
      .run();
    const errors = vi.spyOn(console, "error");

    // 09:00 UTC tomorrow: the daily 08:00 report for today is due.
    const today = new Date().toISOString().slice(0, 10);
    await runReports(env, Date.parse(`${today}T09:00:00Z`) + DAY);

    expect(failuresLogged(errors, "report schedule")).toContainEqual({
      siteId: broken.id,
      subscriptionId: brokenSub,
      error: expect.stringMatching(/RangeError.*Mars\/Olympus/),
    });
    expect(await messagesTo(to)).toHaveLength(1);
  });
});
