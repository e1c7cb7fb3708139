// Learner segments through the real API and the real daily cron: events go in through POST
// /api/v1/events, the cron computes RFM, activity clusters and the value model for every site, and
// the summary and the exports read them back. RFM is worked out by hand below.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DAILY_CRON } from "../../core/crons";
import worker from "../../functions/edge/index";
import { expectDocumented } from "./documented";
import { api, createSite, eventsLanded, expectError, type TestSite, unique } from "./helpers";

const DAY = 86_400_000;
type Ev = Record<string, unknown>;

async function send(site: TestSite, events: Ev[]) {
  const res = await api("/api/v1/events", { method: "POST", token: site.ingest, json: { events } });
  expect(res.status, await res.clone().text()).toBe(202);
  await eventsLanded(site.id, events.length);
}

async function runDailyCron(scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: DAILY_CRON, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

type KindReport = {
  status: string;
  reason: string | null;
  learners: number;
  segments: { segment: string; learners: number; profile: Record<string, number | null> }[];
  silhouette: { k: number; score: number | null }[] | null;
  value_model: {
    coefficients: { feature: string; estimate: number; standard_error: number }[];
    train: { n: number; r2: number | null };
    holdout: { n: number; r2: number | null; baseline_r2: number | null };
  } | null;
};
type Summary = { rfm: KindReport | null; cluster: KindReport | null; value: KindReport | null };

async function summary(site: TestSite): Promise<Summary> {
  const res = await api("/api/v1/segments", { token: site.read });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Summary;
  await expectDocumented("GET /api/v1/segments", 200, body);
  return body;
}

type Page = { data: { learner_id: string; scores: Record<string, number> }[]; next_cursor: string | null };
async function learners(site: TestSite, kind: string, segment: string, query = ""): Promise<Page> {
  const res = await api(`/api/v1/segments/${kind}/${segment}/learners?format=json${query}`, { token: site.read });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as Page;
  await expectDocumented("GET /api/v1/segments/{kind}/{segment}/learners", 200, body);
  return body;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("learner segments", () => {
  it("RFM by hand, written by the daily cron; clusters sum to the active learners; JSON and CSV exports agree", async () => {
    const site = await createSite();
    const now = Date.now();
    const order = (user: string, daysAgo: number, revenue: number, currency = "USD"): Ev => ({
      id: unique("e"),
      type: "purchase",
      user_id: user,
      ts: now - daysAgo * DAY,
      order_id: unique("o"),
      revenue,
      currency,
    });
    const refund = {
      id: unique("e"),
      type: "refund",
      user_id: "b2",
      ts: now - 2 * DAY,
      order_id: "b2-first",
      revenue: 100,
      currency: "USD",
    };
    // An exchange rate from long before: 250 CNY is 50 USD.
    expect(
      (
        await api("/api/v1/fx-rates", {
          method: "POST",
          token: site.admin,
          json: [{ date: "2020-01-01", currency: "CNY", rate: 0.2 }],
        })
      ).status,
    ).toBe(200);
    await send(site, [
      // recency (days), frequency, monetary (USD):
      ...[40, 30, 20, 1].map((d) => order("b1", d, 100)), //   1, 4, 400
      { ...order("b2", 50, 100), order_id: "b2-first" }, //     3, 3, 300 - 100 refunded = 200
      order("b2", 45, 100),
      order("b2", 3, 100),
      refund,
      order("b3", 5, 250, "CNY"), //                           5, 1, 50
      order("b4", 200, 500), //                                100, 2, 1000
      order("b4", 100, 500),
      order("b5", 300, 20), //                                 300, 1, 20
    ]);
    await runDailyCron(now);

    const s = await summary(site);
    // R (fewer days better): 5 4 3 2 1. F: b1 5, b2 4, b3 1, b4 3, b5 1. M (400 200 50 1000 20): 4 3 2 5 1.
    // FM = round half up of (F + M) / 2: 5 4 2 4 1. Grid: champions, champions, about_to_sleep, at_risk, lost.
    expect(s.rfm!.status).toBe("computed");
    expect(s.rfm!.learners).toBe(5);
    const sizes = Object.fromEntries(s.rfm!.segments.filter((g) => g.learners > 0).map((g) => [g.segment, g.learners]));
    expect(sizes).toEqual({ champions: 2, about_to_sleep: 1, at_risk: 1, lost: 1 });
    expect(s.rfm!.segments.find((g) => g.segment === "champions")!.profile.revenue).toBe(600);

    const champions = await learners(site, "rfm", "champions");
    expect(champions.data.map((m) => m.learner_id)).toEqual(["b1", "b2"]);
    expect(
      champions.data.map(({ scores: { r, f, m, frequency, monetary } }) => ({ r, f, m, frequency, monetary })),
    ).toEqual([
      { r: 5, f: 5, m: 4, frequency: 4, monetary: 400 },
      { r: 4, f: 4, m: 3, frequency: 3, monetary: 200 },
    ]);
    expect((await learners(site, "rfm", "about_to_sleep")).data[0]).toMatchObject({
      learner_id: "b3",
      scores: { monetary: 50 },
    });

    // The same learners as CSV, a page at a time: one per page, the cursor in a header.
    const csv = await api("/api/v1/segments/rfm/champions/learners?format=csv&limit=1", { token: site.read });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const [header, row] = (await csv.text()).trim().split("\n");
    expect(header!.split(",").slice(0, 4)).toEqual(["learner_id", "segment", "recency_days", "frequency"]);
    expect(row!.split(",").slice(0, 2)).toEqual(["b1", "champions"]);
    const next = csv.headers.get("x-next-cursor")!;
    const second = await (
      await api(`/api/v1/segments/rfm/champions/learners?format=csv&cursor=${next}`, { token: site.read })
    ).text();
    const columns = header!.split(",");
    const [, line] = second.trim().split("\n");
    const cells = line!.split(",");
    expect(cells[0]).toBe("b2");
    expect(Number(cells[columns.indexOf("monetary")])).toBe(champions.data[1]!.scores.monetary);

    // Clusters: everyone with an event in the last 90 days (b1 b2 b3; b4 and b5 last bought longer ago).
    expect(s.cluster!.status).toBe("computed");
    expect(s.cluster!.learners).toBe(3);
    expect(s.cluster!.segments.reduce((n, g) => n + g.learners, 0)).toBe(3);
    let exported = 0;
    for (const g of s.cluster!.segments) exported += (await learners(site, "cluster", g.segment)).data.length;
    expect(exported).toBe(3);
    // Too few learners with 90 days of history to fit the value model: said, not thrown.
    expect(s.value!.status).toBe("skipped");
    expect(s.value!.reason).toMatch(/Too few learners/);

    // Isolation: another site's key reads nothing of this one.
    const other = await createSite();
    expect((await api(`/api/v1/segments?site_id=${site.id}`, { token: other.read })).status).toBe(403);
    expect(await summary(other)).toEqual({ rfm: null, cluster: null, value: null });
    await expectError(await api("/api/v1/segments/rfm/champions/learners", { token: other.read }), 404, "not_found");
    await expectError(await api("/api/v1/segments/rfm/nobody/learners", { token: site.read }), 404, "not_found");
    await expectError(
      await api("/api/v1/segments/tribes/x/learners", { token: site.read }),
      400,
      "validation_failed",
      "kind",
    );
  });

  it("the value model: 90-day revenue from the first week, coefficients with standard errors, ranked learners", async () => {
    const site = await createSite();
    const now = Date.now();
    const o = "https://learn.example.com";
    const events: Ev[] = [];
    const add = (user: string, ts: number, e: Ev) => events.push({ id: unique("e"), user_id: user, ts, ...e });
    const buy = (user: string, ts: number, revenue: number) =>
      add(user, ts, { type: "purchase", order_id: unique("o"), revenue, currency: "USD" });
    // 20 learners with 90 days behind them: more pages and lessons in week one go with more revenue.
    for (let i = 0; i < 20; i++) {
      const user = `old${i}`;
      const t0 = now - (100 + 7 * i) * DAY;
      for (let p = 0; p <= i % 4; p++) add(user, t0 + p * 60_000, { type: "pageview", url: `${o}/courses/c${p}` });
      for (let l = 0; l < i % 3; l++) add(user, t0 + (10 + l) * 60_000, { type: "custom", name: "lesson_start" });
      if (i % 2 === 0) buy(user, t0 + 20 * 60_000, 100);
      if (i % 4 === 3) buy(user, t0 + 20 * DAY, 300);
    }
    // 10 newer learners (first seen 10 to 64 days ago) to rank.
    for (let j = 0; j < 10; j++) {
      const user = `new${j}`;
      const t0 = now - (10 + 6 * j) * DAY;
      for (let p = 0; p <= j % 4; p++) add(user, t0 + p * 60_000, { type: "pageview", url: `${o}/courses/c${p}` });
      if (j % 3 === 0) add(user, t0 + 10 * 60_000, { type: "custom", name: "lesson_start" });
    }
    await send(site, events);

    const computed = await api("/api/v1/segments/compute", { method: "POST", token: site.admin });
    expect(computed.status).toBe(200);
    await expectDocumented("POST /api/v1/segments/compute", 200, await computed.clone().json());
    const { value } = (await computed.json()) as Summary;
    expect(value!.status).toBe("computed");
    const fit = value!.value_model!;
    expect(fit.coefficients.map((c) => c.feature)).toEqual([
      "sessions",
      "active_days",
      "pageviews",
      "lesson_starts",
      "lesson_completes",
      "engaged_minutes",
      "custom_events",
      "signed_up",
      "purchases",
      "revenue",
    ]);
    for (const c of fit.coefficients) {
      expect(Number.isFinite(c.estimate)).toBe(true);
      expect(c.standard_error).toBeGreaterThanOrEqual(0);
    }
    // 20 with 90 days of history: 4 held out (20%), 16 trained on.
    expect(fit.train.n).toBe(16);
    expect(fit.holdout.n).toBe(4);
    expect(fit.holdout).toHaveProperty("baseline_r2");
    // The 10 newer learners ranked in quintiles of 2, highest first.
    expect(value!.learners).toBe(10);
    expect(value!.segments.map((g) => [g.segment, g.learners])).toEqual([
      ["very_high", 2],
      ["high", 2],
      ["medium", 2],
      ["low", 2],
      ["very_low", 2],
    ]);
    const top = await learners(site, "value", "very_high");
    expect(top.data.map((m) => m.scores.rank).sort()).toEqual([1, 2]);
    const bottom = await learners(site, "value", "very_low");
    expect(Math.min(...top.data.map((m) => m.scores.predicted_value!))).toBeGreaterThanOrEqual(
      Math.max(...bottom.data.map((m) => m.scores.predicted_value!)),
    );
    expect([...top.data, ...bottom.data].every((m) => m.learner_id.startsWith("new"))).toBe(true);
  });

  it("the daily cron logs a site whose segments D1 refuses to write, and still computes the next site's", async () => {
    const broken = await createSite();
    const healthy = await createSite();
    const buy = (user: string): Ev => ({
      id: unique("e"),
      type: "purchase",
      user_id: user,
      ts: Date.now() - DAY,
      order_id: unique("o"),
      revenue: 10,
      currency: "USD",
    });
    await send(broken, [buy("x1")]);
    await send(healthy, [buy("y1")]);
    const trigger = `refuse_segments_${broken.id}`;
    await env.DB.prepare(
      `CREATE TRIGGER ${trigger} BEFORE INSERT ON learner_segments WHEN NEW.site_id = '${broken.id}' ` +
        "BEGIN SELECT RAISE(ABORT, 'segments are read-only for this site'); END",
    ).run();
    const errors = vi.spyOn(console, "error");
    try {
      await runDailyCron(Date.now());
    } finally {
      await env.DB.prepare(`DROP TRIGGER ${trigger}`).run();
    }
    const logged = errors.mock.calls.filter(([label]) => label === "segments failed").map(([, context]) => context);
    expect(logged).toContainEqual({ siteId: broken.id, error: expect.stringMatching(/read-only for this site/) });
    expect((await summary(broken)).rfm).toBeNull();
    expect((await summary(healthy)).rfm).toMatchObject({ status: "computed", learners: 1 });
  });
});
